"""The calendar feeds' message bus, with every handler registered.

The composition root calls :func:`bootstrap` once; the calendar HTTP controllers then build a
message (:mod:`questlog_core.integrations.calendar.messages`) and ``await bus.handle(message)``.
"""

from __future__ import annotations

from collections.abc import Callable

from questlog_core.integrations.calendar.messages import QUERIES, handlers
from questlog_core.integrations.calendar.ports import CalendarRenderer, CalendarUnitOfWork
from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.clock import Clock, IdFactory

__all__ = ["bootstrap"]


def bootstrap(
    *,
    writer: Callable[[], CalendarUnitOfWork],
    reader: Callable[[], CalendarUnitOfWork],
    clock: Clock,
    ids: IdFactory,
    renderer: CalendarRenderer,
) -> MessageBus[CalendarUnitOfWork]:
    """The calendar bus: queries on ``reader``'s units of work, commands on ``writer``'s."""
    bus: MessageBus[CalendarUnitOfWork] = MessageBus(writer, reader=reader)
    for message_type, handler in handlers(clock=clock, ids=ids, renderer=renderer).items():
        if message_type in QUERIES:
            bus.register_query(message_type, handler)
        else:
            bus.register(message_type, handler)
    return bus
