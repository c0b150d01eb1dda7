"""Helpers shared by the quest use cases: quest creation, parents, versions, links, zones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from questlog_core.errors import (
    ConcurrencyConflict,
    QuestNotFound,
    ValidationFailed,
)
from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.quests.dependencies import DependencyGraph
from questlog_core.quests.events import DependencyAdded
from questlog_core.quests.model import (
    Quest,
    QuestStatus,
)
from questlog_core.quests.ports import (
    MAX_PAGE_SIZE,
    QuestQuery,
    QuestUnitOfWork,
)
from questlog_core.quests.use_cases.commands import (
    MAX_PARENT_DEPTH,
    CreateQuest,
)


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
