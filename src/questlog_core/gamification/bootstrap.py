"""The game's message bus, with every handler registered and its ports injected.

The composition root calls :func:`bootstrap` once with the adapters it chose; the HTTP
controllers then build a command or query (:mod:`.use_cases.messages`) and
``await bus.handle(message)``. The workers keep their own bus of event subscribers
(``apps.workers.consumers``).
"""

from __future__ import annotations

from collections.abc import Callable

from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.use_cases.messages import QUERIES, handlers
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.gamification.use_cases.social_messages import SOCIAL_QUERIES, social_handlers
from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.clock import Clock, IdFactory

__all__ = ["bootstrap"]


def bootstrap(
    *,
    unit_of_work: Callable[[], GamificationUnitOfWork],
    clock: Clock,
    ids: IdFactory,
    reader: Callable[[], GamificationUnitOfWork] | None = None,
    rules: GameRules = DEFAULT_RULES,
) -> MessageBus[GamificationUnitOfWork]:
    """The game bus: every command on a writing unit of work, every query on ``reader``."""
    bus: MessageBus[GamificationUnitOfWork] = MessageBus(unit_of_work, reader=reader)
    every = handlers(clock, ids, rules) | social_handlers(clock, ids, rules)
    for message_type, handler in every.items():
        if message_type in QUERIES or message_type in SOCIAL_QUERIES:
            bus.register_query(message_type, handler)
        else:
            bus.register(message_type, handler)
    return bus
