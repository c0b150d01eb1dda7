"""The AI context's message bus, with every handler registered and its ports injected.

The composition root calls :func:`bootstrap` once; the AI HTTP controllers then build a query
(:mod:`questlog_core.ai.messages`) and ``await bus.handle(message)``. The per-user request
budget stays at the HTTP edge (it is spent before the query is built).
"""

from __future__ import annotations

from collections.abc import Callable

from questlog_core.ai.messages import QUERIES, handlers
from questlog_core.ai.ports import AiUnitOfWork, Embedder, LanguageModel, VectorIndex
from questlog_core.kernel.bus import MessageBus

__all__ = ["bootstrap"]


def bootstrap(
    *,
    reader: Callable[[], AiUnitOfWork],
    model: Callable[[], LanguageModel],
    embedder: Callable[[], Embedder],
    index: Callable[[], VectorIndex],
) -> MessageBus[AiUnitOfWork]:
    """The AI bus: every message on a unit of work made by ``reader`` (the AI read model's,
    which can also commit: recording a feature's use writes the AI outbox)."""
    bus: MessageBus[AiUnitOfWork] = MessageBus(reader, reader=reader)
    for message_type, handler in handlers(model=model, embedder=embedder, index=index).items():
        if message_type in QUERIES:
            bus.register_query(message_type, handler)
        else:
            bus.register(message_type, handler)
    return bus
