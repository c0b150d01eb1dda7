"""Tables owned by the gamification service (schema ``gamification`` on PostgreSQL)."""

from __future__ import annotations

from adapters.sql.tables.messaging import inbox_table, outbox_table

SCHEMA = "gamification"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)

__all__ = ["SCHEMA", "inbox", "outbox"]
