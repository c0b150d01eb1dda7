"""Tables owned by the notification service (schema ``notification`` on PostgreSQL).

Unique keys carry the service's promises: ``(user_id, key)`` on notifications (one fact, one
notification), ``(notification_id, channel, target)`` on deliveries (never delivered twice),
``(audience, key)`` on schedules (``audience`` is the user id, or ``*`` for a broadcast) and
``(user_id, token_sha256)`` on devices (a token registered twice is one device). No other
service's adapter may use them.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from adapters.sql.tables.base import declare_group, metadata
from adapters.sql.tables.messaging import (
    dead_letters_table,
    erased_accounts_table,
    inbox_table,
    outbox_table,
)
from adapters.sql.types import JsonDocument, UtcDateTime

SCHEMA = "notification"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)
dead_letters = dead_letters_table(SCHEMA)
erased_accounts = erased_accounts_table(SCHEMA)

notifications = Table(
    "notification_notifications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("key", String(300), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("data", JsonDocument, nullable=False),
    Column("in_app", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime, nullable=True),
    UniqueConstraint("user_id", "key"),
    schema=SCHEMA,
)
# /history: one user's newest first, keyset-paginated on (created_at, id)
Index(None, notifications.c.user_id, notifications.c.created_at, notifications.c.id)

deliveries = Table(
    "notification_deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("notification_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("target", String(400), nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("reason", Text, nullable=True),
    UniqueConstraint("notification_id", "channel", "target"),
    schema=SCHEMA,
)
# the dispatcher's question: queued and due, oldest first
Index(None, deliveries.c.state, deliveries.c.next_attempt_at)

schedules = Table(
    "notification_schedules",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("audience", String(40), nullable=False),
    Column("user_id", Uuid, nullable=True),
    Column("kind", String(32), nullable=False),
    Column("key", String(300), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("data", JsonDocument, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("subject", String(100), nullable=True),
    Column("state", String(16), nullable=False),
    Column("cursor", Uuid, nullable=True),
    Column("dispatched_at", UtcDateTime, nullable=True),
    UniqueConstraint("audience", "key"),
    schema=SCHEMA,
)
Index(None, schedules.c.state, schedules.c.due_at)
Index(None, schedules.c.user_id, schedules.c.subject)

preferences = Table(
    "notification_preferences",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("document", JsonDocument, nullable=False),
    Column("version", Integer, nullable=False),
    schema=SCHEMA,
)

recipients = Table(
    "notification_recipients",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("email", String(320), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("email_active", Boolean, nullable=False),
    Column("deactivated_reason", Text, nullable=True),
    schema=SCHEMA,
)

devices = Table(
    "notification_devices",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("platform", String(16), nullable=False),
    Column("token", Text, nullable=False),
    Column("token_sha256", String(64), nullable=False),
    Column("label", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("deactivated_reason", Text, nullable=True),
    UniqueConstraint("user_id", "token_sha256"),
    schema=SCHEMA,
)

#: every table above: what the apps' registry names for this service
GROUP = declare_group(SCHEMA)

__all__ = [
    "GROUP",
    "SCHEMA",
    "dead_letters",
    "deliveries",
    "devices",
    "inbox",
    "notifications",
    "outbox",
    "preferences",
    "recipients",
    "schedules",
]
