"""Contract suite of the analytics context on memory, SQLite and PostgreSQL.

Events reach the records only through the recording use case (what the consumer runs), as in
production; summaries, exports and the daily view go through the use cases. Every backend must
agree on what is counted, on which day, and that one player's records never show in another's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.analytics import InMemoryAnalyticsStore, InMemoryAnalyticsUnitOfWork
from adapters.sql.analytics import SqlAnalyticsUnitOfWork, reading_analytics_uow
from questlog_core.ai.events import AiFeatureUsed
from questlog_core.analytics.model import Kind
from questlog_core.analytics.ports import AnalyticsUnitOfWork
from questlog_core.analytics.recording import keep_player_zone, record_event
from questlog_core.analytics.use_cases import daily_figures, export_page, summary_of
from questlog_core.errors import ValidationFailed
from questlog_core.events.identity import ProfileUpdated, UserRegistered
from questlog_core.events.quests import QuestCompleted, QuestCreated, QuestUpdated
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.notifications.events import NotificationsRead

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
ALICE = UserId(UUID(int=1))
BOB = UserId(UUID(int=2))

MakeUow = Callable[[], AnalyticsUnitOfWork]


@pytest.fixture
def uows(engine: AsyncEngine | None) -> tuple[MakeUow, MakeUow]:
    """(writer, reader) units of work on one store."""
    if engine is None:
        store = InMemoryAnalyticsStore()
        return (lambda: InMemoryAnalyticsUnitOfWork(store),) * 2  # type: ignore[return-value]
    return (lambda: SqlAnalyticsUnitOfWork(engine)), (lambda: reading_analytics_uow(engine))


def completed(
    owner: UserId,
    at: datetime,
    *,
    category: str | None = None,
    event_id: EventId | None = None,
    zone: str = "UTC",
) -> QuestCompleted:
    return QuestCompleted(
        event_id=event_id or EventId(uuid4()),
        occurred_at=at,
        owner=owner,
        quest_id=QuestId(uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=0,
        due=None,
        completed_at=at,
        created_at=at - timedelta(hours=1),
        on_time=True,
        owner_timezone=zone,
        category=category,
    )


def registered(owner: UserId, zone: str) -> UserRegistered:
    return UserRegistered(
        event_id=EventId(uuid4()),
        occurred_at=NOW - timedelta(days=30),
        owner=owner,
        email="player@example.com",
        display_name="Player",
        timezone=zone,
        day_start_hour=0,
    )


def moved(owner: UserId, zone: str, at: datetime) -> ProfileUpdated:
    return ProfileUpdated(
        event_id=EventId(uuid4()),
        occurred_at=at,
        owner=owner,
        display_name="Player",
        timezone=zone,
        day_start_hour=0,
    )


def created(owner: UserId, at: datetime) -> QuestCreated:
    return QuestCreated(
        event_id=EventId(uuid4()),
        occurred_at=at,
        owner=owner,
        quest_id=QuestId(uuid4()),
        title="Secret title never recorded",
        difficulty="hard",
        notes="private notes",
    )


def ai_used(owner: UserId, at: datetime, feature: str) -> AiFeatureUsed:
    return AiFeatureUsed(event_id=EventId(uuid4()), occurred_at=at, owner=owner, feature=feature)


def opened(owner: UserId, at: datetime, count: int) -> NotificationsRead:
    return NotificationsRead(
        event_id=EventId(uuid4()), occurred_at=at, owner=owner, count=count, all_of_them=True
    )


async def test_a_summary_counts_the_players_own_events_by_day_week_category_and_feature(
    uows: tuple[MakeUow, MakeUow],
) -> None:
    writer, reader = uows
    yesterday = NOW - timedelta(days=1)
    for event in (
        completed(ALICE, NOW - timedelta(hours=1), category="home"),
        completed(ALICE, NOW - timedelta(hours=2), category="home"),
        completed(ALICE, yesterday, category=None),
        completed(ALICE, NOW - timedelta(days=40), category="old"),  # outside the window
        created(ALICE, NOW - timedelta(hours=3)),
        ai_used(ALICE, NOW - timedelta(minutes=5), "quick_add"),
        ai_used(ALICE, NOW - timedelta(minutes=6), "quick_add"),
        ai_used(ALICE, NOW - timedelta(minutes=7), "insights"),
        opened(ALICE, NOW - timedelta(minutes=8), 4),
        completed(BOB, NOW - timedelta(hours=1), category="work"),  # someone else's
    ):
        assert await record_event(event, writer())

    summary = await summary_of(ALICE, NOW, 7, reader())

    assert summary.completions == 3
    assert summary.since == datetime(2026, 12, 1, tzinfo=UTC)
    assert summary.completions_per_day[-2:] == [(date(2026, 12, 6), 1), (date(2026, 12, 7), 2)]
    assert len(summary.completions_per_day) == 7
    assert sum(n for _, n in summary.completions_per_day) == 3
    # 2026-12-07 is a Monday: the window touches two ISO weeks
    assert summary.completions_per_week == [(date(2026, 11, 30), 1), (date(2026, 12, 7), 2)]
    assert summary.completions_by_category == [("home", 2), (None, 1)]
    assert summary.ai_feature_use == [("quick_add", 2), ("insights", 1)]
    assert summary.counts[Kind.QUEST_CREATED] == 1
    assert summary.counts[Kind.QUEST_REOPENED] == 0
    assert summary.notifications_opened == 4
    assert summary.active_days == 2


async def test_an_event_is_recorded_once_and_other_events_not_at_all(
    uows: tuple[MakeUow, MakeUow],
) -> None:
    writer, reader = uows
    event = completed(ALICE, NOW)
    assert await record_event(event, writer())
    assert not await record_event(event, writer())  # redelivered
    unrelated = QuestUpdated(
        event_id=EventId(uuid4()),
        occurred_at=NOW,
        owner=ALICE,
        quest_id=QuestId(uuid4()),
        changes=("title",),
    )
    assert not await record_event(unrelated, writer())

    page = await export_page(ALICE, 0, reader())
    assert [r.kind for r in page] == [Kind.QUEST_COMPLETED]


async def test_records_keep_small_properties_never_what_the_player_typed(
    uows: tuple[MakeUow, MakeUow],
) -> None:
    writer, reader = uows
    event = created(ALICE, NOW)
    await record_event(event, writer())
    (record,) = await export_page(ALICE, 0, reader())
    assert record.properties == {
        "quest_id": str(event.quest_id),
        "category": None,
        "difficulty": "hard",
    }
    assert record.event_id == event.event_id
    assert record.at == NOW


async def test_an_export_pages_through_only_the_callers_records_in_order(
    uows: tuple[MakeUow, MakeUow],
) -> None:
    writer, reader = uows
    for n in range(7):
        await record_event(completed(ALICE, NOW - timedelta(minutes=n)), writer())
        await record_event(completed(BOB, NOW - timedelta(minutes=n)), writer())
    pages: list[list[object]] = []
    after = 0
    while page := await export_page(ALICE, after, reader(), limit=3):
        pages.append(list(page))
        assert all(r.owner == ALICE for r in page)
        after = page[-1].position
    assert [len(p) for p in pages] == [3, 3, 1]
    positions = [r.position for p in pages for r in p]  # type: ignore[attr-defined]
    assert positions == sorted(positions)


async def test_the_daily_view_counts_active_players_and_completions_per_utc_day(
    uows: tuple[MakeUow, MakeUow],
) -> None:
    writer, reader = uows
    day1 = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)
    # 00:30 on the 7th at +02:00 is 22:30 UTC on the 6th: days are UTC days
    late_evening = datetime(2026, 12, 7, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    for event in (
        completed(ALICE, day1),
        completed(ALICE, day1 + timedelta(minutes=1)),
        created(BOB, day1),
        ai_used(BOB, late_evening, "next"),
        completed(BOB, datetime(2026, 12, 8, 1, tzinfo=UTC)),  # after the range
    ):
        await record_event(event, writer())

    figures = await daily_figures(date(2026, 12, 4), date(2026, 12, 7), reader())

    assert [(f.day, f.active_users, f.completions, f.completing_users) for f in figures] == [
        (date(2026, 12, 4), 0, 0, 0),
        (date(2026, 12, 5), 2, 2, 1),
        (date(2026, 12, 6), 1, 0, 0),
        (date(2026, 12, 7), 0, 0, 0),
    ]


async def test_bad_windows_are_refused_with_the_field_named(
    uows: tuple[MakeUow, MakeUow],
) -> None:
    _, reader = uows
    with pytest.raises(ValidationFailed) as raised:
        await daily_figures(date(2026, 12, 7), date(2026, 12, 6), reader())
    assert raised.value.field == "to"
    with pytest.raises(ValidationFailed):
        await daily_figures(date(2025, 1, 1), date(2026, 12, 6), reader())
    with pytest.raises(ValidationFailed) as raised:
        await summary_of(ALICE, NOW, 0, reader())
    assert raised.value.field == "days"


async def test_records_past_the_retention_are_forgotten_and_recording_goes_on(
    uows: tuple[MakeUow, MakeUow],
) -> None:
    from questlog_core.analytics.recording import forget_old_records

    writer, reader = uows
    today = NOW.date()
    for days_ago in (0, 29, 30, 31, 400):
        await record_event(completed(ALICE, NOW - timedelta(days=days_ago)), writer())
    await record_event(completed(BOB, NOW - timedelta(days=45)), writer())

    assert await forget_old_records(writer(), today, 0) == 0  # 0 keeps everything
    assert await forget_old_records(writer(), today, 30) == 3  # 31 and 400 days, Bob's 45

    kept = await export_page(ALICE, 0, reader(), limit=100)
    assert sorted((today - r.day).days for r in kept) == [0, 29, 30]
    assert await export_page(BOB, 0, reader(), limit=100) == []
    assert await forget_old_records(writer(), today, 30) == 0
    fresh = completed(ALICE, NOW)
    await record_event(fresh, writer())
    newest = (await export_page(ALICE, 0, reader(), limit=100))[-1]
    assert newest.event_id == fresh.event_id  # an export still pages in recording order


async def test_a_completion_after_local_midnight_counts_on_the_players_day_not_the_utc_one(
    uows: tuple[MakeUow, MakeUow],
) -> None:
    writer, reader = uows
    assert await keep_player_zone(registered(ALICE, "Europe/Berlin"), writer())
    # 00:30 on Monday 7 December in Berlin is 23:30 on Sunday in UTC
    just_after_midnight = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    assert await record_event(completed(ALICE, just_after_midnight, zone="Europe/Berlin"), writer())
    assert await record_event(completed(BOB, just_after_midnight), writer())

    summary = await summary_of(ALICE, NOW, 1, reader())

    assert summary.completions == 1
    assert summary.completions_per_day == [(date(2026, 12, 7), 1)]
    assert summary.since == datetime(2026, 12, 6, 23, 0, tzinfo=UTC)  # Berlin's midnight
    assert summary.timezone == "Europe/Berlin"
    assert summary.completions_per_week == [(date(2026, 12, 7), 1)]
    assert summary.active_days == 1
    # Bob's zone is unknown: his days are UTC days, and 23:30 on Sunday is not in his Monday
    assert (await summary_of(BOB, NOW, 1, reader())).completions == 0
    # the admins compare every player on UTC days
    figures = await daily_figures(date(2026, 12, 6), date(2026, 12, 7), reader())
    assert [(f.day, f.completions, f.completing_users) for f in figures] == [
        (date(2026, 12, 6), 2, 2),
        (date(2026, 12, 7), 0, 0),
    ]


async def test_an_event_without_a_zone_takes_the_players_and_a_change_applies_to_later_ones(
    uows: tuple[MakeUow, MakeUow],
) -> None:
    writer, reader = uows
    assert await keep_player_zone(registered(ALICE, "America/Los_Angeles"), writer())
    # 05:00 UTC on Monday is 21:00 on Sunday in Los Angeles
    assert await record_event(created(ALICE, datetime(2026, 12, 7, 5, 0, tzinfo=UTC)), writer())
    move = moved(ALICE, "Asia/Tokyo", datetime(2026, 12, 7, 5, 30, tzinfo=UTC))
    assert await keep_player_zone(move, writer())
    assert not await keep_player_zone(move, writer())  # redelivered: claimed once
    # 06:00 UTC on Monday is 15:00 on Monday in Tokyo
    used = ai_used(ALICE, datetime(2026, 12, 7, 6, 0, tzinfo=UTC), "quick_add")
    assert await record_event(used, writer())
    # a zone nobody knows counts as UTC
    assert await keep_player_zone(registered(BOB, "Mars/Olympus"), writer())
    assert await record_event(opened(BOB, datetime(2026, 12, 6, 23, 30, tzinfo=UTC), 1), writer())

    records = await export_page(ALICE, 0, reader())
    assert [(r.kind, r.local_day) for r in records] == [
        (Kind.QUEST_CREATED, date(2026, 12, 6)),  # kept on the day it was in Los Angeles
        (Kind.AI_FEATURE_USED, date(2026, 12, 7)),
    ]
    (bobs,) = await export_page(BOB, 0, reader())
    assert bobs.local_day == date(2026, 12, 6)

    # Alice's summary is on Tokyo days now (15:00 UTC on Monday is Tuesday there); her older
    # record stays on its Los Angeles Sunday (in Tokyo it would have been Monday)
    summary = await summary_of(ALICE, NOW, 3, reader())
    assert summary.timezone == "Asia/Tokyo"
    assert summary.since == datetime(2026, 12, 5, 15, 0, tzinfo=UTC)  # Sunday 00:00 in Tokyo
    assert summary.active_days == 2
    assert summary.counts[Kind.QUEST_CREATED] == 1
    assert summary.counts[Kind.AI_FEATURE_USED] == 1
    last_two = await summary_of(ALICE, NOW, 2, reader())
    assert (last_two.counts[Kind.QUEST_CREATED], last_two.counts[Kind.AI_FEATURE_USED]) == (0, 1)
    bob = await summary_of(BOB, NOW, 2, reader())
    assert bob.timezone == "UTC"
    assert bob.notifications_opened == 1
