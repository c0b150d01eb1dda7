"""Tables owned by the auth service (schema ``auth`` on PostgreSQL).

Only its outbox and inbox exist so far; the service's own tables join this module as its
adapters land. No other service's adapter may use them.
"""

from __future__ import annotations

from adapters.sql.tables.messaging import inbox_table, outbox_table

SCHEMA = "auth"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)

__all__ = ["SCHEMA", "inbox", "outbox"]
