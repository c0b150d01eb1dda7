"""Notification: notifications, deliveries, schedules, preferences, recipients and devices.

Revision ID: 0010
Revises: 0011
Create Date: 2026-12-06 23:29:09.307512+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import adapters.sql.types

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("notification_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=400), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_deliveries")),
        sa.UniqueConstraint(
            "notification_id",
            "channel",
            "target",
            name=op.f("uq_notification_deliveries_notification_id_channel_target"),
        ),
        schema="notification",
    )
    op.create_index(
        op.f("ix_notification_deliveries_state_next_attempt_at"),
        "notification_deliveries",
        ["state", "next_attempt_at"],
        unique=False,
        schema="notification",
    )
    op.create_table(
        "notification_devices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("deactivated_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_devices")),
        sa.UniqueConstraint(
            "user_id", "token_sha256", name=op.f("uq_notification_devices_user_id_token_sha256")
        ),
        schema="notification",
    )
    op.create_table(
        "notification_notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("created_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("read_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_notifications")),
        sa.UniqueConstraint(
            "user_id", "key", name=op.f("uq_notification_notifications_user_id_key")
        ),
        schema="notification",
    )
    op.create_index(
        op.f("ix_notification_notifications_user_id_created_at_id"),
        "notification_notifications",
        ["user_id", "created_at", "id"],
        unique=False,
        schema="notification",
    )
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_preferences")),
        schema="notification",
    )
    op.create_table(
        "notification_recipients",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("email_active", sa.Boolean(), nullable=False),
        sa.Column("deactivated_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_recipients")),
        schema="notification",
    )
    op.create_table(
        "notification_schedules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("audience", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("due_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("cursor", sa.Uuid(), nullable=True),
        sa.Column("dispatched_at", adapters.sql.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_schedules")),
        sa.UniqueConstraint("audience", "key", name=op.f("uq_notification_schedules_audience_key")),
        schema="notification",
    )
    op.create_index(
        op.f("ix_notification_schedules_state_due_at"),
        "notification_schedules",
        ["state", "due_at"],
        unique=False,
        schema="notification",
    )
    op.create_index(
        op.f("ix_notification_schedules_user_id_subject"),
        "notification_schedules",
        ["user_id", "subject"],
        unique=False,
        schema="notification",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_notification_schedules_user_id_subject"),
        table_name="notification_schedules",
        schema="notification",
    )
    op.drop_index(
        op.f("ix_notification_schedules_state_due_at"),
        table_name="notification_schedules",
        schema="notification",
    )
    op.drop_table("notification_schedules", schema="notification")
    op.drop_table("notification_recipients", schema="notification")
    op.drop_table("notification_preferences", schema="notification")
    op.drop_index(
        op.f("ix_notification_notifications_user_id_created_at_id"),
        table_name="notification_notifications",
        schema="notification",
    )
    op.drop_table("notification_notifications", schema="notification")
    op.drop_table("notification_devices", schema="notification")
    op.drop_index(
        op.f("ix_notification_deliveries_state_next_attempt_at"),
        table_name="notification_deliveries",
        schema="notification",
    )
    op.drop_table("notification_deliveries", schema="notification")
