"""Gamification: the identity fact a player's name and zone follow (``profile_as_of``); the
quest reopens the game has seen and each award's quest version (``gamification_reopens``,
``gamification_ledger.quest_version``), so a reopen delivered before its completion still wins.

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
    op.add_column(
        "gamification_ledger",
        sa.Column("quest_version", sa.Integer(), nullable=True),
        schema=_schema(),
    )
    op.create_table(
        "gamification_reopens",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("quest_id", sa.Uuid(), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("quest_version", sa.Integer(), nullable=True),
        sa.Column("reopened_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_gamification_reopens")),
        schema="gamification",
    )
    op.create_index(
        op.f("ix_gamification_reopens_user_id_quest_id_occurrence"),
        "gamification_reopens",
        ["user_id", "quest_id", "occurrence"],
        unique=False,
        schema="gamification",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_gamification_reopens_user_id_quest_id_occurrence"),
        table_name="gamification_reopens",
        schema="gamification",
    )
    op.drop_table("gamification_reopens", schema="gamification")
    op.drop_column("gamification_ledger", "quest_version", schema=_schema())
    op.drop_column("gamification_players", "profile_as_of", schema=_schema())
