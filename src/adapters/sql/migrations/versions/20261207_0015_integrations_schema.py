"""Integrations: the service's schema, outbox, inbox and dead letters; webhook endpoints,
deliveries and attempts.

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-07 02:45:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import adapters.sql.types
from adapters.sql.migrations.service_schema import create_service_schema, drop_service_tables

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "integrations"


def upgrade() -> None:
    create_service_schema(SCHEMA)
    when = adapters.sql.types.UtcDateTime
    serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "integrations_webhook_endpoints",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("event_types", json, nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("created_at", when(timezone=True), nullable=False),
        sa.Column("updated_at", when(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations_webhook_endpoints")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_integrations_webhook_endpoints_owner"),
        "integrations_webhook_endpoints",
        ["owner"],
        schema=SCHEMA,
    )
    op.create_table(
        "integrations_webhook_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("endpoint_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", when(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", when(timezone=True), nullable=False),
        sa.Column("updated_at", when(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations_webhook_deliveries")),
        sa.UniqueConstraint(
            "endpoint_id",
            "event_id",
            name=op.f("uq_integrations_webhook_deliveries_endpoint_id_event_id"),
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_integrations_webhook_deliveries_status_next_attempt_at"),
        "integrations_webhook_deliveries",
        ["status", "next_attempt_at"],
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_integrations_webhook_deliveries_endpoint_id_created_at"),
        "integrations_webhook_deliveries",
        ["endpoint_id", "created_at"],
        schema=SCHEMA,
    )
    op.create_table(
        "integrations_webhook_attempts",
        sa.Column("id", serial, autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("at", when(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations_webhook_attempts")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_integrations_webhook_attempts_delivery_id"),
        "integrations_webhook_attempts",
        ["delivery_id"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_integrations_webhook_attempts_delivery_id"),
        table_name="integrations_webhook_attempts",
        schema=SCHEMA,
    )
    op.drop_table("integrations_webhook_attempts", schema=SCHEMA)
    for index in ("status_next_attempt_at", "endpoint_id_created_at"):
        op.drop_index(
            op.f(f"ix_integrations_webhook_deliveries_{index}"),
            table_name="integrations_webhook_deliveries",
            schema=SCHEMA,
        )
    op.drop_table("integrations_webhook_deliveries", schema=SCHEMA)
    op.drop_index(
        op.f("ix_integrations_webhook_endpoints_owner"),
        table_name="integrations_webhook_endpoints",
        schema=SCHEMA,
    )
    op.drop_table("integrations_webhook_endpoints", schema=SCHEMA)
    drop_service_tables(SCHEMA)
