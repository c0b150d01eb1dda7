"""Auth: the SQL rate limiter's sliding-window logs (the login limiter's fallback to Redis).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 09:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import adapters.sql.types

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auth_rate_hits",
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column(
            "hits",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("expires_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_auth_rate_hits")),
        schema="auth",
    )
    op.create_index(
        op.f("ix_auth_rate_hits_expires_at"),
        "auth_rate_hits",
        ["expires_at"],
        unique=False,
        schema="auth",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_auth_rate_hits_expires_at"), table_name="auth_rate_hits", schema="auth")
    op.drop_table("auth_rate_hits", schema="auth")
