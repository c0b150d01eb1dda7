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
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from adapters.caching import CachedQuestReads
from apps.quest.schemas import QuestOut
from questlog_core.ids import QuestId, UserId
from questlog_core.ports.quests import QuestUnitOfWork
from questlog_core.services import quests as quest_cases

#: GET one quest through the read-aside cache
QuestReads = CachedQuestReads[QuestOut]
#: the ``quest_reads`` dependency (see :func:`apps.http.dependencies.provide_quest_reads`)
QuestReadsDep = NamedDependency[SkipValidation[QuestReads]]


class QuestViews:
    """Where cached quest reads come from: one quest, read through a read-only unit of work,
    as the API shows it."""

    #: what the cache stores
    shape = QuestOut

    def __init__(self, uow: Callable[[], QuestUnitOfWork]) -> None:
        self._uow = uow

    async def get(self, owner: UUID, quest_id: UUID) -> QuestOut:
        query = quest_cases.GetQuest(owner=UserId(owner), quest_id=QuestId(quest_id))
        return QuestOut.from_domain(await quest_cases.get_quest(query, self._uow()))


def provide(container: Any) -> None:
    """Plug the quest views into ``container``'s quests part."""
    container.quest_views.override(
        providers.Singleton(QuestViews, container.quest_reader_uow.provider)
    )


__all__ = ["QuestReads", "QuestReadsDep", "QuestViews", "provide"]
