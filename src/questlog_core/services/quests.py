"""Quest use cases: one function per command or query.

Each takes a frozen ``msgspec`` command (what the caller asked for, owner included) and the
ports it needs, runs inside one unit of work and returns a result or raises a domain error.
Nothing is half-applied: an error anywhere leaves the unit of work uncommitted, so it rolls back.
The entity decides (status machine, validation); the use case fetches, orchestrates and commits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from questlog_core.errors import (
    ConcurrencyConflict,
    NotFound,
    QuestLocked,
    QuestNotFound,
    ValidationFailed,
)
from questlog_core.events.quests import (
    DependencyAdded,
    DependencyRemoved,
    TemplateInstantiated,
)
from questlog_core.ids import CategoryId, EventId, QuestId, TemplateId, UserId
from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.ports.quests import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    TEXT_QUERY_MAX_LENGTH,
    Page,
    QuestQuery,
    QuestSort,
    QuestUnitOfWork,
)
from questlog_core.quests.dependencies import DependencyGraph
from questlog_core.quests.model import (
    OPEN_STATUSES,
    REOPEN_WINDOW,
    Quest,
    QuestStatus,
)
from questlog_core.quests.recurrence import Recurrence
from questlog_core.quests.templates import Category, QuestTemplate, TemplateStep, render

__all__ = [
    "MAX_BULK_QUESTS",
    "MAX_PARENT_DEPTH",
    "AbandonQuest",
    "AddDependency",
    "ArchiveQuest",
    "CompleteQuest",
    "Completion",
    "CreateCategory",
    "CreateQuest",
    "CreateQuests",
    "CreateTemplate",
    "DeleteCategory",
    "DeleteQuest",
    "DeleteTemplate",
    "DependencyView",
    "GetCategory",
    "GetQuest",
    "GetTemplate",
    "InstantiateTemplate",
    "Instantiation",
    "ListCategories",
    "ListDependencies",
    "ListQuests",
    "ListTemplates",
    "PlanQuests",
    "QuestPlan",
    "RemoveDependency",
    "ReopenQuest",
    "SetProgress",
    "StartQuest",
    "TickChecklistItem",
    "UpdateCategory",
    "UpdateQuest",
    "UpdateTemplate",
    "abandon_quest",
    "add_dependency",
    "archive_quest",
    "complete_quest",
    "create_category",
    "create_quest",
    "create_quests",
    "create_template",
    "delete_category",
    "delete_quest",
    "delete_template",
    "get_category",
    "get_quest",
    "get_template",
    "handlers",
    "instantiate_template",
    "list_categories",
    "list_dependencies",
    "list_quests",
    "list_templates",
    "plan_quests",
    "remove_dependency",
    "reopen_quest",
    "set_progress",
    "start_quest",
    "tick_checklist_item",
    "update_category",
    "update_quest",
    "update_template",
]

MAX_PARENT_DEPTH = 32
"""How deep sub-quests may nest."""

MAX_BULK_QUESTS = 100
"""How many quests one bulk create may hold."""

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


# -- commands and queries --


class CreateQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    title: str
    notes: str = ""
    category: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: str = "medium"
    priority: int = 0
    due: datetime | None = None
    estimate_minutes: int | None = None
    recurrence: Recurrence | None = None
    parent_id: QuestId | None = None
    checklist: tuple[str, ...] = ()


class CreateQuests(msgspec.Struct, frozen=True, kw_only=True):
    """Several quests of one owner, created all or nothing (at most :data:`MAX_BULK_QUESTS`)."""

    owner: UserId
    quests: tuple[CreateQuest, ...]


class GetQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class ListQuests(msgspec.Struct, frozen=True, kw_only=True):
    """Filters as in :class:`~questlog_core.ports.quests.QuestQuery`; ``status=()`` lists
    everything but archived quests."""

    owner: UserId
    status: tuple[str, ...] = ()
    category: str | None = None
    tag: str | None = None
    due_after: datetime | None = None
    due_before: datetime | None = None
    blocked: bool | None = None
    text: str | None = None
    parent_id: QuestId | None = None
    sort: str = "created"
    descending: bool = False
    cursor: str | None = None
    limit: int = DEFAULT_PAGE_SIZE


class UpdateQuest(msgspec.Struct, frozen=True, kw_only=True):
    """Fields left ``UNSET`` stay as they are; ``None`` clears an optional field."""

    owner: UserId
    quest_id: QuestId
    expected_version: int
    title: str | Unset = UNSET
    notes: str | Unset = UNSET
    category: str | Unset | None = UNSET
    tags: tuple[str, ...] | Unset = UNSET
    difficulty: str | Unset = UNSET
    priority: int | Unset = UNSET
    due: datetime | Unset | None = UNSET
    estimate_minutes: int | Unset | None = UNSET
    recurrence: Recurrence | Unset | None = UNSET
    parent_id: QuestId | Unset | None = UNSET
    checklist: tuple[str, ...] | Unset = UNSET


class DeleteQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    expected_version: int | None = None


class StartQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class CompleteQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    #: the owner's IANA time zone, carried on QuestCompleted for streaks
    owner_timezone: str = "UTC"


class ReopenQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class AbandonQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class ArchiveQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class SetProgress(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    progress: int


class TickChecklistItem(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    index: int
    done: bool = True


class AddDependency(msgspec.Struct, frozen=True, kw_only=True):
    """``prerequisite_id`` must be finished before ``dependent_id`` can be completed."""

    owner: UserId
    prerequisite_id: QuestId
    dependent_id: QuestId


class RemoveDependency(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    prerequisite_id: QuestId
    dependent_id: QuestId


class ListDependencies(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class PlanQuests(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId


class CreateTemplate(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    name: str
    title_pattern: str
    notes: str = ""
    category: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: str = "medium"
    priority: int = 0
    estimate_minutes: int | None = None
    checklist: tuple[str, ...] = ()
    steps: tuple[TemplateStep, ...] = ()


class ListTemplates(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId


class GetTemplate(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    template_id: TemplateId


class UpdateTemplate(msgspec.Struct, frozen=True, kw_only=True):
    """Fields left ``UNSET`` stay as they are; ``None`` clears an optional field."""

    owner: UserId
    template_id: TemplateId
    name: str | Unset = UNSET
    title_pattern: str | Unset = UNSET
    notes: str | Unset = UNSET
    category: str | Unset | None = UNSET
    tags: tuple[str, ...] | Unset = UNSET
    difficulty: str | Unset = UNSET
    priority: int | Unset = UNSET
    estimate_minutes: int | Unset | None = UNSET
    checklist: tuple[str, ...] | Unset = UNSET
    steps: tuple[TemplateStep, ...] | Unset = UNSET


class DeleteTemplate(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    template_id: TemplateId


class InstantiateTemplate(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    template_id: TemplateId
    values: dict[str, str] = msgspec.field(default_factory=dict)
    due: datetime | None = None
    #: the owner's time zone, for the ``{date}`` placeholder
    timezone: str = "UTC"


class CreateCategory(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    name: str
    color: str | None = None


class ListCategories(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId


class GetCategory(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    category_id: CategoryId


class UpdateCategory(msgspec.Struct, frozen=True, kw_only=True):
    """Rename or recolour; ``color=None`` removes the colour."""

    owner: UserId
    category_id: CategoryId
    name: str | Unset = UNSET
    color: str | Unset | None = UNSET


class DeleteCategory(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    category_id: CategoryId


# -- results --


@dataclass(frozen=True, slots=True)
class Completion:
    """What completing a quest did."""

    quest: Quest
    #: quests that were waiting only on this one
    unblocked: list[QuestId]
    #: the next occurrence of a recurring quest, when this completion created it
    next_occurrence: Quest | None


@dataclass(frozen=True, slots=True)
class DependencyView:
    """A quest's place in the dependency graph."""

    quest_id: QuestId
    prerequisites: list[QuestId]
    dependents: list[QuestId]
    unfinished_prerequisites: list[QuestId]

    @property
    def blocked(self) -> bool:
        """Whether some prerequisite is still open."""
        return bool(self.unfinished_prerequisites)


@dataclass(frozen=True, slots=True)
class QuestPlan:
    """The owner's open quests in an order that respects every dependency."""

    order: list[Quest]
    blocked: list[QuestId]
    #: the chain of open quests with the greatest total estimate, and that total in minutes
    critical_path: list[QuestId]
    critical_minutes: float


@dataclass(frozen=True, slots=True)
class Instantiation:
    """The quests a template became."""

    root: Quest
    steps: list[Quest]


# -- quests --


async def create_quest(
    cmd: CreateQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    """Create a todo quest (optionally as a sub-quest of one of the owner's quests)."""
    async with uow:
        quest = await _add_new_quest(cmd, uow, clock, ids)
        await uow.commit()
    return quest


async def create_quests(
    cmd: CreateQuests, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> list[Quest]:
    """Create several quests at once, all or nothing, in the order given.

    Raises:
        ValidationFailed: naming the item, e.g. field ``quests[2].title``; nothing is created.
    """
    if not cmd.quests:
        raise ValidationFailed("quests", "must not be empty")
    if len(cmd.quests) > MAX_BULK_QUESTS:
        raise ValidationFailed("quests", f"at most {MAX_BULK_QUESTS} quests at once")
    created: list[Quest] = []
    async with uow:
        for index, item in enumerate(cmd.quests):
            if item.owner != cmd.owner:
                raise ValidationFailed(f"quests[{index}].owner", "must be the caller")
            try:
                created.append(await _add_new_quest(item, uow, clock, ids))
            except ValidationFailed as exc:
                raise ValidationFailed(
                    f"quests[{index}].{exc.field}", exc.reason, allowed=exc.allowed
                ) from None
        await uow.commit()
    return created


async def get_quest(query: GetQuest, uow: QuestUnitOfWork) -> Quest:
    """One of the owner's quests (``QuestNotFound`` for anyone else's)."""
    async with uow:
        return await uow.quests.get(query.owner, query.quest_id)


async def list_quests(query: ListQuests, uow: QuestUnitOfWork) -> Page[Quest]:
    """A page of the owner's quests; archived quests only when asked for by status."""
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
    port_query = QuestQuery(
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
    async with uow:
        return await uow.quests.list(query.owner, port_query)


async def update_quest(
    cmd: UpdateQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    """Edit fields of a quest the caller saw at ``expected_version``.

    Raises:
        ConcurrencyConflict: the quest changed since (someone else won).
        QuestLocked: the quest is archived.
        ValidationFailed: naming the field.
    """
    changes = {
        name: getattr(cmd, name)
        for name in cmd.__struct_fields__
        if name not in {"owner", "quest_id", "expected_version"} and getattr(cmd, name) is not UNSET
    }
    async with uow:
        quest = await _get_at_version(uow, cmd.owner, cmd.quest_id, cmd.expected_version)
        old_parent = quest.parent_id
        now = clock.now()
        if changes.get("parent_id") is not None:
            await _check_parent(uow, quest, changes["parent_id"])
        changed = quest.revise(changes, at=now, ids=ids)
        if changed:
            await uow.quests.update(quest, cmd.expected_version)
            if "parent_id" in changed:
                await _refresh_parent(uow, cmd.owner, old_parent, now, ids)
                await _refresh_parent(uow, cmd.owner, quest.parent_id, now, ids)
        await uow.commit()
    return quest


async def delete_quest(
    cmd: DeleteQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> None:
    """Delete a quest with its dependency edges; its sub-quests become top-level quests."""
    async with uow:
        quest = (
            await uow.quests.get(cmd.owner, cmd.quest_id)
            if cmd.expected_version is None
            else await _get_at_version(uow, cmd.owner, cmd.quest_id, cmd.expected_version)
        )
        now = clock.now()
        for prerequisite, dependent in await uow.dependencies.remove_quest(cmd.owner, quest.id):
            uow.record(
                DependencyRemoved(
                    event_id=EventId(ids.new_id()),
                    occurred_at=now,
                    owner=cmd.owner,
                    prerequisite_id=prerequisite,
                    dependent_id=dependent,
                )
            )
        for child in await uow.quests.children(cmd.owner, quest.id):
            version = child.version
            if child.status is QuestStatus.ARCHIVED:
                # Archived quests are read-only to players, but a dangling parent is worse.
                child.parent_id = None
            else:
                child.revise({"parent_id": None}, at=now, ids=ids)
            await uow.quests.update(child, version)
        # The files themselves are the caller's to remove from storage after the commit.
        await uow.attachments.remove_quest(cmd.owner, quest.id)
        quest.mark_deleted(at=now, ids=ids)
        await uow.quests.delete(cmd.owner, quest.id)
        await _refresh_parent(uow, cmd.owner, quest.parent_id, now, ids)
        await uow.commit()


async def start_quest(cmd: StartQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory) -> Quest:
    """todo → active (a blocked quest may be started; it just can't be completed yet)."""
    return await _change_quest(
        cmd.owner,
        cmd.quest_id,
        uow,
        clock,
        ids,
        lambda quest, at: quest.start(at=at, ids=ids),
        refresh_parent=False,
    )


async def complete_quest(
    cmd: CompleteQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Completion:
    """Complete a quest whose prerequisites are all finished.

    A recurring quest spawns its next occurrence, exactly once per occurrence: if the next one
    exists already (the quest was reopened and completed again) none is added.

    Raises:
        QuestBlocked: listing the unfinished prerequisites.
        InvalidTransition: the quest is not open (e.g. completed already).
    """
    _zone(cmd.owner_timezone, "owner_timezone")
    async with uow:
        now = clock.now()
        quest = await uow.quests.get(cmd.owner, cmd.quest_id)
        version = quest.version
        graph = await uow.dependencies.graph_of(cmd.owner)
        statuses = await uow.quests.statuses(cmd.owner, graph.nodes())
        finished = {q for q, status in statuses.items() if status.is_finished}
        unblocked = sorted(
            (
                d
                for d in graph.dependents(quest.id)
                if statuses.get(d) in OPEN_STATUSES
                and not graph.is_blocked(d, finished | {quest.id})
            ),
            key=lambda q: q.int,
        )
        quest.complete(
            at=now,
            ids=ids,
            unfinished_prerequisites=graph.unfinished_prerequisites(quest.id, finished),
            owner_timezone=cmd.owner_timezone,
            unblocked_count=len(unblocked),
            chain_length=graph.longest_finished_chain(quest.id, finished),
        )
        await uow.quests.update(quest, version)
        next_quest = await _spawn_next_occurrence(uow, quest, now, ids)
        await _refresh_parent(uow, cmd.owner, quest.parent_id, now, ids)
        await uow.commit()
    return Completion(quest=quest, unblocked=unblocked, next_occurrence=next_quest)


async def reopen_quest(
    cmd: ReopenQuest,
    uow: QuestUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    *,
    window: timedelta = REOPEN_WINDOW,
) -> Quest:
    """done → todo within ``window`` of completion (abandoned → todo any time).

    A recurring quest's next occurrence stays; completing this one again won't add another.
    """
    return await _change_quest(
        cmd.owner,
        cmd.quest_id,
        uow,
        clock,
        ids,
        lambda quest, at: quest.reopen(at=at, ids=ids, window=window),
    )


async def abandon_quest(
    cmd: AbandonQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    """todo/active → abandoned; it stops blocking its dependents."""
    return await _change_quest(
        cmd.owner, cmd.quest_id, uow, clock, ids, lambda quest, at: quest.abandon(at=at, ids=ids)
    )


async def archive_quest(
    cmd: ArchiveQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    """Any status → archived (read-only, hidden from default listings)."""
    return await _change_quest(
        cmd.owner, cmd.quest_id, uow, clock, ids, lambda quest, at: quest.archive(at=at, ids=ids)
    )


async def set_progress(
    cmd: SetProgress, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    """Set the player's own percentage. Reaching 100% does not complete the quest; it records
    ``QuestProgressed(ready_to_complete=True)``.

    Raises:
        ValidationFailed: out of range, or progress is derived (checklist or sub-quests).
    """
    async with uow:
        quest = await uow.quests.get(cmd.owner, cmd.quest_id)
        version = quest.version
        if not quest.checklist and await uow.quests.children(cmd.owner, quest.id):
            raise ValidationFailed("progress", "is derived from the sub-quests")
        quest.set_progress(cmd.progress, at=clock.now(), ids=ids)
        await uow.quests.update(quest, version)
        await uow.commit()
    return quest


async def tick_checklist_item(
    cmd: TickChecklistItem, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    """Tick or untick a checklist item; the quest's progress follows (and never completes it)."""
    return await _change_quest(
        cmd.owner,
        cmd.quest_id,
        uow,
        clock,
        ids,
        lambda quest, at: quest.tick(cmd.index, bool(cmd.done), at=at, ids=ids),
        refresh_parent=False,
    )


# -- dependencies --


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


# -- templates and categories --


async def create_template(
    cmd: CreateTemplate, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> QuestTemplate:
    """Save a reusable quest pattern."""
    async with uow:
        template = QuestTemplate.create(
            id=TemplateId(ids.new_id()),
            owner=cmd.owner,
            name=cmd.name,
            title_pattern=cmd.title_pattern,
            at=clock.now(),
            ids=ids,
            notes=cmd.notes,
            category=cmd.category,
            tags=cmd.tags,
            difficulty=cmd.difficulty,
            priority=cmd.priority,
            estimate_minutes=cmd.estimate_minutes,
            checklist=cmd.checklist,
            steps=cmd.steps,
        )
        await uow.templates.add(template)
        await uow.commit()
    return template


async def list_templates(query: ListTemplates, uow: QuestUnitOfWork) -> list[QuestTemplate]:
    """The owner's templates by name."""
    async with uow:
        return await uow.templates.list(query.owner)


async def get_template(query: GetTemplate, uow: QuestUnitOfWork) -> QuestTemplate:
    """One of the owner's templates (``TemplateNotFound`` for anyone else's)."""
    async with uow:
        return await uow.templates.get(query.owner, query.template_id)


_TEMPLATE_FIELDS: tuple[str, ...] = (
    "name",
    "title_pattern",
    "notes",
    "category",
    "tags",
    "difficulty",
    "priority",
    "estimate_minutes",
    "checklist",
    "steps",
)


async def update_template(
    cmd: UpdateTemplate, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> QuestTemplate:
    """Change a template; the result is validated as a whole, exactly like a new template.
    Quests made from it earlier are not touched.

    Raises:
        ValidationFailed: naming the field (``steps`` for a bad step or link).
    """
    async with uow:
        current = await uow.templates.get(cmd.owner, cmd.template_id)
        fields: dict[str, Any] = {name: getattr(current, name) for name in _TEMPLATE_FIELDS}
        fields.update(
            (name, getattr(cmd, name))
            for name in _TEMPLATE_FIELDS
            if not isinstance(getattr(cmd, name), Unset)
        )
        revised = QuestTemplate.create(
            id=current.id, owner=current.owner, at=current.created_at, ids=ids, **fields
        )
        revised.pull_events()  # re-validated, not created
        await uow.templates.update(revised)
        await uow.commit()
    return revised


async def delete_template(
    cmd: DeleteTemplate, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> None:
    """Delete a template. Quests made from it stay (their ``template_id`` is history)."""
    async with uow:
        await uow.templates.delete(cmd.owner, cmd.template_id)
        await uow.commit()


async def instantiate_template(
    cmd: InstantiateTemplate, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Instantiation:
    """Turn a template into a root quest, its step quests and their edges, in one unit of work.

    Any failure (a missing placeholder value, a rendered title too long, ...) creates nothing.
    """
    zone = _zone(cmd.timezone, "timezone")
    async with uow:
        now = clock.now()
        template = await uow.templates.get(cmd.owner, cmd.template_id)
        values = {"date": now.astimezone(zone).date().isoformat(), **cmd.values}
        root = Quest.create(
            id=QuestId(ids.new_id()),
            owner=cmd.owner,
            title=render(template.title_pattern, values),
            at=now,
            ids=ids,
            notes=template.notes,
            category=template.category,
            tags=template.tags,
            difficulty=template.difficulty,
            priority=template.priority,
            due=cmd.due,
            estimate_minutes=template.estimate_minutes,
            template_id=template.id,
            checklist=template.checklist_items(),
        )
        await uow.quests.add(root)
        steps: list[Quest] = []
        for index, step in enumerate(template.steps):
            try:
                quest = Quest.create(
                    id=QuestId(ids.new_id()),
                    owner=cmd.owner,
                    title=render(step.title_pattern, values, "steps"),
                    at=now,
                    ids=ids,
                    category=template.category,
                    tags=template.tags,
                    difficulty=step.difficulty or template.difficulty,
                    priority=template.priority,
                    estimate_minutes=step.estimate_minutes,
                    parent_id=root.id,
                    template_id=template.id,
                    checklist=step.checklist,
                )
            except ValidationFailed as exc:
                if exc.field == "values":
                    raise
                raise ValidationFailed("steps", f"step {index}: {exc.detail}") from None
            await uow.quests.add(quest)
            steps.append(quest)
        graph = await uow.dependencies.graph_of(cmd.owner, for_update=True)
        for index, step in enumerate(template.steps):
            for before in step.prerequisites(index):
                await _link(uow, graph, cmd.owner, steps[before].id, steps[index].id, now, ids)
        for index in template.final_steps():
            await _link(uow, graph, cmd.owner, steps[index].id, root.id, now, ids)
        uow.record(
            TemplateInstantiated(
                event_id=EventId(ids.new_id()),
                occurred_at=now,
                owner=cmd.owner,
                template_id=template.id,
                root_id=root.id,
                step_ids=tuple(q.id for q in steps),
            )
        )
        await uow.commit()
    return Instantiation(root=root, steps=steps)


async def create_category(
    cmd: CreateCategory, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Category:
    """Create a category; ``AlreadyExists`` if the owner has one by that name."""
    async with uow:
        category = Category.create(
            id=CategoryId(ids.new_id()),
            owner=cmd.owner,
            name=cmd.name,
            color=cmd.color,
            at=clock.now(),
            ids=ids,
        )
        await uow.categories.add(category)
        await uow.commit()
    return category


async def list_categories(query: ListCategories, uow: QuestUnitOfWork) -> list[Category]:
    """The owner's categories by name."""
    async with uow:
        return await uow.categories.list(query.owner)


async def get_category(query: GetCategory, uow: QuestUnitOfWork) -> Category:
    """One of the owner's categories (``CategoryNotFound`` for anyone else's)."""
    async with uow:
        return await uow.categories.get(query.owner, query.category_id)


async def update_category(
    cmd: UpdateCategory, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Category:
    """Rename or recolour a category. A rename carries over to the owner's quests filed under
    the old name, in the same unit of work (archived ones included: the label is not content).

    Raises:
        AlreadyExists: the owner has another category by the new name.
        ValidationFailed: naming ``name`` or ``color``.
    """
    async with uow:
        current = await uow.categories.get(cmd.owner, cmd.category_id)
        revised = Category.create(
            id=current.id,
            owner=current.owner,
            name=current.name if isinstance(cmd.name, Unset) else cmd.name,
            color=current.color if isinstance(cmd.color, Unset) else cmd.color,
            at=current.created_at,
            ids=ids,
        )
        revised.pull_events()  # re-validated, not created
        await uow.categories.update(revised)
        if revised.name != current.name:
            await _rename_category(uow, cmd.owner, current.name, revised.name, clock.now(), ids)
        await uow.commit()
    return revised


async def delete_category(
    cmd: DeleteCategory, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> None:
    """Delete a category. Quests filed under it keep the name as plain text."""
    async with uow:
        await uow.categories.delete(cmd.owner, cmd.category_id)
        await uow.commit()


# -- wiring --

Handler = Callable[[Any, QuestUnitOfWork], Awaitable[Any]]


def handlers(clock: Clock, ids: IdFactory) -> dict[type[msgspec.Struct], Handler]:
    """Every quest command and query mapped to its use case, ready for the message bus."""

    def bind(use_case: Callable[..., Awaitable[Any]], *, ports: bool = True) -> Handler:
        async def handle(command: Any, uow: QuestUnitOfWork) -> Any:
            if ports:
                return await use_case(command, uow, clock, ids)
            return await use_case(command, uow)

        return handle

    return {
        CreateQuest: bind(create_quest),
        CreateQuests: bind(create_quests),
        GetQuest: bind(get_quest, ports=False),
        ListQuests: bind(list_quests, ports=False),
        UpdateQuest: bind(update_quest),
        DeleteQuest: bind(delete_quest),
        StartQuest: bind(start_quest),
        CompleteQuest: bind(complete_quest),
        ReopenQuest: bind(reopen_quest),
        AbandonQuest: bind(abandon_quest),
        ArchiveQuest: bind(archive_quest),
        SetProgress: bind(set_progress),
        TickChecklistItem: bind(tick_checklist_item),
        AddDependency: bind(add_dependency),
        RemoveDependency: bind(remove_dependency),
        ListDependencies: bind(list_dependencies, ports=False),
        PlanQuests: bind(plan_quests, ports=False),
        CreateTemplate: bind(create_template),
        ListTemplates: bind(list_templates, ports=False),
        GetTemplate: bind(get_template, ports=False),
        UpdateTemplate: bind(update_template),
        DeleteTemplate: bind(delete_template),
        InstantiateTemplate: bind(instantiate_template),
        CreateCategory: bind(create_category),
        ListCategories: bind(list_categories, ports=False),
        GetCategory: bind(get_category, ports=False),
        UpdateCategory: bind(update_category),
        DeleteCategory: bind(delete_category),
    }


# -- helpers --


async def _add_new_quest(
    cmd: CreateQuest, uow: QuestUnitOfWork, clock: Clock, ids: IdFactory
) -> Quest:
    quest = Quest.create(
        id=QuestId(ids.new_id()),
        owner=cmd.owner,
        title=cmd.title,
        at=clock.now(),
        ids=ids,
        notes=cmd.notes,
        category=cmd.category,
        tags=cmd.tags,
        difficulty=cmd.difficulty,
        priority=cmd.priority,
        due=cmd.due,
        estimate_minutes=cmd.estimate_minutes,
        recurrence=cmd.recurrence,
        parent_id=cmd.parent_id,
        checklist=cmd.checklist,
    )
    if cmd.parent_id is not None:
        await _check_parent(uow, quest, cmd.parent_id)
    await uow.quests.add(quest)
    await _refresh_parent(uow, cmd.owner, quest.parent_id, clock.now(), ids)
    return quest


def _status(value: str) -> QuestStatus:
    try:
        return QuestStatus(value)
    except ValueError:
        options = [s.value for s in QuestStatus]
        raise ValidationFailed(
            "status", f"unknown status {value!r}; one of {', '.join(options)}", allowed=options
        ) from None


def _zone(name: object, field_name: str) -> ZoneInfo:
    if not isinstance(name, str) or not name or len(name) > 64:
        raise ValidationFailed(field_name, "must be an IANA time zone such as Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(field_name, f"unknown time zone {name!r}") from None


async def _get_at_version(
    uow: QuestUnitOfWork, owner: UserId, quest_id: QuestId, expected_version: int
) -> Quest:
    quest = await uow.quests.get(owner, quest_id)
    if quest.version != expected_version:
        raise ConcurrencyConflict("quest", quest_id, expected_version, quest.version)
    return quest


async def _change_quest(
    owner: UserId,
    quest_id: QuestId,
    uow: QuestUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    change: Callable[[Quest, datetime], None],
    *,
    refresh_parent: bool = True,
) -> Quest:
    """Apply one entity method to a quest in its own unit of work: the update is conditional on
    the version read, so a concurrent writer makes it ``ConcurrencyConflict``. The parent's
    derived progress is re-read only for changes that can move it."""
    async with uow:
        now = clock.now()
        quest = await uow.quests.get(owner, quest_id)
        version = quest.version
        change(quest, now)
        await uow.quests.update(quest, version)
        if refresh_parent:
            await _refresh_parent(uow, owner, quest.parent_id, now, ids)
        await uow.commit()
    return quest


async def _finished(uow: QuestUnitOfWork, owner: UserId, graph: DependencyGraph) -> set[QuestId]:
    statuses = await uow.quests.statuses(owner, graph.nodes())
    return {q for q, status in statuses.items() if status.is_finished}


async def _check_parent(uow: QuestUnitOfWork, quest: Quest, parent_id: QuestId) -> None:
    """The parent is one of the owner's quests and not the quest itself or below it."""
    ancestor: QuestId | None = parent_id
    for _ in range(MAX_PARENT_DEPTH):
        if ancestor is None:
            return
        if ancestor == quest.id:
            raise ValidationFailed("parent_id", "a quest cannot be nested inside itself")
        try:
            parent = await uow.quests.get(quest.owner, ancestor)
        except QuestNotFound:
            raise ValidationFailed("parent_id", f"no quest {ancestor}") from None
        ancestor = parent.parent_id
    raise ValidationFailed("parent_id", f"sub-quests nest at most {MAX_PARENT_DEPTH} deep")


async def _refresh_parent(
    uow: QuestUnitOfWork, owner: UserId, parent_id: QuestId | None, at: datetime, ids: IdFactory
) -> None:
    """Re-derive a parent's progress from its sub-quests (abandoned ones, and ones archived
    without being done, don't count)."""
    if parent_id is None:
        return
    try:
        parent = await uow.quests.get(owner, parent_id)
    except QuestNotFound:
        return
    version, before = parent.version, parent.progress
    children = await uow.quests.children(owner, parent_id)
    counted = [
        c
        for c in children
        if c.status is not QuestStatus.ABANDONED
        and not (c.status is QuestStatus.ARCHIVED and c.completed_at is None)
    ]
    done = sum(1 for c in counted if c.completed_at is not None)
    parent.derive_progress_from_children(done=done, counted=len(counted), at=at, ids=ids)
    if parent.progress != before:
        await uow.quests.update(parent, version)


async def _every_quest(uow: QuestUnitOfWork, owner: UserId, query: QuestQuery) -> list[Quest]:
    """Every quest ``query`` matches, read page by page (``cursor`` and ``limit`` are set here)."""
    found: list[Quest] = []
    cursor: str | None = None
    while True:
        page = await uow.quests.list(
            owner, msgspec.structs.replace(query, cursor=cursor, limit=MAX_PAGE_SIZE)
        )
        found.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return found


async def _rename_category(
    uow: QuestUnitOfWork, owner: UserId, old: str, new: str, at: datetime, ids: IdFactory
) -> None:
    for quest in await _every_quest(uow, owner, QuestQuery(category=old)):
        version = quest.version
        if quest.status is QuestStatus.ARCHIVED:
            quest.category = new  # archived quests refuse edits; a relabel is not an edit
        else:
            quest.revise({"category": new}, at=at, ids=ids)
        await uow.quests.update(quest, version)


async def _spawn_next_occurrence(
    uow: QuestUnitOfWork, quest: Quest, at: datetime, ids: IdFactory
) -> Quest | None:
    if quest.recurrence is None:
        return None
    series = quest.series_id or quest.id
    if await uow.quests.get_occurrence(quest.owner, series, quest.occurrence + 1) is not None:
        return None  # spawned by an earlier completion of this occurrence
    following = quest.next_occurrence(id=QuestId(ids.new_id()), at=at, ids=ids)
    if following is not None:
        await uow.quests.add(following)
    return following


async def _link(
    uow: QuestUnitOfWork,
    graph: DependencyGraph,
    owner: UserId,
    prerequisite: QuestId,
    dependent: QuestId,
    at: datetime,
    ids: IdFactory,
) -> bool:
    """Add an edge to the graph (cycle check) and the repository; ``False`` if it existed."""
    if dependent in graph.dependents(prerequisite):
        return False
    graph.add(prerequisite, dependent)
    await uow.dependencies.add(owner, prerequisite, dependent)
    uow.record(
        DependencyAdded(
            event_id=EventId(ids.new_id()),
            occurred_at=at,
            owner=owner,
            prerequisite_id=prerequisite,
            dependent_id=dependent,
        )
    )
    return True
