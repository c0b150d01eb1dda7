"""Integrations: calendar feeds (token hashes), the calendar's copy of each quest, and each
owner's time zone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 03:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import adapters.sql.types

revision: str = "0016"
# 0015 creates the integrations schema and its outbox/inbox (the integrations skeleton)
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "integrations"


def upgrade() -> None:
    when = adapters.sql.types.UtcDateTime
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "integrations_calendar_feeds",
        sa.Column("feed_id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", when(timezone=True), nullable=False),
        sa.Column("rotated_at", when(timezone=True), nullable=False),
        sa.Column("revoked_at", when(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("feed_id", name=op.f("pk_integrations_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_integrations_calendar_feeds_token_hash")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_integrations_calendar_feeds_owner"),
        "integrations_calendar_feeds",
        ["owner"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "integrations_calendar_entries",
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("quest_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("tags", json, nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due", when(timezone=True), nullable=True),
        sa.Column("completed_at", when(timezone=True), nullable=True),
        sa.Column("created_at", when(timezone=True), nullable=False),
        sa.Column("updated_at", when(timezone=True), nullable=False),
        sa.Column("started", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("owner", "quest_id", name=op.f("pk_integrations_calendar_entries")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_integrations_calendar_entries_owner_due"),
        "integrations_calendar_entries",
        ["owner", "due"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "integrations_calendar_zones",
        sa.Column("owner", sa.Uuid(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("owner", name=op.f("pk_integrations_calendar_zones")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("integrations_calendar_zones", schema=SCHEMA)
    op.drop_index(
        op.f("ix_integrations_calendar_entries_owner_due"),
        table_name="integrations_calendar_entries",
        schema=SCHEMA,
    )
    op.drop_table("integrations_calendar_entries", schema=SCHEMA)
    op.drop_index(
        op.f("ix_integrations_calendar_feeds_owner"),
        table_name="integrations_calendar_feeds",
        schema=SCHEMA,
    )
    op.drop_table("integrations_calendar_feeds", schema=SCHEMA)
