"""Import links in memory: the reference :class:`~questlog_core.moving.ports.ImportLinks`.

Links are kept per store. A link counts only while its quest is visible to the unit of work,
so the links of a rolled-back batch (written at once, not staged) point at quests that never
were and are simply not found, as on SQL, where they roll back with the batch.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from adapters.memory.quests import InMemoryQuestUnitOfWork
from questlog_core.ids import QuestId, UserId

Key = tuple[UserId, str, str]


class InMemoryImportLinks:
    """Links of one store, read through one unit of work."""

    def __init__(self, uow: InMemoryQuestUnitOfWork, links: dict[Key, QuestId]) -> None:
        self._uow = uow
        self._links = links

    async def find(
        self, owner: UserId, source: str, external_ids: Collection[str]
    ) -> dict[str, QuestId]:
        found: dict[str, QuestId] = {}
        for external in external_ids:
            quest_id = self._links.get((owner, source, external))
            if quest_id is None:
                continue
            quest = self._uow.visible_quest(quest_id)
            if quest is not None and quest.owner == owner:
                found[external] = quest_id
        return found

    async def add(self, owner: UserId, source: str, links: Sequence[tuple[str, QuestId]]) -> None:
        for external, quest_id in links:
            self._links[(owner, source, external)] = quest_id

    async def forget_owner(self, owner: UserId) -> int:
        keys = [key for key in self._links if key[0] == owner]
        for key in keys:
            del self._links[key]
        return len(keys)


__all__ = ["InMemoryImportLinks", "Key"]
