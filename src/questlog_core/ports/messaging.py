"""Outbox records, the outbox's read side and the inbox: moved to
:mod:`questlog_core.kernel.messaging`.

This path keeps working (it re-exports the same objects). It also imports every context's
events, as it did before, so :meth:`OutboxRecord.event` decodes any of them.
"""

import questlog_core.events  # noqa: F401 - registers every context's event types
from questlog_core.kernel.messaging import EventPublisher, Inbox, Outbox, OutboxRecord

__all__ = ["EventPublisher", "Inbox", "Outbox", "OutboxRecord"]
