"""Tables owned by the analytics service (schema ``analytics`` on PostgreSQL).

Its outbox, inbox and dead letters, and ``analytics_events``: one row per product event the
analytics consumer recorded (the player, its kind, when it happened and on which UTC day, a
few small properties). Daily figures are computed from these rows by query. No other service's
adapter may use them.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, String, Table, Uuid

from adapters.sql.tables.base import declare_group, metadata
from adapters.sql.tables.messaging import (
    dead_letters_table,
    erased_accounts_table,
    inbox_table,
    outbox_table,
)
from adapters.sql.types import JsonDocument, SerialKey, UtcDateTime

SCHEMA = "analytics"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)
dead_letters = dead_letters_table(SCHEMA)
erased_accounts = erased_accounts_table(SCHEMA)

#: one row per recorded product event
events = Table(
    "analytics_events",
    metadata,
    Column("id", SerialKey, primary_key=True, autoincrement=True),
    #: the domain event it was recorded from: recording it twice is refused
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("owner", Uuid, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    #: ``at``'s UTC calendar day, kept on write so daily figures group alike on every database
    Column("day", Date, nullable=False),
    Column("properties", JsonDocument, nullable=False),
    # a player's summary and export read their rows in time order
    Index(None, "owner", "at"),
    # the admins' daily view groups every row of a window of days
    Index(None, "day", "kind"),
    schema=SCHEMA,
)

# the experiment tables live in this schema too; declared before the group is gathered
from adapters.sql.tables import experiments  # noqa: E402

#: every table above, and the experiment tables: what the apps' registry names for this service
GROUP = declare_group(SCHEMA)

__all__ = ["GROUP", "SCHEMA", "dead_letters", "events", "experiments", "inbox", "outbox"]
