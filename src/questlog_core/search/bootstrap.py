"""The search context's message bus, with every handler registered.

The composition root calls :func:`bootstrap` once; the search HTTP controllers then build a
message (:mod:`questlog_core.search.messages`) and ``await bus.handle(message)``. Queries run
on a unit of work from ``reader`` (on SQLite it takes no write lock); the one command, recording
a search in the query log, on one from ``writer``.
"""

from __future__ import annotations

from collections.abc import Callable

from questlog_core.kernel.bus import MessageBus
from questlog_core.search.messages import QUERIES, handlers
from questlog_core.search.ports import SearchUnitOfWork

__all__ = ["bootstrap"]


def bootstrap(
    *, writer: Callable[[], SearchUnitOfWork], reader: Callable[[], SearchUnitOfWork]
) -> MessageBus[SearchUnitOfWork]:
    """The search bus: queries on ``reader``'s units of work, commands on ``writer``'s."""
    bus: MessageBus[SearchUnitOfWork] = MessageBus(writer, reader=reader)
    for message_type, handler in handlers().items():
        if message_type in QUERIES:
            bus.register_query(message_type, handler)
        else:
            bus.register(message_type, handler)
    return bus
