"""Tables owned by the integrations service (schema ``integrations`` on PostgreSQL).

Its outbox, inbox and dead letters; each integration adds its own tables here. Calendar
feeds: ``integrations_calendar_feeds`` (a token's SHA-256 per feed),
``integrations_calendar_entries`` (its copy of each quest, fed by quest events) and
``integrations_calendar_zones`` (each owner's time zone, fed by identity events). Webhooks:
``integrations_webhook_endpoints`` (the users' URLs, the event kinds each wants, its secret),
``integrations_webhook_deliveries``
(one event to one endpoint: the exact body, where it stands, when it is next tried) and
``integrations_webhook_attempts`` (the delivery log: every try, its status code or error).
No other service's adapter may use them.
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
from adapters.sql.types import JsonDocument, SerialKey, UtcDateTime

SCHEMA = "integrations"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)
dead_letters = dead_letters_table(SCHEMA)
erased_accounts = erased_accounts_table(SCHEMA)

webhook_endpoints = Table(
    "integrations_webhook_endpoints",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner", Uuid, nullable=False),
    Column("url", String(2000), nullable=False),
    Column("event_types", JsonDocument, nullable=False),
    Column("secret", String(100), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("description", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "owner"),
    schema=SCHEMA,
)

webhook_deliveries = Table(
    "integrations_webhook_deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner", Uuid, nullable=False),
    Column("endpoint_id", Uuid, nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("event_type", String(120), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # one delivery per event and endpoint, however often the event arrives
    UniqueConstraint("endpoint_id", "event_id"),
    # the sender's scan: pending deliveries by when they are due
    Index(None, "status", "next_attempt_at"),
    # an endpoint's delivery log, newest first
    Index(None, "endpoint_id", "created_at"),
    schema=SCHEMA,
)

webhook_attempts = Table(
    "integrations_webhook_attempts",
    metadata,
    Column("id", SerialKey, primary_key=True, autoincrement=True),
    Column("delivery_id", Uuid, nullable=False),
    Column("owner", Uuid, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("duration_ms", Integer, nullable=False),
    Index(None, "delivery_id"),
    schema=SCHEMA,
)

#: calendar feeds: a token (stored as its SHA-256 only) that opens one user's feed
calendar_feeds = Table(
    "integrations_calendar_feeds",
    metadata,
    Column("feed_id", Uuid, primary_key=True),
    Column("owner", Uuid, nullable=False),
    Column("label", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("rotated_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    # what the feed holds: "todos" (VTODO) or "events" (VEVENT)
    Column("kind", String(16), nullable=False, server_default="todos"),
    # a feed is read by its token's hash: one row each
    UniqueConstraint("token_hash"),
    Index(None, "owner"),
    schema=SCHEMA,
)

#: the calendar's copy of each quest (fed by quest events, never read from the quest tables)
calendar_entries = Table(
    "integrations_calendar_entries",
    metadata,
    Column("owner", Uuid, primary_key=True),
    Column("quest_id", Uuid, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("notes", Text, nullable=False),
    Column("tags", JsonDocument, nullable=False),
    Column("category", String(100), nullable=True),
    Column("priority", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("due", UtcDateTime, nullable=True),
    Column("completed_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("started", Boolean, nullable=False),
    # the quest's estimate (an event in an "events" feed lasts that long)
    Column("estimate_minutes", Integer, nullable=True),
    # a feed reads the owner's quests by due date
    Index(None, "owner", "due"),
    schema=SCHEMA,
)

#: each owner's time zone, from identity's events (due times are shown in it)
calendar_zones = Table(
    "integrations_calendar_zones",
    metadata,
    Column("owner", Uuid, primary_key=True),
    Column("timezone", String(64), nullable=False),
    schema=SCHEMA,
)

#: every table above: what the apps' registry names for this service
GROUP = declare_group(SCHEMA)

__all__ = [
    "GROUP",
    "SCHEMA",
    "calendar_entries",
    "calendar_feeds",
    "calendar_zones",
    "dead_letters",
    "inbox",
    "outbox",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_endpoints",
]
