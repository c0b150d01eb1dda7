"""Every service: the request id on outbox rows, and a table of dead letters.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.sql.types

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Listed literally: a later change to the service list must not rewrite history.
SERVICES = ("quest", "auth", "gamification", "notification", "ai")


def _schema(service: str) -> str | None:
    # ALTER TABLE escapes the schema translation the environment sets up for SQLite.
    return None if op.get_bind().dialect.name == "sqlite" else service


def upgrade() -> None:
    for service in SERVICES:
        # A plain ADD COLUMN (SQLite has it): batch mode would rebuild the table.
        op.add_column(
            f"{service}_outbox",
            sa.Column("request_id", sa.String(length=128), nullable=True),
            schema=_schema(service),
        )
        op.create_table(
            f"{service}_dead_letters",
            sa.Column("message_id", sa.String(length=64), nullable=False),
            sa.Column("queue_name", sa.String(length=200), nullable=False),
            sa.Column("actor_name", sa.String(length=200), nullable=False),
            sa.Column("event_id", sa.Uuid(), nullable=True),
            sa.Column("event_type", sa.String(length=120), nullable=True),
            sa.Column("message", sa.Text(), nullable=False),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("failed_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("message_id", name=op.f(f"pk_{service}_dead_letters")),
            schema=service,
        )


def downgrade() -> None:
    for service in reversed(SERVICES):
        op.drop_table(f"{service}_dead_letters", schema=service)
        op.drop_column(f"{service}_outbox", "request_id", schema=_schema(service))
