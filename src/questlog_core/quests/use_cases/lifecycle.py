"""Quest lifecycle use cases: start, complete, reopen, abandon and archive."""

from __future__ import annotations

from datetime import timedelta

from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.quests.model import (
    OPEN_STATUSES,
    REOPEN_WINDOW,
    Quest,
)
from questlog_core.quests.ports import QuestUnitOfWork
from questlog_core.quests.use_cases.commands import (
    AbandonQuest,
    ArchiveQuest,
    CompleteQuest,
    ReopenQuest,
    StartQuest,
)
from questlog_core.quests.use_cases.helpers import (
    _change_quest,
    _refresh_parent,
    _spawn_next_occurrence,
    _zone,
)
from questlog_core.quests.use_cases.results import Completion


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
