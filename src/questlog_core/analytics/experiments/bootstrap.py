"""Experiments' message bus, with every handler registered.

The composition root calls :func:`bootstrap` once; the experiment HTTP controllers and
:class:`~questlog_core.analytics.experiments.assignments.LocalExperimentAssignments` then build
a message (:mod:`questlog_core.analytics.experiments.messages`) and ``await bus.handle(message)``.
"""

from __future__ import annotations

from collections.abc import Callable

from questlog_core.analytics.experiments.messages import QUERIES, handlers
from questlog_core.analytics.experiments.ports import ExperimentUnitOfWork
from questlog_core.kernel.bus import MessageBus

__all__ = ["bootstrap"]


def bootstrap(
    *,
    writer: Callable[[], ExperimentUnitOfWork],
    reader: Callable[[], ExperimentUnitOfWork] | None = None,
) -> MessageBus[ExperimentUnitOfWork]:
    """The experiments bus: queries on ``reader``'s units of work (``writer``'s when not
    given), commands on ``writer``'s."""
    bus: MessageBus[ExperimentUnitOfWork] = MessageBus(writer, reader=reader)
    for message_type, handler in handlers(reader).items():
        if message_type in QUERIES:
            bus.register_query(message_type, handler)
        else:
            bus.register(message_type, handler)
    return bus
