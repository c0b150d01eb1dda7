"""The quest context's message bus, with every handler registered and its ports injected.

The composition root (``apps``) calls :func:`bootstrap` once with the adapters it chose; HTTP
controllers then build commands and queries and ``await bus.handle(message)``. This is
cosmicpython's ``bootstrap.py``: the handlers take their ports here, so neither the bus nor a
controller passes a clock, an id factory or a storage by hand.
"""

from __future__ import annotations

from collections.abc import Callable

from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.clock import Clock, IdFactory
from questlog_core.ports.platform import FileStorage
from questlog_core.quests.events import AttachmentsDiscarded
from questlog_core.quests.ports import QuestUnitOfWork
from questlog_core.quests.use_cases import attachments
from questlog_core.quests.use_cases.wiring import QUERIES, handlers

__all__ = ["bootstrap"]


def bootstrap(
    *,
    unit_of_work: Callable[[], QuestUnitOfWork],
    clock: Clock,
    ids: IdFactory,
    storage: FileStorage,
    reader: Callable[[], QuestUnitOfWork] | None = None,
    max_attachment_bytes: int = attachments.DEFAULT_MAX_ATTACHMENT_BYTES,
) -> MessageBus[QuestUnitOfWork]:
    """The quest bus: every quest, dependency, template, category and attachment command and
    query routed to its use case, and the files of a deleted quest removed after its commit.

    ``unit_of_work`` makes the unit of work of each command, ``reader`` that of each query (a
    read-only one; the writing one when not given).
    """
    bus: MessageBus[QuestUnitOfWork] = MessageBus(unit_of_work, reader=reader)
    queries = QUERIES | attachments.QUERIES
    every = handlers(clock, ids) | attachments.handlers(
        clock, ids, storage, max_bytes=max_attachment_bytes
    )
    for message_type, handler in every.items():
        if message_type in queries:
            bus.register_query(message_type, handler)
        else:
            bus.register(message_type, handler)
    bus.subscribe(AttachmentsDiscarded, attachments.discard_files(storage))
    return bus
