"""The quest service's read model of one quest, as the API shows it, and its cache.

``GET /api/v1/quests/{id}`` reads through :class:`~adapters.caching.CachedQuestReads`, which
stores the response shape (:class:`~apps.quest.schemas.QuestOut`, ETag version included). The
container's quests part holds the cache but not this shape: :func:`provide` plugs
:class:`QuestViews` in (the quest service's registry entry names it), so the container never
imports the service's HTTP schemas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from dependency_injector import providers
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from adapters.caching import CachedQuestReads
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


class QuestViews:
    """Quests as the API shows them, read through a read-only unit of work: one quest (where
    cached reads come from) and a page of the listing."""

    #: what the cache stores
    shape = QuestOut

    def __init__(self, uow: Callable[[], QuestUnitOfWork]) -> None:
        self._uow = uow

    async def get(self, owner: UUID, quest_id: UUID) -> QuestOut:
        query = quest_cases.GetQuest(owner=UserId(owner), quest_id=QuestId(quest_id))
        return QuestOut.from_domain(await quest_cases.get_quest(query, self._uow()))

    async def page(self, query: quest_cases.ListQuests) -> QuestPageOut:
        """A page of quests as ``GET /api/v1/quests`` answers it, decoded from the rows
        straight into :class:`QuestOut` (no domain object per quest; not cached)."""
        page = await quest_cases.list_quests_as(query, self._uow(), QuestOut)
        return QuestPageOut(items=page.items, next_cursor=page.next_cursor)


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


def provide(container: Any) -> None:
    """Plug the quest views into ``container``'s quests part."""
    container.quest_views.override(
        providers.Singleton(QuestViews, container.quest_reader_uow.provider)
    )


__all__ = [
    "QUEST_VIEWS",
    "QuestReads",
    "QuestReadsDep",
    "QuestViews",
    "QuestViewsDep",
    "provide",
    "provide_quest_views",
]
