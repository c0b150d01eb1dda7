"""AI: token usage per user (one row per language-model answer that cost tokens).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 21:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ai_token_usage",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_token_usage")),
        schema="ai",
    )
    op.create_index(
        op.f("ix_ai_token_usage_owner_at"),
        "ai_token_usage",
        ["owner", "at"],
        unique=False,
        schema="ai",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ai_token_usage_owner_at"), table_name="ai_token_usage", schema="ai")
    op.drop_table("ai_token_usage", schema="ai")
