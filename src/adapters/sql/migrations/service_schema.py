"""What every service's schema starts with, for the migrations that create a service: its
inbox, its outbox (with the index of unpublished events) and its dead letters, named after
the schema (``{schema}_inbox``, ...), as the table helpers of
:mod:`adapters.sql.tables.messaging` declare them.

Migrations are history: a change to these tables is a new migration, never an edit here
(an edit would make a database migrated before it differ from one migrated after).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime


def create_service_schema(schema: str) -> None:
    """Create ``schema`` (PostgreSQL; SQLite has none) and its inbox, outbox and dead
    letters."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSchema(schema, if_not_exists=True))
    when = UtcDateTime
    serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        f"{schema}_inbox",
        sa.Column("consumer", sa.String(length=120), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("processed_at", when(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f(f"pk_{schema}_inbox")),
        schema=schema,
    )
    op.create_table(
        f"{schema}_outbox",
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
        sa.PrimaryKeyConstraint("position", name=op.f(f"pk_{schema}_outbox")),
        sa.UniqueConstraint("event_id", name=op.f(f"uq_{schema}_outbox_event_id")),
        schema=schema,
    )
    op.create_index(
        f"ix_{schema}_outbox_unpublished",
        f"{schema}_outbox",
        ["position"],
        unique=False,
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        f"{schema}_dead_letters",
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("queue_name", sa.String(length=200), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("event_type", sa.String(length=120), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("failed_at", when(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f(f"pk_{schema}_dead_letters")),
        schema=schema,
    )


def drop_service_tables(schema: str) -> None:
    """Drop what :func:`create_service_schema` made, but the schema (the downgrade drops
    it after the service's other tables)."""
    op.drop_table(f"{schema}_dead_letters", schema=schema)
    op.drop_index(
        f"ix_{schema}_outbox_unpublished",
        table_name=f"{schema}_outbox",
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.drop_table(f"{schema}_outbox", schema=schema)
    op.drop_table(f"{schema}_inbox", schema=schema)
