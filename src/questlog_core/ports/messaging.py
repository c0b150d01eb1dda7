"""Outbox records, the outbox's read side and the inbox: moved to
:mod:`questlog_core.kernel.messaging`.

This path keeps working (it re-exports the same objects). Importing it also registers every
context's event types, as it did before, so :meth:`OutboxRecord.event` decodes any of them.
"""

from questlog_core.events import event_types
from questlog_core.kernel.messaging import EventPublisher, Inbox, Outbox, OutboxRecord

event_types()  # the kernel knows only the event types whose modules were imported

__all__ = ["EventPublisher", "Inbox", "Outbox", "OutboxRecord"]
