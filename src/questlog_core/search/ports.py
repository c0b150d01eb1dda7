"""Ports of the search context: the quest index, the query log and their unit of work.

Adapters: :mod:`adapters.memory.search` (reference semantics), :mod:`adapters.sql.search`
(SQLite FTS5 and PostgreSQL ``tsvector``); one contract suite runs over all three. Every read
is scoped by owner: no search ever returns another user's quest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime
from typing import Protocol

from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.kernel.unit_of_work import UnitOfWork
from questlog_core.search.model import (
    QueryRecord,
    QueryStat,
    SearchDocument,
    SearchHit,
    SearchQuery,
)

__all__ = ["QuestSearchIndex", "QuestSource", "SearchQueryLog", "SearchUnitOfWork"]


class QuestSearchIndex(Protocol):
    """Each user's quests, searchable by the words of their title, tags and notes."""

    async def get(self, owner: UserId, quest_id: QuestId) -> SearchDocument | None: ...

    async def put(self, document: SearchDocument) -> None:
        """Index ``document``, replacing what ``(owner, quest_id)`` had; it becomes the most
        recently indexed of the owner's quests."""
        ...

    async def get_many(
        self, owner: UserId, quest_ids: Collection[QuestId]
    ) -> dict[QuestId, SearchDocument]:
        """The indexed ones among ``quest_ids`` (a rebuild reads a page at a time)."""
        ...

    async def put_many(self, documents: Sequence[SearchDocument]) -> None:
        """Index quests that are not indexed (one round of statements; later ones count as
        indexed later). A quest already indexed must be removed first."""
        ...

    async def remove(self, owner: UserId, quest_id: QuestId) -> None:
        """Take the quest out of the index (nothing happens if it is not indexed)."""
        ...

    async def forget(self, owner: UserId, quest_id: QuestId, *, at: datetime) -> None:
        """The quest was deleted at ``at``: take it out and remember it is gone, so that
        :meth:`is_forgotten` answers ``True`` from now on (quest ids are never reused)."""
        ...

    async def is_forgotten(self, owner: UserId, quest_id: QuestId) -> bool:
        """Whether the quest was deleted (:meth:`forget`): it must not be indexed again."""
        ...

    async def forgotten_among(self, owner: UserId, quest_ids: Collection[QuestId]) -> set[QuestId]:
        """Those of ``quest_ids`` that were deleted (see :meth:`is_forgotten`)."""
        ...

    async def quest_ids(self, owner: UserId) -> set[QuestId]:
        """Every indexed quest of ``owner`` (for a rebuild to find those that are gone)."""
        ...

    async def search(
        self, owner: UserId, query: SearchQuery, *, offset: int = 0, limit: int = 20
    ) -> list[SearchHit]:
        """``owner``'s quests matching every word of ``query`` and its filters, best first.

        Only the ``query.window`` most recently indexed matches (the last ``put`` first) are
        ranked. Relevance: a word in the title counts more than in the tags, which counts
        more than in the notes. Equal scores: most recently updated first, then by quest id.
        A query without words matches nothing.
        """
        ...


class SearchQueryLog(Protocol):
    """Searches people ran, for the admins' view of what is searched and what is not found."""

    async def record(self, entry: QueryRecord) -> None: ...

    async def top_queries(self, since: datetime, limit: int) -> list[QueryStat]:
        """The most run queries at or after ``since``, most searches first (ties: newest)."""
        ...

    async def zero_result_queries(self, since: datetime, limit: int) -> list[QueryStat]:
        """Like :meth:`top_queries`, counting only searches that found nothing."""
        ...


class SearchUnitOfWork(UnitOfWork, Protocol):
    """One transaction over the search index, the query log and the search inbox: the
    kernel's :class:`~questlog_core.kernel.unit_of_work.UnitOfWork` with the index and the
    log."""

    index: QuestSearchIndex
    query_log: SearchQueryLog

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        """Deprecated alias of ``inbox.claim`` (the shape other units of work keep)."""
        ...


class QuestSource(Protocol):
    """The quests as they are now, read from their owner (the quest service), for rebuilding
    the index (:mod:`questlog_core.search.reindex`); the index is otherwise fed by events only.

    Each quest comes as the :class:`SearchDocument` it would be indexed as, with
    ``text_at``, ``content_at`` and ``status_at`` all the quest's ``updated_at``.
    """

    def owners(self) -> AsyncIterator[UserId]:
        """Every user who may have quests."""
        ...

    def quests(self, owner: UserId) -> AsyncIterator[list[SearchDocument]]:
        """Every quest of ``owner`` (any status), in batches."""
        ...

    async def existing(self, owner: UserId, quest_ids: Collection[QuestId]) -> set[QuestId]:
        """Those of ``quest_ids`` that are still ``owner``'s quests."""
        ...
