"""The outbox's read side over an in-memory store, shared by every context's memory adapter.

A store keeps its committed events in commit order; :class:`InMemoryOutbox` hands them out as
:class:`~questlog_core.kernel.messaging.OutboxRecord` until they are marked published, the way
the SQL outbox does for its table.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from questlog_core.kernel.ids import EventId
from questlog_core.kernel.messaging import OutboxRecord

__all__ = ["InMemoryOutbox"]


class InMemoryOutbox:
    """:class:`~questlog_core.kernel.messaging.Outbox` over a store's committed records."""

    def __init__(
        self, records: Callable[[], Sequence[OutboxRecord]], published: set[EventId]
    ) -> None:
        self._records = records
        self._published = published

    async def pending(self, limit: int = 100) -> builtins.list[OutboxRecord]:
        if limit < 1:
            return []
        result: list[OutboxRecord] = []
        for record in self._records():
            if record.event_id not in self._published:
                result.append(record)
                if len(result) == limit:
                    break
        return result

    async def mark_published(self, event_ids: Sequence[EventId]) -> None:
        self._published.update(event_ids)


if TYPE_CHECKING:  # the memory adapters satisfy the ports (checked by mypy, free at runtime)
    from adapters.memory.ai import InMemoryAiStore
    from adapters.memory.gamification import InMemoryGamificationStore
    from adapters.memory.identity import InMemoryIdentityStore
    from adapters.memory.quests import InMemoryQuestStore
    from questlog_core.ai.ports import AiUnitOfWork
    from questlog_core.gamification.ports import GamificationUnitOfWork
    from questlog_core.identity.ports import AuthUnitOfWork
    from questlog_core.kernel.messaging import Outbox
    from questlog_core.quests.ports import QuestUnitOfWork

    def _quests(q: InMemoryQuestStore) -> QuestUnitOfWork:
        return q.unit_of_work()

    def _game(g: InMemoryGamificationStore) -> GamificationUnitOfWork:
        return g.unit_of_work()

    def _identity(i: InMemoryIdentityStore) -> AuthUnitOfWork:
        return i.unit_of_work()

    def _ai(a: InMemoryAiStore) -> AiUnitOfWork:
        return a.unit_of_work()

    def _outbox(g: InMemoryGamificationStore) -> Outbox:
        return g.outbox_reader()
