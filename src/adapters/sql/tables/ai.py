"""Tables owned by the ai service (schema ``ai`` on PostgreSQL).

Only its outbox and inbox exist so far; the service's own tables join this module as its
adapters land. No other service's adapter may use them.
"""

from __future__ import annotations

from adapters.sql.tables.messaging import inbox_table, outbox_table

SCHEMA = "ai"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)

__all__ = ["SCHEMA", "inbox", "outbox"]
