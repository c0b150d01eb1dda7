"""Quest dependency use cases: add and remove prerequisites, view a quest's place."""

from __future__ import annotations

from questlog_core.errors import (
    NotFound,
    QuestLocked,
)
from questlog_core.kernel.ids import EventId
from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.quests.events import DependencyRemoved
from questlog_core.quests.model import QuestStatus
from questlog_core.quests.ports import QuestUnitOfWork
from questlog_core.quests.use_cases.commands import (
    AddDependency,
    ListDependencies,
    RemoveDependency,
)
from questlog_core.quests.use_cases.helpers import (
    _finished,
    _link,
)
from questlog_core.quests.use_cases.results import DependencyView


async def add_dependency(
    cmd: AddDependency, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> None:
    """Make ``prerequisite_id`` a prerequisite of ``dependent_id`` (adding it twice is a no-op).

    Both quests are fetched through the owner-scoped repository, so another owner's quest is
    ``QuestNotFound`` and a cross-owner edge cannot be made.

    Raises:
        DependencyCycle: with the cycle's path (a self-dependency included).
        QuestLocked: either quest is archived.
    """
    async with uow:
        prerequisite = await uow.quests.get(cmd.owner, cmd.prerequisite_id)
        dependent = await uow.quests.get(cmd.owner, cmd.dependent_id)
        for quest in (prerequisite, dependent):
            if quest.status is QuestStatus.ARCHIVED:
                raise QuestLocked(quest.id, quest.status, "add a dependency")
        graph = await uow.dependencies.graph_of(cmd.owner, for_update=True)
        if await _link(uow, graph, cmd.owner, prerequisite.id, dependent.id, clock.now(), ids):
            await uow.commit()


async def remove_dependency(
    cmd: RemoveDependency, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> None:
    """Remove an edge. Raises ``NotFound`` (entity ``dependency``) if there is none."""
    async with uow:
        await uow.quests.get(cmd.owner, cmd.prerequisite_id)
        await uow.quests.get(cmd.owner, cmd.dependent_id)
        removed = await uow.dependencies.remove(cmd.owner, cmd.prerequisite_id, cmd.dependent_id)
        if not removed:
            raise NotFound("dependency", f"{cmd.prerequisite_id}->{cmd.dependent_id}")
        uow.record(
            DependencyRemoved(
                event_id=EventId(ids.new_id()),
                occurred_at=clock.now(),
                owner=cmd.owner,
                prerequisite_id=cmd.prerequisite_id,
                dependent_id=cmd.dependent_id,
            )
        )
        await uow.commit()


async def list_dependencies(query: ListDependencies, uow: QuestUnitOfWork) -> DependencyView:
    """The quest's prerequisites, dependents and which prerequisites are still open."""
    async with uow:
        quest = await uow.quests.get(query.owner, query.quest_id)
        graph = await uow.dependencies.graph_of(query.owner)
        finished = await _finished(uow, query.owner, graph)
    return DependencyView(
        quest_id=quest.id,
        prerequisites=sorted(graph.prerequisites(quest.id), key=lambda q: q.int),
        dependents=sorted(graph.dependents(quest.id), key=lambda q: q.int),
        unfinished_prerequisites=graph.unfinished_prerequisites(quest.id, finished),
    )
