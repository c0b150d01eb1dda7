"""Tables owned by the notification service (schema ``notification`` on PostgreSQL).

Only its outbox and inbox exist so far; the service's own tables join this module as its
adapters land. No other service's adapter may use them.
"""

from __future__ import annotations

from adapters.sql.tables.base import declare_group
from adapters.sql.tables.messaging import dead_letters_table, inbox_table, outbox_table

SCHEMA = "notification"

outbox = outbox_table(SCHEMA)
inbox = inbox_table(SCHEMA)
dead_letters = dead_letters_table(SCHEMA)

#: every table above: what the apps' registry names for this service
GROUP = declare_group(SCHEMA)

__all__ = ["GROUP", "SCHEMA", "dead_letters", "inbox", "outbox"]
