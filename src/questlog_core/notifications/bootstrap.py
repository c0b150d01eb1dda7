"""The notification context's message bus, with every handler registered and its ports
injected.

The composition root calls :func:`bootstrap` once; the notification HTTP controllers then
build a message (:mod:`questlog_core.notifications.messages`) and ``await bus.handle(message)``.
Verifying an unsubscribe link's signature stays at the HTTP edge (the verified link is what the
message carries).
"""

from __future__ import annotations

from collections.abc import Callable

from questlog_core.kernel.bus import MessageBus
from questlog_core.notifications.messages import QUERIES, handlers
from questlog_core.notifications.ports import NotificationUnitOfWork
from questlog_core.ports.platform import Clock, IdFactory

__all__ = ["bootstrap"]


def bootstrap(
    *,
    unit_of_work: Callable[[], NotificationUnitOfWork],
    clock: Callable[[], Clock],
    ids: Callable[[], IdFactory],
) -> MessageBus[NotificationUnitOfWork]:
    """The notification bus: every message on a fresh unit of work made by ``unit_of_work``."""
    bus: MessageBus[NotificationUnitOfWork] = MessageBus(unit_of_work)
    for message_type, handler in handlers(clock=clock, ids=ids).items():
        if message_type in QUERIES:
            bus.register_query(message_type, handler)
        else:
            bus.register(message_type, handler)
    return bus
