"""AI: each player's time zone (``ai_player_zones``), fed by identity events.

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-07 00:05:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ai_player_zones",
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("owner", name=op.f("pk_ai_player_zones")),
        schema="ai",
    )


def downgrade() -> None:
    op.drop_table("ai_player_zones", schema="ai")
