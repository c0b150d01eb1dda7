"""Analytics: the service's schema, outbox, inbox and dead letters, and its recorded product
events (``analytics_events``).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 02:45:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import adapters.sql.types
from adapters.sql.migrations.service_schema import create_service_schema, drop_service_tables

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "analytics"


def upgrade() -> None:
    create_service_schema(SCHEMA)
    when = adapters.sql.types.UtcDateTime
    serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "analytics_events",
        sa.Column("id", serial, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("at", when(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("properties", json, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_analytics_events_event_id")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_analytics_events_owner_at"),
        "analytics_events",
        ["owner", "at"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_analytics_events_day_kind"),
        "analytics_events",
        ["day", "kind"],
        unique=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_analytics_events_day_kind"), table_name="analytics_events", schema=SCHEMA
    )
    op.drop_index(
        op.f("ix_analytics_events_owner_at"), table_name="analytics_events", schema=SCHEMA
    )
    op.drop_table("analytics_events", schema=SCHEMA)
    drop_service_tables(SCHEMA)
