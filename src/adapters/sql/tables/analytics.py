"""Tables owned by the analytics service (schema ``analytics`` on PostgreSQL).

Its outbox, inbox and dead letters, and ``analytics_events``: one row per product event the
analytics consumer recorded (the player, its kind, when it happened, on which UTC day and on
which day of the player's own, a few small properties); ``analytics_player_zones``: each
player's time zone, fed by identity events. Daily figures are computed from these rows by
query. No other service's adapter may use them.
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
    #: the player's own calendar day at ``at`` (in their time zone when recorded); nullable
    #: only so that SQLite could add it in place (migration 0028 filled every row)
    Column("local_day", Date, nullable=True),
    Column("properties", JsonDocument, nullable=False),
    # a player's export reads their rows in recording order
    Index(None, "owner", "at"),
    # a player's summary reads their rows of a range of their own days
    Index(None, "owner", "local_day"),
    # the admins' daily view groups every row of a window of days
    Index(None, "day", "kind"),
    schema=SCHEMA,
)

#: each player's time zone as identity last announced it (fed by identity events)
player_zones = Table(
    "analytics_player_zones",
    metadata,
    Column("owner", Uuid, primary_key=True),
    Column("timezone", String(64), nullable=False),
    schema=SCHEMA,
)

# the experiment tables live in this schema too; declared before the group is gathered
from adapters.sql.tables import experiments  # noqa: E402

#: every table above, and the experiment tables: what the apps' registry names for this service
GROUP = declare_group(SCHEMA)

__all__ = [
    "GROUP",
    "SCHEMA",
    "dead_letters",
    "events",
    "experiments",
    "inbox",
    "outbox",
    "player_zones",
]
