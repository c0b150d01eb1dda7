"""Quest reading use cases: get one quest, list a page of them, plan the open ones."""

from __future__ import annotations

from typing import TypeVar

import msgspec

from questlog_core.errors import ValidationFailed
from questlog_core.quests.dependencies import DependencyGraph
from questlog_core.quests.model import (
    OPEN_STATUSES,
    Quest,
    QuestStatus,
)
from questlog_core.quests.ports import (
    MAX_PAGE_SIZE,
    TEXT_QUERY_MAX_LENGTH,
    Page,
    QuestQuery,
    QuestSort,
    QuestUnitOfWork,
)
from questlog_core.quests.use_cases.commands import (
    GetQuest,
    ListQuests,
    PlanQuests,
)
from questlog_core.quests.use_cases.helpers import (
    _every_quest,
    _status,
)
from questlog_core.quests.use_cases.results import QuestPlan


async def get_quest(query: GetQuest, uow: QuestUnitOfWork) -> Quest:
    """One of the owner's quests (``QuestNotFound`` for anyone else's)."""
    async with uow:
        return await uow.quests.get(query.owner, query.quest_id)


S = TypeVar("S", bound=msgspec.Struct)


async def list_quests(query: ListQuests, uow: QuestUnitOfWork) -> Page[Quest]:
    """A page of the owner's quests; archived quests only when asked for by status."""
    port_query = _port_query(query)
    async with uow:
        return await uow.quests.list(query.owner, port_query)


async def list_quests_as(query: ListQuests, uow: QuestUnitOfWork, shape: type[S]) -> Page[S]:
    """:func:`list_quests`'s page (same checks, quests, order and cursor), each quest as
    ``shape`` (see :meth:`~questlog_core.quests.ports.QuestRepository.list_as`): for a
    read-only answer that needs no domain object per quest."""
    port_query = _port_query(query)
    async with uow:
        return await uow.quests.list_as(query.owner, port_query, shape)


def _port_query(query: ListQuests) -> QuestQuery:
    """The repository's query for ``query``; ``ValidationFailed`` names a bad filter."""
    statuses = tuple(_status(s) for s in query.status) or tuple(
        s for s in QuestStatus if s is not QuestStatus.ARCHIVED
    )
    try:
        sort = QuestSort(query.sort)
    except ValueError:
        options = [s.value for s in QuestSort]
        raise ValidationFailed(
            "sort", f"unknown sort {query.sort!r}; one of {', '.join(options)}", allowed=options
        ) from None
    if query.text is not None and len(query.text) > TEXT_QUERY_MAX_LENGTH:
        raise ValidationFailed("text", f"at most {TEXT_QUERY_MAX_LENGTH} characters")
    for name in ("due_after", "due_before"):
        moment = getattr(query, name)
        if moment is not None and moment.tzinfo is None:
            raise ValidationFailed(name, "must be a date-time with a time zone")
    if isinstance(query.limit, bool) or not isinstance(query.limit, int):
        raise ValidationFailed("limit", f"must be a whole number 1..{MAX_PAGE_SIZE}")
    return QuestQuery(
        status=statuses,
        category=query.category,
        tag=query.tag,
        due_after=query.due_after,
        due_before=query.due_before,
        blocked=query.blocked,
        text=query.text,
        parent_id=query.parent_id,
        sort=sort,
        descending=query.descending,
        cursor=query.cursor,
        limit=query.limit,
    )


async def plan_quests(query: PlanQuests, uow: QuestUnitOfWork) -> QuestPlan:
    """Every open quest, prerequisites first (see ``DependencyGraph.topological_order``); open
    quests without dependencies follow, oldest first. Also the critical path by estimate."""
    async with uow:
        listed = await _every_quest(uow, query.owner, QuestQuery(status=tuple(OPEN_STATUSES)))
        open_quests = {q.id: q for q in listed}
        graph = await uow.dependencies.graph_of(query.owner)
    among_open = DependencyGraph(
        (p, d) for p, d in graph.edges() if p in open_quests and d in open_quests
    )
    ordered = among_open.topological_order()
    linked = set(ordered)
    rest = [q for q in open_quests.values() if q.id not in linked]  # already oldest first
    path, minutes = among_open.critical_path(
        {q: float(open_quests[q].estimate_minutes or 0) for q in ordered}
    )
    return QuestPlan(
        order=[open_quests[q] for q in ordered] + rest,
        blocked=sorted((q for q in ordered if among_open.prerequisites(q)), key=lambda q: q.int),
        critical_path=path,
        critical_minutes=minutes,
    )
