"""Tables owned by the quest service (schema ``quest`` on PostgreSQL)."""

from __future__ import annotations

from adapters.sql.tables.messaging import inbox_table, outbox_table

SCHEMA = "quest"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)

__all__ = ["SCHEMA", "inbox", "outbox"]
