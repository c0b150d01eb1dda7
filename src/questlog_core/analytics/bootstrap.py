"""The analytics context's message bus, with every handler registered.

The composition root calls :func:`bootstrap` once; the analytics HTTP controllers then build a
query (:mod:`questlog_core.analytics.messages`) and ``await bus.handle(message)``. Every one
only reads, on ``reader``'s units of work (on SQLite they take no write lock).
"""

from __future__ import annotations

from collections.abc import Callable

from questlog_core.analytics.messages import QUERIES, handlers
from questlog_core.analytics.ports import AnalyticsUnitOfWork
from questlog_core.kernel.bus import MessageBus

__all__ = ["bootstrap"]


def bootstrap(*, reader: Callable[[], AnalyticsUnitOfWork]) -> MessageBus[AnalyticsUnitOfWork]:
    """The analytics bus: every query on a unit of work made by ``reader``."""
    bus: MessageBus[AnalyticsUnitOfWork] = MessageBus(reader, reader=reader)
    for message_type, handler in handlers().items():
        if message_type in QUERIES:
            bus.register_query(message_type, handler)
        else:  # pragma: no cover - every analytics message is a query today
            bus.register(message_type, handler)
    return bus
