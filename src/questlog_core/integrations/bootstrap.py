"""The integrations context's message bus, with every handler registered.

The composition root calls :func:`bootstrap` once per app; the integrations controllers build
a message (:mod:`questlog_core.integrations.messages`) and ``await bus.handle(message)``.
"""

from __future__ import annotations

from collections.abc import Callable

from questlog_core.integrations.messages import QUERIES, handlers
from questlog_core.integrations.ports import IntegrationsUnitOfWork
from questlog_core.integrations.use_cases import Webhooks
from questlog_core.kernel.bus import MessageBus

__all__ = ["bootstrap"]


def bootstrap(
    *,
    writer: Callable[[], IntegrationsUnitOfWork],
    reader: Callable[[], IntegrationsUnitOfWork],
    webhooks: Webhooks,
) -> MessageBus[IntegrationsUnitOfWork]:
    """The integrations bus: queries on ``reader``'s units of work, commands on ``writer``'s."""
    bus: MessageBus[IntegrationsUnitOfWork] = MessageBus(writer, reader=reader)
    for message_type, handler in handlers(webhooks).items():
        if message_type in QUERIES:
            bus.register_query(message_type, handler)
        else:
            bus.register(message_type, handler)
    return bus
