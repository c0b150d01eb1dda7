"""Contract suite of the AI read model (``AiUnitOfWork``) on memory, SQLite and PostgreSQL,
through the projection use case: events applied once each, in any number of deliveries, one
owner's quests never visible to another; each player's time zone kept from identity's events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.ai import InMemoryAiStore, InMemoryAiUnitOfWork
from adapters.sql.ai import SqlAiUnitOfWork
from questlog_core.ai.projection import project_quest_event
from questlog_core.ai.zones import player_zone, project_identity_event
from questlog_core.events import DomainEvent
from questlog_core.events.identity import ProfileUpdated, UserRegistered
from questlog_core.events.quests import (
    DependencyAdded,
    DependencyRemoved,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestFacts,
    QuestProgressed,
    QuestReopened,
    QuestStarted,
    QuestUpdated,
    TemplateCreated,
)
from questlog_core.ids import EventId, QuestId, TemplateId, UserId
from questlog_core.ports.ai import AiUnitOfWork

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
ALICE = UserId(UUID(int=1))
BOB = UserId(UUID(int=2))

MakeUow = Callable[[], AiUnitOfWork]


@pytest.fixture
def make_uow(engine: AsyncEngine | None) -> MakeUow:
    if engine is None:
        store = InMemoryAiStore()
        return lambda: InMemoryAiUnitOfWork(store)
    return lambda: SqlAiUnitOfWork(engine)


def eid() -> EventId:
    return EventId(uuid4())


def created(owner: UserId, title: str, quest_id: QuestId | None = None) -> QuestCreated:
    return QuestCreated(
        event_id=eid(),
        occurred_at=T0,
        owner=owner,
        quest_id=quest_id or QuestId(uuid4()),
        title=title,
        difficulty="easy",
        category="home",
        due=T0 + timedelta(days=2),
        priority=2,
        tags=("chores",),
        estimate_minutes=20,
    )


async def views_of(make_uow: MakeUow, owner: UserId) -> list[object]:
    async with make_uow() as uow:
        return list(await uow.quest_views.of_owner(owner))


async def apply(make_uow: MakeUow, *events: DomainEvent) -> list[bool]:
    return [await project_quest_event(event, make_uow()) for event in events]


async def test_a_created_quest_appears_with_its_facts(make_uow: MakeUow) -> None:
    event = created(ALICE, "Water plants")
    assert await apply(make_uow, event) == [True]
    async with make_uow() as uow:
        view = await uow.quest_views.get(ALICE, event.quest_id)
    assert view is not None
    assert (view.title, view.priority, view.tags, view.estimate_minutes, view.status) == (
        "Water plants", 2, ("chores",), 20, "todo",
    )  # fmt: skip
    assert view.due == T0 + timedelta(days=2)


async def test_every_event_delivered_twice_changes_the_read_model_once(
    make_uow: MakeUow,
) -> None:
    a, b = created(ALICE, "Prep"), created(ALICE, "Cook")
    edge = DependencyAdded(
        event_id=eid(), occurred_at=T0, owner=ALICE,
        prerequisite_id=a.quest_id, dependent_id=b.quest_id,
    )  # fmt: skip
    progressed = QuestProgressed(
        event_id=eid(), occurred_at=T0, owner=ALICE, quest_id=a.quest_id, progress=50,
        source="manual",
    )  # fmt: skip
    events: list[DomainEvent] = [a, b, edge, progressed]
    assert await apply(make_uow, *events) == [True, True, True, True]
    first = await views_of(make_uow, ALICE)
    assert await apply(make_uow, *events) == [False, False, False, False]
    assert await views_of(make_uow, ALICE) == first
    async with make_uow() as uow:
        cook = await uow.quest_views.get(ALICE, b.quest_id)
    assert cook is not None
    assert cook.depends_on == (a.quest_id,)  # one edge, not two


async def test_the_lifecycle_is_followed(make_uow: MakeUow) -> None:
    q = created(ALICE, "Report")
    qid = q.quest_id
    updated = QuestUpdated(
        event_id=eid(), occurred_at=T0 + timedelta(minutes=1), owner=ALICE, quest_id=qid,
        changes=("title", "priority"),
        after=QuestFacts(title="Quarterly report", difficulty="hard", priority=4),
    )  # fmt: skip
    started = QuestStarted(
        event_id=eid(), occurred_at=T0 + timedelta(hours=1), owner=ALICE, quest_id=qid
    )
    done = QuestCompleted(
        event_id=eid(), occurred_at=T0 + timedelta(hours=2), owner=ALICE, quest_id=qid,
        occurrence=0, difficulty="hard", priority=4, due=None,
        completed_at=T0 + timedelta(hours=2), created_at=T0, on_time=True,
        owner_timezone="UTC",
    )  # fmt: skip
    await apply(make_uow, q, updated, started, done)
    async with make_uow() as uow:
        view = await uow.quest_views.get(ALICE, qid)
        open_ones = await uow.quest_views.of_owner(ALICE, open_only=True)
    assert view is not None
    assert (view.title, view.priority, view.status) == ("Quarterly report", 4, "done")
    assert view.started_at == T0 + timedelta(hours=1)
    assert view.completed_at == T0 + timedelta(hours=2)
    assert open_ones == []
    reopened = QuestReopened(
        event_id=eid(), occurred_at=T0 + timedelta(hours=3), owner=ALICE, quest_id=qid,
        occurrence=0, reopened_at=T0 + timedelta(hours=3),
    )  # fmt: skip
    await apply(make_uow, reopened)
    async with make_uow() as uow:
        again = await uow.quest_views.get(ALICE, qid)
    assert again is not None
    assert (again.status, again.completed_at) == ("active", None)
    gone = QuestDeleted(event_id=eid(), occurred_at=T0, owner=ALICE, quest_id=qid, status="todo")
    assert await apply(make_uow, gone) == [True]
    assert await views_of(make_uow, ALICE) == []


async def test_removing_an_edge_unblocks(make_uow: MakeUow) -> None:
    a, b = created(ALICE, "A"), created(ALICE, "B")
    added = DependencyAdded(
        event_id=eid(), occurred_at=T0, owner=ALICE,
        prerequisite_id=a.quest_id, dependent_id=b.quest_id,
    )  # fmt: skip
    removed = DependencyRemoved(
        event_id=eid(), occurred_at=T0, owner=ALICE,
        prerequisite_id=a.quest_id, dependent_id=b.quest_id,
    )  # fmt: skip
    await apply(make_uow, a, b, added, removed)
    async with make_uow() as uow:
        view = await uow.quest_views.get(ALICE, b.quest_id)
    assert view is not None
    assert view.depends_on == ()


async def test_one_owners_quests_are_never_anothers(make_uow: MakeUow) -> None:
    mine = created(ALICE, "Alice's")
    await apply(make_uow, mine, created(BOB, "Bob's"))
    async with make_uow() as uow:
        assert await uow.quest_views.get(BOB, mine.quest_id) is None
        assert [v.title for v in await uow.quest_views.of_owner(BOB)] == ["Bob's"]
    # an event naming Alice's quest under Bob's name changes nothing of Alice's
    forged = QuestStarted(event_id=eid(), occurred_at=T0, owner=BOB, quest_id=mine.quest_id)
    assert await apply(make_uow, forged) == [False]
    async with make_uow() as uow:
        view = await uow.quest_views.get(ALICE, mine.quest_id)
    assert view is not None
    assert view.status == "todo"


async def test_events_the_read_model_does_not_follow_are_ignored(make_uow: MakeUow) -> None:
    template = TemplateCreated(
        event_id=eid(), occurred_at=T0, owner=ALICE, template_id=TemplateId(uuid4()), name="x"
    )
    assert await apply(make_uow, template) == [False]


async def test_a_rolled_back_application_is_applied_on_redelivery(make_uow: MakeUow) -> None:
    event = created(ALICE, "Retry me")
    async with make_uow() as uow:  # claimed, then left without commit: rolled back
        assert await uow.claim("ai.quest-views", event.event_id)
    assert await apply(make_uow, event) == [True]
    assert [v.title for v in await views_of(make_uow, ALICE)] == ["Retry me"]  # type: ignore[attr-defined]


# -- each player's time zone, from identity's events ----------------------------------------


def registered(owner: UserId, timezone: str) -> UserRegistered:
    return UserRegistered(
        event_id=eid(),
        occurred_at=T0,
        owner=owner,
        email="player@example.com",
        display_name="Player",
        timezone=timezone,
        day_start_hour=4,
    )


def profile_updated(owner: UserId, timezone: str) -> ProfileUpdated:
    return ProfileUpdated(
        event_id=eid(),
        occurred_at=T0,
        owner=owner,
        display_name="Player",
        timezone=timezone,
        day_start_hour=4,
    )


async def test_the_player_zone_follows_identity_once_per_event(make_uow: MakeUow) -> None:
    assert await player_zone(ALICE, make_uow()) == "UTC"  # not announced yet
    joined = registered(ALICE, "Europe/Berlin")
    assert await project_identity_event(joined, make_uow())
    assert not await project_identity_event(joined, make_uow())  # redelivered
    assert await player_zone(ALICE, make_uow()) == "Europe/Berlin"
    moved = profile_updated(ALICE, "America/New_York")
    assert await project_identity_event(moved, make_uow())
    assert await player_zone(ALICE, make_uow()) == "America/New_York"
    assert await player_zone(BOB, make_uow()) == "UTC"  # another player's zone is not Alice's
    assert await player_zone(ALICE, make_uow(), "Asia/Tokyo") == "Asia/Tokyo"  # asked for


async def test_quest_events_do_not_touch_zones_nor_identity_events_quests(
    make_uow: MakeUow,
) -> None:
    assert not await project_identity_event(created(ALICE, "Water plants"), make_uow())
    assert not await project_quest_event(registered(ALICE, "Europe/Berlin"), make_uow())
    assert await views_of(make_uow, ALICE) == []
    assert await player_zone(ALICE, make_uow()) == "UTC"
