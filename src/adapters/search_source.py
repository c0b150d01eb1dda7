"""The quest service's quests as the search index's rebuild reads them.

:class:`QuestsForSearch` implements :class:`questlog_core.search.ports.QuestSource` on the
quest context's own port (a read-only :class:`~questlog_core.quests.ports.QuestUnitOfWork`,
whatever adapter is behind it): the search context never touches the quest tables, and the
quest context knows nothing of search. Who the owners are comes from outside (the accounts),
as a function.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection

from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.quests.model import Quest
from questlog_core.quests.ports import MAX_PAGE_SIZE, QuestQuery, QuestSort, QuestUnitOfWork
from questlog_core.search.model import SearchDocument

__all__ = ["QuestsForSearch", "search_document"]


def search_document(quest: Quest) -> SearchDocument:
    """The search index's copy of ``quest`` as it is now (as of its ``updated_at``)."""
    return SearchDocument(
        owner=quest.owner,
        quest_id=quest.id,
        title=quest.title,
        notes=quest.notes,
        tags=tuple(quest.tags),
        category=quest.category,
        status=quest.status.value,
        due=quest.due,
        created_at=quest.created_at,
        updated_at=quest.updated_at,
        started_at=quest.started_at,
        text_at=quest.updated_at,
        content_at=quest.updated_at,
        status_at=quest.updated_at,
    )


class QuestsForSearch:
    """Every quest of an owner, a page per read-only transaction, oldest first."""

    def __init__(
        self,
        reader: Callable[[], QuestUnitOfWork],
        owners: Callable[[], AsyncIterator[UserId]],
        *,
        batch: int = MAX_PAGE_SIZE,
    ) -> None:
        self._reader = reader
        self._owners = owners
        self._batch = batch

    def owners(self) -> AsyncIterator[UserId]:
        return self._owners()

    async def quests(self, owner: UserId) -> AsyncIterator[list[SearchDocument]]:
        cursor: str | None = None
        while True:
            # Every status (archived included), by creation: a quest created while this
            # runs comes on a later page or not at all (its event indexes it).
            query = QuestQuery(sort=QuestSort.CREATED, cursor=cursor, limit=self._batch)
            async with self._reader() as uow:
                page = await uow.quests.list(owner, query)
            if page.items:
                yield [search_document(quest) for quest in page.items]
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def existing(self, owner: UserId, quest_ids: Collection[QuestId]) -> set[QuestId]:
        found: set[QuestId] = set()
        ids = list(quest_ids)
        for first in range(0, len(ids), MAX_PAGE_SIZE):
            async with self._reader() as uow:
                statuses = await uow.quests.statuses(owner, ids[first : first + MAX_PAGE_SIZE])
            found.update(statuses)
        return found
