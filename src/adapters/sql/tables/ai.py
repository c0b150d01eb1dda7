"""Tables owned by the ai service (schema ``ai`` on PostgreSQL).

Its outbox and inbox, ``ai_quest_views`` (the read model of quests, fed by quest events),
``ai_forgotten_quests`` (the deleted quests no late event may bring back),
``ai_player_zones`` (each player's time zone, fed by identity events) and
``ai_token_usage``: one row per language-model answer that cost
tokens, against the user who asked (summed per user over a period for limits and bills).
No other service's adapter may use them.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, SmallInteger, String, Table, Uuid

from adapters.sql.tables.base import declare_group, metadata
from adapters.sql.tables.messaging import (
    dead_letters_table,
    erased_accounts_table,
    inbox_table,
    outbox_table,
)
from adapters.sql.types import JsonDocument, SerialKey, UtcDateTime

SCHEMA = "ai"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)
dead_letters = dead_letters_table(SCHEMA)
erased_accounts = erased_accounts_table(SCHEMA)

token_usage = Table(
    "ai_token_usage",
    metadata,
    Column("id", SerialKey, primary_key=True, autoincrement=True),
    Column("owner", Uuid, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("provider", String(32), nullable=False),
    Column("model", String(128), nullable=False),
    Column("input_tokens", Integer, nullable=False),
    Column("output_tokens", Integer, nullable=False),
    # totals read one owner's rows from a moment on
    Index(None, "owner", "at"),
    schema=SCHEMA,
)

#: the AI service's read model of quests, built from quest events (never from quest tables)
quest_views = Table(
    "ai_quest_views",
    metadata,
    Column("owner", Uuid, primary_key=True),
    Column("quest_id", Uuid, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("difficulty", String(16), nullable=False),
    Column("priority", SmallInteger, nullable=False),
    Column("category", String(100), nullable=True),
    Column("tags", JsonDocument, nullable=False),
    Column("due", UtcDateTime, nullable=True),
    Column("estimate_minutes", Integer, nullable=True),
    Column("status", String(16), nullable=False),
    Column("progress", SmallInteger, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime, nullable=True),
    Column("completed_at", UtcDateTime, nullable=True),
    Column("depends_on", JsonDocument, nullable=False),
    #: when the quest last changed its title and estimate / the other planning facts / its
    #: status / completion time / progress (``NULL``: created_at): an older event no longer
    #: changes them
    Column("title_at", UtcDateTime, nullable=True),
    Column("content_at", UtcDateTime, nullable=True),
    Column("status_at", UtcDateTime, nullable=True),
    Column("completion_at", UtcDateTime, nullable=True),
    Column("progress_at", UtcDateTime, nullable=True),
    #: ``[[prerequisite id, ISO time], ...]``: when each edge was last added or removed
    #: (``NULL``: no edge event since these times were kept)
    Column("edges_at", JsonDocument, nullable=True),
    # the ranking reads one owner's open quests
    Index(None, "owner", "status"),
    schema=SCHEMA,
)

#: quests that were deleted: no late event of theirs may bring them back
forgotten = Table(
    "ai_forgotten_quests",
    metadata,
    Column("owner", Uuid, primary_key=True),
    Column("quest_id", Uuid, primary_key=True),
    Column("deleted_at", UtcDateTime, nullable=False),
    schema=SCHEMA,
)

#: each player's time zone as identity last announced it (fed by identity events)
player_zones = Table(
    "ai_player_zones",
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
    "dead_letters",
    "forgotten",
    "inbox",
    "outbox",
    "player_zones",
    "quest_views",
    "token_usage",
]
