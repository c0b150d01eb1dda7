"""Auth: two-step sign-in (TOTP authenticators, recovery codes, sign-in challenges).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 03:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"


def upgrade() -> None:
    when = adapters.sql.types.UtcDateTime
    op.create_table(
        "auth_second_factors",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("sealed_secret", sa.Text(), nullable=False),
        sa.Column("created_at", when(timezone=True), nullable=False),
        sa.Column("confirmed_at", when(timezone=True), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_auth_second_factors")),
        schema=SCHEMA,
    )
    op.create_table(
        "auth_recovery_codes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", when(timezone=True), nullable=False),
        sa.Column("used_at", when(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("user_id", "code_hash", name=op.f("pk_auth_recovery_codes")),
        schema=SCHEMA,
    )
    op.create_table(
        "auth_sign_in_challenges",
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", when(timezone=True), nullable=False),
        sa.Column("expires_at", when(timezone=True), nullable=False),
        sa.Column("used_at", when(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_auth_sign_in_challenges")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_auth_sign_in_challenges_user_id"),
        "auth_sign_in_challenges",
        ["user_id"],
        unique=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_auth_sign_in_challenges_user_id"),
        table_name="auth_sign_in_challenges",
        schema=SCHEMA,
    )
    op.drop_table("auth_sign_in_challenges", schema=SCHEMA)
    op.drop_table("auth_recovery_codes", schema=SCHEMA)
    op.drop_table("auth_second_factors", schema=SCHEMA)
