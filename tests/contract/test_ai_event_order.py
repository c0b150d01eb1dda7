"""AI read model: quest events in any order, on memory, SQLite and PostgreSQL.

Like tests/contract/test_search_reindex.py for the search index. What a user would notice:
a late, older event never brings back an old title or status in the AI ranking or in what
insights read; a deleted quest never comes back; a late edge event does not block a quest
again; redelivering any event changes nothing; and a burst of events in one transaction
ends the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.ai import InMemoryAiStore, InMemoryAiUnitOfWork
from adapters.sql.ai import SqlAiUnitOfWork
from adapters.sql.erasure import SqlErasureUnitOfWork
from adapters.sql.shared_transaction import shared_transaction
from questlog_core.ai.projection import project_quest_event
from questlog_core.ai.ranking import Prioritize, prioritize
from questlog_core.events import DomainEvent
from questlog_core.events.identity import AccountDeleted
from questlog_core.events.quests import (
    DependencyAdded,
    DependencyRemoved,
    QuestArchived,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestFacts,
    QuestProgressed,
    QuestReopened,
    QuestStarted,
    QuestUpdated,
)
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.moving.erasure import erase_account
from questlog_core.ports.ai import AiUnitOfWork, QuestView

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
ALICE = UserId(UUID(int=1))
BOB = UserId(UUID(int=2))
SQL_ONLY = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

MakeUow = Callable[[], AiUnitOfWork]


@pytest.fixture
def make_uow(engine: AsyncEngine | None) -> MakeUow:
    if engine is None:
        store = InMemoryAiStore()
        return lambda: InMemoryAiUnitOfWork(store)
    return lambda: SqlAiUnitOfWork(engine)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def eid() -> EventId:
    return EventId(uuid4())


def created(quest_id: QuestId, title: str, *, minute: int = 0) -> QuestCreated:
    return QuestCreated(
        event_id=eid(), occurred_at=at(minute), owner=ALICE, quest_id=quest_id, title=title,
        difficulty="easy", priority=1,
    )  # fmt: skip


def updated(quest_id: QuestId, title: str, *, minute: int, priority: int = 1) -> QuestUpdated:
    return QuestUpdated(
        event_id=eid(), occurred_at=at(minute), owner=ALICE, quest_id=quest_id,
        changes=("title", "priority"),
        after=QuestFacts(title=title, difficulty="easy", priority=priority),
    )  # fmt: skip


def started(quest_id: QuestId, *, minute: int) -> QuestStarted:
    return QuestStarted(event_id=eid(), occurred_at=at(minute), owner=ALICE, quest_id=quest_id)


def completed(quest_id: QuestId, *, minute: int) -> QuestCompleted:
    return QuestCompleted(
        event_id=eid(), occurred_at=at(minute), owner=ALICE, quest_id=quest_id, occurrence=0,
        difficulty="easy", priority=1, due=None, completed_at=at(minute), created_at=T0,
        on_time=True, owner_timezone="UTC",
    )  # fmt: skip


def reopened(quest_id: QuestId, *, minute: int) -> QuestReopened:
    return QuestReopened(
        event_id=eid(), occurred_at=at(minute), owner=ALICE, quest_id=quest_id, occurrence=0,
        reopened_at=at(minute),
    )  # fmt: skip


def archived(quest_id: QuestId, *, minute: int) -> QuestArchived:
    return QuestArchived(
        event_id=eid(), occurred_at=at(minute), owner=ALICE, quest_id=quest_id,
        previous_status="done",
    )  # fmt: skip


def progressed(quest_id: QuestId, progress: int, *, minute: int) -> QuestProgressed:
    return QuestProgressed(
        event_id=eid(), occurred_at=at(minute), owner=ALICE, quest_id=quest_id,
        progress=progress, source="manual",
    )  # fmt: skip


def deleted(quest_id: QuestId, *, minute: int) -> QuestDeleted:
    return QuestDeleted(
        event_id=eid(), occurred_at=at(minute), owner=ALICE, quest_id=quest_id, status="todo"
    )


def edge(prerequisite: QuestId, dependent: QuestId, *, minute: int, added: bool) -> DomainEvent:
    kind = DependencyAdded if added else DependencyRemoved
    return kind(
        event_id=eid(), occurred_at=at(minute), owner=ALICE,
        prerequisite_id=prerequisite, dependent_id=dependent,
    )  # fmt: skip


async def apply(make_uow: MakeUow, *events: DomainEvent) -> None:
    for event in events:
        await project_quest_event(event, make_uow())


async def ranked(make_uow: MakeUow) -> list[str]:
    """The titles the AI ranking offers Alice (its read model's open quests)."""
    query = Prioritize(owner=ALICE, now=at(24 * 60))
    result = await prioritize(query, make_uow(), None)  # type: ignore[arg-type]  # no rerank
    return sorted(item.title for item in result.items)


async def everything(make_uow: MakeUow) -> dict[str, QuestView]:
    """What insights read: all of Alice's quests, by title."""
    async with make_uow() as uow:
        return {v.title: v for v in await uow.quest_views.of_owner(ALICE)}


async def test_a_late_older_edit_does_not_bring_back_the_old_title(make_uow: MakeUow) -> None:
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Draft report"))
    await apply(make_uow, updated(quest, "Final report", minute=20))
    await apply(make_uow, updated(quest, "Second draft report", minute=10))  # late
    assert await ranked(make_uow) == ["Final report"]


async def test_a_late_edit_from_before_the_completion_does_not_reopen_the_quest(
    make_uow: MakeUow,
) -> None:
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Water plants"))
    await apply(make_uow, updated(quest, "Water the plants", minute=5))
    await apply(make_uow, completed(quest, minute=30))
    await apply(make_uow, updated(quest, "Water plants (old)", minute=3), started(quest, minute=4))
    assert await ranked(make_uow) == []  # done: not offered again
    views = await everything(make_uow)
    assert list(views) == ["Water the plants"]
    done = views["Water the plants"]
    assert (done.status, done.completed_at, done.started_at) == ("done", at(30), at(4))


async def test_an_edit_made_before_the_completion_but_delivered_after_it_still_counts(
    make_uow: MakeUow,
) -> None:
    # The completion carries no title: the edit's title is the newest there is.
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Draft essay"), completed(quest, minute=30))
    await apply(make_uow, updated(quest, "Essay on rivers", minute=10, priority=4))
    view = (await everything(make_uow))["Essay on rivers"]
    # the priority is the completion's (newer than the edit), the status stays done
    assert (view.status, view.priority) == ("done", 1)


async def test_parts_follow_their_own_newest_event(make_uow: MakeUow) -> None:
    # The edit happened before the start but arrives after it: its title is still the newest
    # title there is; the status stays active. Progress follows its own newest event.
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Call mum"), started(quest, minute=20))
    await apply(make_uow, progressed(quest, 60, minute=25))
    await apply(make_uow, updated(quest, "Call mum and dad", minute=10))
    await apply(make_uow, progressed(quest, 30, minute=15))  # late
    view = (await everything(make_uow))["Call mum and dad"]
    assert (view.status, view.progress) == ("active", 60)
    assert view.updated_at == at(25)


async def test_a_late_completion_does_not_undo_a_reopening(make_uow: MakeUow) -> None:
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Taxes"), started(quest, minute=5))
    await apply(make_uow, reopened(quest, minute=40), completed(quest, minute=30))
    assert await ranked(make_uow) == ["Taxes"]
    view = (await everything(make_uow))["Taxes"]
    assert (view.status, view.completed_at) == ("active", None)


async def test_a_late_start_makes_a_reopened_quest_active(make_uow: MakeUow) -> None:
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Garden"), completed(quest, minute=30))
    await apply(make_uow, reopened(quest, minute=40))
    assert (await everything(make_uow))["Garden"].status == "todo"
    await apply(make_uow, started(quest, minute=10))  # it had been started before
    assert (await everything(make_uow))["Garden"].status == "active"


async def test_a_late_completion_after_archiving_keeps_the_archive_and_its_time(
    make_uow: MakeUow,
) -> None:
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Old goal"), archived(quest, minute=50))
    await apply(make_uow, completed(quest, minute=30))
    view = (await everything(make_uow))["Old goal"]
    assert (view.status, view.completed_at) == ("archived", at(30))


async def test_a_deleted_quest_never_comes_back(make_uow: MakeUow) -> None:
    quest = QuestId(uuid4())
    creation = created(quest, "Old errand")
    await apply(make_uow, creation, deleted(quest, minute=5))
    await apply(make_uow, updated(quest, "Old errand again", minute=3))
    await apply(make_uow, started(quest, minute=4), progressed(quest, 50, minute=4))
    assert await ranked(make_uow) == []
    assert await everything(make_uow) == {}
    other = QuestId(uuid4())
    await apply(make_uow, deleted(other, minute=5), created(other, "Never seen"))
    await apply(make_uow, updated(other, "Never seen, edited", minute=1))
    assert await ranked(make_uow) == []
    assert await everything(make_uow) == {}
    async with make_uow() as uow:
        assert await uow.quest_views.is_forgotten(ALICE, quest)
        assert await uow.quest_views.is_forgotten(ALICE, other)


async def test_a_late_edge_does_not_block_again(make_uow: MakeUow) -> None:
    first, then = QuestId(uuid4()), QuestId(uuid4())
    await apply(make_uow, created(first, "Buy paint"), created(then, "Paint fence"))
    await apply(make_uow, edge(first, then, minute=10, added=False))
    await apply(make_uow, edge(first, then, minute=5, added=True))  # late
    assert (await everything(make_uow))["Paint fence"].depends_on == ()
    await apply(make_uow, edge(first, then, minute=15, added=True))  # added again, later
    assert (await everything(make_uow))["Paint fence"].depends_on == (first,)


async def test_every_event_redelivered_in_any_order_changes_nothing(make_uow: MakeUow) -> None:
    quest = QuestId(uuid4())
    history = [
        created(quest, "Plan trip"),
        updated(quest, "Plan the trip", minute=5, priority=3),
        started(quest, minute=10),
        progressed(quest, 40, minute=12),
        completed(quest, minute=20),
    ]
    await apply(make_uow, *history)
    before = await everything(make_uow)
    await apply(make_uow, *reversed(history))
    assert await everything(make_uow) == before
    assert before["Plan the trip"].status == "done"


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_a_burst_in_one_transaction_ends_as_delivered_alone(
    backend: str, engine: AsyncEngine | None
) -> None:
    # Several events in one shared transaction (the consumers' bursts): nothing depends on a
    # commit between them, so a delete then a late create in one burst stays deleted.
    assert engine is not None
    quest, kept = QuestId(uuid4()), QuestId(uuid4())
    burst: list[DomainEvent] = [
        created(kept, "Draft"),
        updated(kept, "Kept", minute=20),
        completed(kept, minute=30),
        updated(kept, "Kept (old)", minute=10),
        deleted(quest, minute=5),
        created(quest, "Gone"),
        updated(quest, "Gone again", minute=6),
    ]
    async with shared_transaction(engine):
        for event in burst:
            await project_quest_event(event, SqlAiUnitOfWork(engine))
    make_uow: MakeUow = lambda: SqlAiUnitOfWork(engine)  # noqa: E731
    views = await everything(make_uow)
    assert list(views) == ["Kept"]
    assert views["Kept"].status == "done"


@SQL_ONLY
async def test_erasing_the_account_forgets_its_deleted_quests_too(
    backend: str, engine: AsyncEngine | None
) -> None:
    assert engine is not None
    make_uow: MakeUow = lambda: SqlAiUnitOfWork(engine)  # noqa: E731
    quest, bobs = QuestId(uuid4()), QuestId(uuid4())
    await apply(make_uow, created(quest, "Secret"), deleted(quest, minute=5))
    bob_gone = QuestDeleted(
        event_id=eid(), occurred_at=at(5), owner=BOB, quest_id=bobs, status="todo"
    )
    await apply(make_uow, bob_gone)
    erasure = AccountDeleted(event_id=eid(), occurred_at=at(60), owner=ALICE)
    assert await erase_account(erasure, SqlErasureUnitOfWork.of("ai", engine), "ai.erasure") >= 1
    async with make_uow() as uow:
        assert not await uow.quest_views.is_forgotten(ALICE, quest)  # nothing of Alice's left
        assert await uow.quest_views.is_forgotten(BOB, bobs)  # Bob's untouched
