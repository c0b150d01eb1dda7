"""Every service: the accounts it erased (``<service>_erased_accounts``: the account's id and
when), so an event about an erased account delivered late is dropped instead of bringing the
account's rows back.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 04:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: every service schema that existed at this revision (each has its outbox and inbox)
SCHEMAS = (
    "quest",
    "auth",
    "gamification",
    "notification",
    "ai",
    "search",
    "integrations",
    "analytics",
)


def upgrade() -> None:
    when = adapters.sql.types.UtcDateTime
    for schema in SCHEMAS:
        name = f"{schema}_erased_accounts"
        op.create_table(
            name,
            sa.Column("owner", sa.Uuid(), nullable=False),
            sa.Column("erased_at", when(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("owner", name=op.f(f"pk_{name}")),
            schema=schema,
        )


def downgrade() -> None:
    for schema in reversed(SCHEMAS):
        op.drop_table(f"{schema}_erased_accounts", schema=schema)
