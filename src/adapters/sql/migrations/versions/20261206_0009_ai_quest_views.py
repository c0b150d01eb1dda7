"""AI: the read model of quests (``ai_quest_views``), built from quest events.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 22:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import adapters.sql.types

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "ai_quest_views",
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("quest_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("difficulty", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("tags", json, nullable=False),
        sa.Column("due", adapters.sql.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("estimate_minutes", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("depends_on", json, nullable=False),
        sa.PrimaryKeyConstraint("owner", "quest_id", name=op.f("pk_ai_quest_views")),
        schema="ai",
    )
    op.create_index(
        op.f("ix_ai_quest_views_owner_status"),
        "ai_quest_views",
        ["owner", "status"],
        unique=False,
        schema="ai",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ai_quest_views_owner_status"), table_name="ai_quest_views", schema="ai")
    op.drop_table("ai_quest_views", schema="ai")
