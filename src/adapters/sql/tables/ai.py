"""Tables owned by the ai service (schema ``ai`` on PostgreSQL).

Its outbox and inbox, and ``ai_token_usage``: one row per language-model answer that cost
tokens, against the user who asked (summed per user over a period for limits and bills).
No other service's adapter may use them.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Uuid

from adapters.sql.tables.base import metadata
from adapters.sql.tables.messaging import inbox_table, outbox_table
from adapters.sql.types import SerialKey, UtcDateTime

SCHEMA = "ai"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)

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

__all__ = ["SCHEMA", "inbox", "outbox", "token_usage"]
