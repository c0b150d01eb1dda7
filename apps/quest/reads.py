"""The quest service's read model of one quest, as the API shows it, and its cache.

``GET /api/v1/quests/{id}`` reads through :class:`~adapters.caching.CachedQuestReads`, which
stores the response shape (:class:`~apps.quest.schemas.QuestOut`, ETag version included). The
container's quests part holds the cache but not this shape: :func:`provide` plugs
:class:`QuestViews` in (the quest service's registry entry names it), so the container never
imports the service's HTTP schemas.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import msgspec
from dependency_injector import providers
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from adapters.caching import CachedQuestPages, CachedQuestReads
from apps.http.dependencies import container_of
from apps.quest.schemas import QuestOut, QuestPageOut
from questlog_core.identity.tokens import Principal
from questlog_core.ids import QuestId, UserId
from questlog_core.ports.quests import QuestUnitOfWork
from questlog_core.services import quests as quest_cases

#: GET one quest through the read-aside cache
QuestReads = CachedQuestReads[QuestOut]
#: the ``quest_reads`` dependency (see :func:`apps.http.dependencies.provide_quest_reads`)
QuestReadsDep = NamedDependency[SkipValidation[QuestReads]]


_PAGE_ENCODER = msgspec.json.Encoder()


def page_key(query_string: bytes) -> str:
    """The cache name of a listing page: a digest of the request's raw query string (filters,
    order, cursor and size, as sent). The handler and the read-ahead both name a page by it,
    and the search words in ``text`` never appear in a cache key."""
    return hashlib.blake2b(query_string, digest_size=16).hexdigest()


class QuestViews:
    """Quests as the API shows them, read through a read-only unit of work: one quest (where
    cached reads come from) and a page of the listing, through the page cache."""

    #: what the cache stores
    shape = QuestOut

    def __init__(self, uow: Callable[[], QuestUnitOfWork], pages: CachedQuestPages) -> None:
        self._uow = uow
        self._pages = pages

    async def get(self, owner: UUID, quest_id: UUID) -> QuestOut:
        query = quest_cases.GetQuest(owner=UserId(owner), quest_id=QuestId(quest_id))
        return QuestOut.from_domain(await quest_cases.get_quest(query, self._uow()))

    async def page(self, query: quest_cases.ListQuests, key: str) -> bytes:
        """The JSON body of a page of quests as ``GET /api/v1/quests`` answers it (a
        :class:`QuestPageOut`), named ``key`` in the cache (see :func:`page_key`). A miss
        decodes it from the rows straight into :class:`QuestOut` (no domain object per
        quest) and encodes it once."""

        async def load() -> bytes:
            page = await quest_cases.list_quests_as(query, self._uow(), QuestOut)
            return _PAGE_ENCODER.encode(
                QuestPageOut(items=page.items, next_cursor=page.next_cursor)
            )

        return await self._pages.get(query.owner, key, load)


def provide_quest_views(state: State, user: SkipValidation[Principal]) -> QuestViews:
    """The ``quest_views`` dependency: the quest views the container holds.

    It names ``user`` (unused) so that Litestar resolves it after the caller is known rather
    than beside it: two dependencies of one batch run in an anyio task group, which cost a
    list request more CPU than building its SQL did."""
    views: QuestViews = container_of(state).quest_views()
    return views


#: the ``quest_views`` dependency of a route that lists quests
QUEST_VIEWS: dict[str, Provide] = {
    "quest_views": Provide(provide_quest_views, sync_to_thread=False)
}
QuestViewsDep = NamedDependency[SkipValidation[QuestViews]]


def quest_page_read_ahead(request: Request[Any, Any, Any], owner: UUID) -> Sequence[str]:
    """The list route reads these cache keys (its page, named by the query string)."""
    pages: CachedQuestPages = container_of(request.app.state).quest_pages()
    return pages.keys(owner, page_key(request.scope["query_string"]))


def provide(container: Any) -> None:
    """Plug the quest views and the page cache into ``container``'s quests part."""
    container.quest_pages.override(
        providers.Singleton(CachedQuestPages, container.cache, container.ids)
    )
    container.quest_views.override(
        providers.Singleton(QuestViews, container.quest_reader_uow.provider, container.quest_pages)
    )


__all__ = [
    "QUEST_VIEWS",
    "QuestReads",
    "QuestReadsDep",
    "QuestViews",
    "QuestViewsDep",
    "page_key",
    "provide",
    "provide_quest_views",
    "quest_page_read_ahead",
]
