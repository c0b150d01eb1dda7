"""Gamification: the identity fact a player's name and zone follow (``profile_as_of``).

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07 00:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema() -> str | None:
    # ALTER TABLE escapes the schema translation the environment sets up for SQLite.
    return None if op.get_bind().dialect.name == "sqlite" else "gamification"


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite has it): batch mode would rebuild the table.
    op.add_column(
        "gamification_players",
        sa.Column("profile_as_of", adapters.sql.types.UtcDateTime(timezone=True), nullable=True),
        schema=_schema(),
    )


def downgrade() -> None:
    op.drop_column("gamification_players", "profile_as_of", schema=_schema())
