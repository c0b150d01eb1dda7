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

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "analytics"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSchema(SCHEMA, if_not_exists=True))
    when = adapters.sql.types.UtcDateTime
    serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "analytics_inbox",
        sa.Column("consumer", sa.String(length=120), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("processed_at", when(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_analytics_inbox")),
        schema=SCHEMA,
    )
    op.create_table(
        "analytics_outbox",
        sa.Column("position", serial, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=120), nullable=False),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", when(timezone=True), nullable=False),
        sa.Column("recorded_at", when(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("published_at", when(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_analytics_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_analytics_outbox_event_id")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_analytics_outbox_unpublished",
        "analytics_outbox",
        ["position"],
        unique=False,
        schema=SCHEMA,
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "analytics_dead_letters",
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("queue_name", sa.String(length=200), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("event_type", sa.String(length=120), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("failed_at", when(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_analytics_dead_letters")),
        schema=SCHEMA,
    )
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
    op.drop_table("analytics_dead_letters", schema=SCHEMA)
    op.drop_index(
        "ix_analytics_outbox_unpublished",
        table_name="analytics_outbox",
        schema=SCHEMA,
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.drop_table("analytics_outbox", schema=SCHEMA)
    op.drop_table("analytics_inbox", schema=SCHEMA)
