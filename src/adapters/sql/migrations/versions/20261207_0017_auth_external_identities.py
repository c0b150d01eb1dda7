"""Auth: identities at external providers (Google, GitHub, OIDC) linked to accounts
(``auth_external_identities``).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 03:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auth_external_identities",
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("linked_at", adapters.sql.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("provider", "subject", name=op.f("pk_auth_external_identities")),
        sa.UniqueConstraint(
            "user_id", "provider", name=op.f("uq_auth_external_identities_user_id_provider")
        ),
        schema="auth",
    )


def downgrade() -> None:
    op.drop_table("auth_external_identities", schema="auth")
