"""Contract suite of calendar feeds on memory, SQLite and PostgreSQL.

Quests reach the calendar only through quest events and the owner's zone only through identity
events (the projection), as in production; feeds are made, rotated, revoked and read through
the use cases; what a calendar app would get is parsed back with the ``icalendar`` library.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.ical import ICalendarRenderer
from adapters.memory.calendar import InMemoryCalendarStore, InMemoryCalendarUnitOfWork
from adapters.sql.calendar import SqlCalendarUnitOfWork
from questlog_core.errors import NotFound, ValidationFailed
from questlog_core.events import DomainEvent
from questlog_core.events.identity import ProfileUpdated
from questlog_core.events.quests import (
    QuestAbandoned,
    QuestArchived,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestFacts,
    QuestReopened,
    QuestStarted,
    QuestUpdated,
)
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.integrations.calendar.model import (
    FEEDS_MAX,
    FeedKind,
    IssuedFeed,
    RenderedFeed,
)
from questlog_core.integrations.calendar.ports import CalendarUnitOfWork
from questlog_core.integrations.calendar.projection import project_calendar_event
from questlog_core.integrations.calendar.use_cases import (
    create_feed,
    list_feeds,
    read_feed,
    revoke_feed,
    rotate_feed,
    update_feed,
)

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
ALICE = UserId(UUID(int=1))
BOB = UserId(UUID(int=2))
BERLIN = ZoneInfo("Europe/Berlin")
RENDERER = ICalendarRenderer()

MakeUow = Callable[[], CalendarUnitOfWork]


@pytest.fixture
def make_uow(engine: AsyncEngine | None) -> MakeUow:
    if engine is None:
        store = InMemoryCalendarStore()
        return lambda: InMemoryCalendarUnitOfWork(store)
    return lambda: SqlCalendarUnitOfWork(engine)


def eid() -> EventId:
    return EventId(uuid4())


def created(
    owner: UserId,
    title: str,
    *,
    due: datetime | None = None,
    notes: str = "",
    tags: tuple[str, ...] = (),
    priority: int = 0,
    estimate_minutes: int | None = None,
    at: datetime = T0,
) -> QuestCreated:
    return QuestCreated(
        event_id=eid(),
        occurred_at=at,
        owner=owner,
        quest_id=QuestId(uuid4()),
        title=title,
        difficulty="easy",
        due=due,
        tags=tags,
        notes=notes,
        priority=priority,
        estimate_minutes=estimate_minutes,
    )


def completed(quest: QuestCreated, at: datetime) -> QuestCompleted:
    return QuestCompleted(
        event_id=eid(),
        occurred_at=at,
        owner=quest.owner,
        quest_id=quest.quest_id,
        occurrence=0,
        difficulty="easy",
        priority=quest.priority,
        due=quest.due,
        completed_at=at,
        created_at=quest.occurred_at,
        on_time=True,
        owner_timezone="Europe/Berlin",
        tags=quest.tags,
    )


def zone(owner: UserId, name: str) -> ProfileUpdated:
    return ProfileUpdated(
        event_id=eid(),
        occurred_at=T0,
        owner=owner,
        display_name="Ada",
        timezone=name,
        day_start_hour=0,
    )


async def apply(make_uow: MakeUow, *events: DomainEvent) -> None:
    for event in events:
        await project_calendar_event(event, make_uow())


_seconds = itertools.count(1)


async def new_feed(
    make_uow: MakeUow, owner: UserId, label: str = "Phone", kind: str = "todos"
) -> IssuedFeed:
    # each feed a second after the last: lists are oldest first
    made_at = T0 + timedelta(seconds=next(_seconds))
    return await create_feed(owner, label, make_uow(), feed_id=uuid4(), now=made_at, kind=kind)


async def read(make_uow: MakeUow, token: str) -> RenderedFeed:
    return await read_feed(token, make_uow(), RENDERER, now=T0 + timedelta(days=1))


def todos(feed: RenderedFeed) -> dict[str, icalendar.Todo]:
    calendar = icalendar.Calendar.from_ical(feed.body)
    return {str(todo["SUMMARY"]): todo for todo in calendar.walk("VTODO")}


async def test_the_feed_shows_due_quests_in_the_owners_zone_with_status_and_details(
    make_uow: MakeUow,
) -> None:
    due = datetime(2026, 12, 10, 16, 30, tzinfo=UTC)  # 17:30 in Berlin (CET)
    report = created(
        ALICE,
        "Write report",
        due=due,
        notes="Numbers from Q3, then the summary",
        tags=("work", "deep-work"),
        priority=4,
    )
    dentist = created(ALICE, "Call dentist", due=due + timedelta(days=1))
    undated = created(ALICE, "Someday: learn the cello")
    old = created(ALICE, "Old thing", due=due)
    archived = QuestArchived(
        event_id=eid(),
        occurred_at=T0,
        owner=ALICE,
        quest_id=old.quest_id,
        previous_status="todo",
    )
    done_at = T0 + timedelta(hours=3)
    await apply(
        make_uow,
        zone(ALICE, "Europe/Berlin"),
        report,
        dentist,
        undated,
        old,
        archived,
        completed(dentist, done_at),
    )
    issued = await new_feed(make_uow, ALICE)

    feed = await read(make_uow, issued.token)

    calendar = icalendar.Calendar.from_ical(feed.body)
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Berlin"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    shown = todos(feed)
    assert set(shown) == {"Write report", "Call dentist"}
    todo = shown["Write report"]
    due_shown = todo.decoded("DUE")
    assert due_shown == due
    assert due_shown.tzinfo is not None
    assert str(due_shown.tzinfo) == "Europe/Berlin"
    assert (due_shown.hour, due_shown.minute) == (17, 30)
    assert todo["DUE"].params["TZID"] == "Europe/Berlin"
    assert str(todo["UID"]) == f"{report.quest_id}@questlog"
    assert str(todo["DESCRIPTION"]) == "Numbers from Q3, then the summary"
    assert str(todo["STATUS"]) == "NEEDS-ACTION"
    assert int(todo["PRIORITY"]) == 1
    assert [str(c) for c in todo["CATEGORIES"].cats] == ["work", "deep-work"]
    assert todo.decoded("LAST-MODIFIED") == T0
    call = shown["Call dentist"]
    assert str(call["STATUS"]) == "COMPLETED"
    assert call.decoded("COMPLETED") == done_at
    assert "PRIORITY" not in call  # no priority: left out, not 0
    assert feed.last_modified == done_at


async def test_the_same_quests_give_the_same_bytes_and_a_change_a_new_etag(
    make_uow: MakeUow,
) -> None:
    quest = created(ALICE, "Pay rent", due=T0 + timedelta(days=3))
    await apply(make_uow, quest)
    issued = await new_feed(make_uow, ALICE)
    first = await read(make_uow, issued.token)
    assert (await read(make_uow, issued.token)).etag == first.etag
    later = T0 + timedelta(hours=1)
    await apply(
        make_uow,
        QuestUpdated(
            event_id=eid(),
            occurred_at=later,
            owner=ALICE,
            quest_id=quest.quest_id,
            changes=("title",),
            after=QuestFacts(title="Pay the rent", difficulty="easy", due=quest.due),
        ),
    )
    changed = await read(make_uow, issued.token)
    assert changed.etag != first.etag
    assert set(todos(changed)) == {"Pay the rent"}
    assert str(todos(changed)["Pay the rent"]["UID"]) == f"{quest.quest_id}@questlog"


async def test_reopening_started_and_deleted_quests_follow_the_lifecycle(
    make_uow: MakeUow,
) -> None:
    quest = created(ALICE, "Fix bike", due=T0 + timedelta(days=2))
    gone = created(ALICE, "Gone", due=T0 + timedelta(days=2))
    started = QuestStarted(event_id=eid(), occurred_at=T0, owner=ALICE, quest_id=quest.quest_id)
    reopened = QuestReopened(
        event_id=eid(),
        occurred_at=T0 + timedelta(hours=2),
        owner=ALICE,
        quest_id=quest.quest_id,
        occurrence=0,
        reopened_at=T0 + timedelta(hours=2),
    )
    deleted = QuestDeleted(
        event_id=eid(), occurred_at=T0, owner=ALICE, quest_id=gone.quest_id, status="todo"
    )
    await apply(make_uow, quest, gone, started, completed(quest, T0 + timedelta(hours=1)), reopened)
    await apply(make_uow, deleted)
    issued = await new_feed(make_uow, ALICE)
    shown = todos(await read(make_uow, issued.token))
    assert set(shown) == {"Fix bike"}
    assert str(shown["Fix bike"]["STATUS"]) == "IN-PROCESS"
    assert "COMPLETED" not in shown["Fix bike"]


async def test_a_redelivered_event_changes_nothing(make_uow: MakeUow) -> None:
    quest = created(ALICE, "Water plants", due=T0 + timedelta(days=1))
    assert await project_calendar_event(quest, make_uow())
    assert not await project_calendar_event(quest, make_uow())
    assert await project_calendar_event(zone(ALICE, "Asia/Tokyo"), make_uow())


async def test_without_a_known_zone_due_times_are_utc(make_uow: MakeUow) -> None:
    due = datetime(2026, 12, 10, 16, 30, tzinfo=UTC)
    await apply(make_uow, created(BOB, "Bob's thing", due=due))
    issued = await new_feed(make_uow, BOB)
    todo = todos(await read(make_uow, issued.token))["Bob's thing"]
    assert todo.decoded("DUE") == due
    assert todo["DUE"].to_ical() == b"20261210T163000Z"


async def test_a_revoked_feed_is_not_found_and_rotating_retires_the_old_token(
    make_uow: MakeUow,
) -> None:
    await apply(make_uow, created(ALICE, "Pay rent", due=T0 + timedelta(days=3)))
    first = await new_feed(make_uow, ALICE)
    second = await new_feed(make_uow, ALICE, "Laptop")

    rotated = await rotate_feed(ALICE, second.feed.feed_id, make_uow(), now=T0)
    assert rotated.token != second.token
    with pytest.raises(NotFound):
        await read(make_uow, second.token)
    assert set(todos(await read(make_uow, rotated.token))) == {"Pay rent"}

    await revoke_feed(ALICE, first.feed.feed_id, make_uow(), now=T0)
    with pytest.raises(NotFound):
        await read(make_uow, first.token)
    with pytest.raises(NotFound):  # revoked for good: no second revoke, no rotation
        await rotate_feed(ALICE, first.feed.feed_id, make_uow(), now=T0)
    listed = await list_feeds(ALICE, make_uow())
    assert [(f.label, f.live) for f in listed] == [("Phone", False), ("Laptop", True)]


async def test_another_users_token_shows_only_their_quests_and_they_cannot_touch_mine(
    make_uow: MakeUow,
) -> None:
    await apply(
        make_uow,
        created(ALICE, "Alice's secret plan", due=T0 + timedelta(days=1)),
        created(BOB, "Bob's errand", due=T0 + timedelta(days=1)),
    )
    alices = await new_feed(make_uow, ALICE)
    bobs = await new_feed(make_uow, BOB)
    assert set(todos(await read(make_uow, bobs.token))) == {"Bob's errand"}
    assert set(todos(await read(make_uow, alices.token))) == {"Alice's secret plan"}
    with pytest.raises(NotFound):
        await revoke_feed(BOB, alices.feed.feed_id, make_uow(), now=T0)
    with pytest.raises(NotFound):
        await rotate_feed(BOB, alices.feed.feed_id, make_uow(), now=T0)
    assert [f.feed_id for f in await list_feeds(BOB, make_uow())] == [bobs.feed.feed_id]
    assert set(todos(await read(make_uow, alices.token))) == {"Alice's secret plan"}


@pytest.mark.parametrize(
    "token", ["", "nope", "qcal_" + "x" * 43, "qcal_" + "x" * 200, "../../etc/passwd"]
)
async def test_a_guessed_or_malformed_token_is_not_found(make_uow: MakeUow, token: str) -> None:
    await new_feed(make_uow, ALICE)
    with pytest.raises(NotFound):
        await read(make_uow, token)


async def test_only_a_hash_of_the_token_is_stored(make_uow: MakeUow) -> None:
    issued = await new_feed(make_uow, ALICE)
    assert issued.token.startswith("qcal_")
    assert len(issued.token) >= 40
    (stored,) = await list_feeds(ALICE, make_uow())
    assert issued.token not in repr(stored)
    assert stored.token_hash != issued.token


async def test_labels_and_the_number_of_live_feeds_are_bounded(make_uow: MakeUow) -> None:
    with pytest.raises(ValidationFailed) as long_label:
        await new_feed(make_uow, ALICE, "x" * 101)
    assert long_label.value.field == "label"
    for _ in range(FEEDS_MAX):
        last = await new_feed(make_uow, ALICE)
    with pytest.raises(ValidationFailed):
        await new_feed(make_uow, ALICE)
    await revoke_feed(ALICE, last.feed.feed_id, make_uow(), now=T0)
    await new_feed(make_uow, ALICE)  # a revoked feed frees its place


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_deleting_an_account_erases_its_feeds_quests_and_zone_only(
    backend: str, engine: AsyncEngine | None, make_uow: MakeUow
) -> None:
    from adapters.sql.erasure import SqlErasureUnitOfWork
    from questlog_core.events.identity import AccountDeleted
    from questlog_core.moving.erasure import erase_account

    assert engine is not None
    await apply(
        make_uow,
        zone(ALICE, "Europe/Berlin"),
        zone(BOB, "Asia/Tokyo"),
        created(ALICE, "Alice's", due=T0 + timedelta(days=1)),
        created(BOB, "Bob's", due=T0 + timedelta(days=1)),
    )
    alices = await new_feed(make_uow, ALICE)
    bobs = await new_feed(make_uow, BOB)
    deleted = AccountDeleted(event_id=eid(), occurred_at=T0, owner=ALICE)

    erased = await erase_account(
        deleted, SqlErasureUnitOfWork.of("integrations", engine), "integrations.erasure"
    )

    assert erased == 3  # the feed, the quest's copy and the zone
    with pytest.raises(NotFound):
        await read(make_uow, alices.token)
    assert await list_feeds(ALICE, make_uow()) == []
    async with make_uow() as uow:
        assert await uow.zones.get(ALICE) is None
        assert await uow.entries.in_feed(ALICE) == []
        assert await uow.zones.get(BOB) == "Asia/Tokyo"
    assert set(todos(await read(make_uow, bobs.token))) == {"Bob's"}


def events(feed: RenderedFeed) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(feed.body)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


async def test_a_feeds_kind_is_stored_listed_and_changed_only_by_its_owner(
    make_uow: MakeUow,
) -> None:
    todo_feed = await new_feed(make_uow, ALICE, "Phone")
    event_feed = await new_feed(make_uow, ALICE, "Google", kind="events")
    assert todo_feed.feed.kind is FeedKind.TODOS
    listed = await list_feeds(ALICE, make_uow())
    assert [(f.label, f.kind) for f in listed] == [
        ("Phone", FeedKind.TODOS),
        ("Google", FeedKind.EVENTS),
    ]

    changed = await update_feed(ALICE, todo_feed.feed.feed_id, make_uow(), kind="events")
    assert changed.kind is FeedKind.EVENTS
    relabelled = await update_feed(ALICE, event_feed.feed.feed_id, make_uow(), label=" Work  cal ")
    assert (relabelled.label, relabelled.kind) == ("Work cal", FeedKind.EVENTS)
    listed = await list_feeds(ALICE, make_uow())
    assert [(f.label, f.kind) for f in listed] == [
        ("Phone", FeedKind.EVENTS),
        ("Work cal", FeedKind.EVENTS),
    ]
    # the token is unchanged: the same URL keeps working
    assert listed[0].token_hash == todo_feed.feed.token_hash
    assert events(await read(make_uow, todo_feed.token)) == {}  # opens, and holds events now

    with pytest.raises(NotFound):
        await update_feed(BOB, todo_feed.feed.feed_id, make_uow(), kind="todos")
    with pytest.raises(ValidationFailed) as bad:
        await update_feed(ALICE, todo_feed.feed.feed_id, make_uow(), kind="journal")
    assert bad.value.field == "kind"
    assert bad.value.allowed == ["todos", "events"]
    with pytest.raises(ValidationFailed):
        await new_feed(make_uow, ALICE, kind="VEVENT")
    assert (await list_feeds(ALICE, make_uow()))[0].kind is FeedKind.EVENTS
    await revoke_feed(ALICE, todo_feed.feed.feed_id, make_uow(), now=T0)
    with pytest.raises(NotFound):
        await update_feed(ALICE, todo_feed.feed.feed_id, make_uow(), kind="todos")


async def test_an_events_feed_shows_each_due_quest_as_an_event_ending_when_it_is_due(
    make_uow: MakeUow,
) -> None:
    due = datetime(2026, 12, 10, 16, 30, tzinfo=UTC)  # 17:30 in Berlin (CET)
    report = created(
        ALICE, "Write report", due=due, notes="Q3", tags=("work",), estimate_minutes=90
    )
    dentist = created(ALICE, "Call dentist", due=due + timedelta(days=1))
    dropped = created(ALICE, "Dropped", due=due + timedelta(days=2))
    undated = created(ALICE, "Someday")
    abandoned = QuestAbandoned(
        event_id=eid(), occurred_at=T0, owner=ALICE, quest_id=dropped.quest_id
    )
    await apply(
        make_uow,
        zone(ALICE, "Europe/Berlin"),
        report,
        dentist,
        dropped,
        undated,
        abandoned,
        completed(dentist, T0 + timedelta(hours=2)),
    )
    issued = await new_feed(make_uow, ALICE, kind="events")

    feed = await read(make_uow, issued.token)

    calendar = icalendar.Calendar.from_ical(feed.body)
    assert calendar.walk("VTODO") == []
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    shown = events(feed)
    assert set(shown) == {"Write report", "\N{CHECK MARK} Call dentist", "Dropped"}
    event = shown["Write report"]
    assert str(event["UID"]) == f"{report.quest_id}@questlog"
    end, start = event.decoded("DTEND"), event.decoded("DTSTART")
    assert end == due
    assert (str(end.tzinfo), end.hour, end.minute) == ("Europe/Berlin", 17, 30)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert (start.hour, start.minute) == (16, 0)  # the 90-minute estimate
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["DESCRIPTION"]) == "Q3"
    assert [str(c) for c in event["CATEGORIES"].cats] == ["work"]
    assert event.decoded("LAST-MODIFIED") == T0
    call = shown["\N{CHECK MARK} Call dentist"]
    assert call.decoded("DTEND") - call.decoded("DTSTART") == timedelta(minutes=30)  # no estimate
    assert str(call["STATUS"]) == "CONFIRMED"
    assert str(shown["Dropped"]["STATUS"]) == "CANCELLED"


async def test_an_updated_estimate_moves_the_events_start(make_uow: MakeUow) -> None:
    due = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    quest = created(BOB, "Tax return", due=due, estimate_minutes=60)
    await apply(make_uow, quest)
    issued = await new_feed(make_uow, BOB, kind="events")
    before = events(await read(make_uow, issued.token))["Tax return"]
    assert before.decoded("DTSTART") == due - timedelta(hours=1)
    assert before["DTEND"].to_ical() == b"20261210T090000Z"  # an owner in UTC
    await apply(
        make_uow,
        QuestUpdated(
            event_id=eid(),
            occurred_at=T0 + timedelta(hours=1),
            owner=BOB,
            quest_id=quest.quest_id,
            changes=("estimate_minutes",),
            after=QuestFacts(title="Tax return", difficulty="easy", due=due, estimate_minutes=240),
        ),
    )
    after = events(await read(make_uow, issued.token))["Tax return"]
    assert after.decoded("DTSTART") == due - timedelta(hours=4)


async def test_switching_the_kind_changes_the_content_and_the_etag(make_uow: MakeUow) -> None:
    issued = await new_feed(make_uow, ALICE)
    empty_todos = await read(make_uow, issued.token)
    await update_feed(ALICE, issued.feed.feed_id, make_uow(), kind="events")
    empty_events = await read(make_uow, issued.token)
    assert empty_events.etag != empty_todos.etag  # even with nothing in it

    await apply(make_uow, created(ALICE, "Pay rent", due=T0 + timedelta(days=3)))
    as_events = await read(make_uow, issued.token)
    assert set(events(as_events)) == {"Pay rent"}
    assert todos(as_events) == {}
    await update_feed(ALICE, issued.feed.feed_id, make_uow(), kind="todos")
    as_todos = await read(make_uow, issued.token)
    assert set(todos(as_todos)) == {"Pay rent"}
    assert events(as_todos) == {}
    assert as_todos.etag != as_events.etag
