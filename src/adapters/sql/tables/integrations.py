"""Tables owned by the integrations service (schema ``integrations`` on PostgreSQL).

Its outbox, inbox and dead letters; each integration (calendar feeds, webhooks) adds its own
tables here. No other service's adapter may use them.
"""

from __future__ import annotations

from adapters.sql.tables.base import declare_group
from adapters.sql.tables.messaging import dead_letters_table, inbox_table, outbox_table

SCHEMA = "integrations"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)
dead_letters = dead_letters_table(SCHEMA)

#: every table above: what the apps' registry names for this service
GROUP = declare_group(SCHEMA)

__all__ = ["GROUP", "SCHEMA", "dead_letters", "inbox", "outbox"]
