"""The notification service's storage and use cases on every adapter: memory, SQLite,
PostgreSQL. What a user would notice: one notification per fact, their history and nobody
else's, preferences kept, reminders that fall due once, emails retried or given up with the
address deactivated, broadcasts that reach everyone in batches.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FixedClock, RandomIds
from adapters.memory.email import InMemoryEmailSender
from adapters.memory.notifications import InMemoryNotificationStore
from adapters.memory.push import InMemoryPushSender
from adapters.push.log import LogPushSender
from adapters.sql.notifications import SqlNotificationUnitOfWork
from questlog_core.errors import ConcurrencyConflict, DeliveryFailed, NotFound
from questlog_core.events.gamification import AchievementUnlocked, LevelReached, StreakExtended
from questlog_core.events.identity import UserDisabled, UserEnabled, UserRegistered
from questlog_core.events.quests import QuestCompleted, QuestCreated, QuestFacts, QuestUpdated
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.notifications import use_cases as uc
from questlog_core.notifications.events import NotificationsRead
from questlog_core.notifications.model import (
    Channel,
    DeliveryState,
    DevicePlatform,
    Kind,
    ScheduleState,
)
from questlog_core.notifications.ports import HistoryQuery, NotificationUnitOfWork
from questlog_core.notifications.preferences import Preferences, QuietHours
from questlog_core.ports.platform import EmailMessage

MONDAY = datetime(2026, 3, 2, 12, tzinfo=UTC)
Uow = Callable[[], NotificationUnitOfWork]


@pytest.fixture
def uow(engine: AsyncEngine | None) -> Uow:
    if engine is None:
        store = InMemoryNotificationStore()
        return store.unit_of_work
    return lambda: SqlNotificationUnitOfWork(engine)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY)


ids = RandomIds()


def _user() -> UserId:
    return UserId(uuid4())


async def _register(uow: Uow, clock: FixedClock, user: UserId, tz: str = "UTC") -> None:
    event = UserRegistered(
        event_id=EventId(uuid4()),
        occurred_at=clock.now(),
        owner=user,
        email=f"{user.hex[:8]}@example.com",
        display_name="P",
        timezone=tz,
        day_start_hour=0,
    )
    assert await uc.handle_event(event, uow(), clock, ids)


def _draft(kind: Kind = Kind.SYSTEM_ANNOUNCEMENT, title: str = "Hello") -> uc.Draft:
    return uc.Draft(kind=kind, title=title, body="Body")


async def _history(uow: Uow, user: UserId, **query: Any) -> uc.HistoryPage:
    return await uc.history(user, HistoryQuery(**query), uow())


class Outlets:
    def __init__(self) -> None:
        self.email = InMemoryEmailSender()
        self.push = InMemoryPushSender()

    def of(self) -> uc.Outlets:
        return uc.Outlets(
            email=self.email, push=self.push, unsubscribe_url=lambda n: f"https://q/u/{n.kind}"
        )


async def test_one_fact_is_one_notification_and_only_its_owner_sees_it(
    uow: Uow, clock: FixedClock
) -> None:
    alice, bob = _user(), _user()
    await _register(uow, clock, alice)
    first = await uc.send_notification(
        uc.SendNotification(user=alice, draft=_draft(), key="launch"), uow(), clock, ids
    )
    again = await uc.send_notification(
        uc.SendNotification(user=alice, draft=_draft(), key="launch"), uow(), clock, ids
    )
    assert first.created
    assert not again.created
    page = await _history(uow, alice)
    assert [i.notification.title for i in page.items] == ["Hello"]
    assert page.unread == 1
    # in-app and the default email of an announcement; the email is queued
    [delivery] = page.items[0].deliveries
    assert delivery.channel is Channel.EMAIL
    assert delivery.state is DeliveryState.QUEUED
    assert (await _history(uow, bob)).items == []


async def test_history_pages_newest_first_and_filters_by_kind_and_read_state(
    uow: Uow, clock: FixedClock
) -> None:
    alice, bob = _user(), _user()
    for n in range(5):
        kind = Kind.LEVEL_UP if n % 2 else Kind.AI_SUGGESTION
        await uc.send_notification(
            uc.SendNotification(user=alice, draft=_draft(kind, f"n{n}")), uow(), clock, ids
        )
        clock.advance(timedelta(minutes=1))
    first = await _history(uow, alice, limit=2)
    assert [i.notification.title for i in first.items] == ["n4", "n3"]
    assert first.next_after is not None
    at, last = first.next_after
    second = await _history(
        uow, alice, limit=2, after=(datetime.fromisoformat(at), uuid4().__class__(last))
    )
    assert [i.notification.title for i in second.items] == ["n2", "n1"]
    levels = await _history(uow, alice, kind=Kind.LEVEL_UP)
    assert [i.notification.title for i in levels.items] == ["n3", "n1"]

    n3 = levels.items[0].notification.id
    # Bob cannot mark Alice's notification read: not found, and nothing changes.
    with pytest.raises(NotFound):
        await uc.mark_read(bob, [n3], uow(), clock)
    assert (await _history(uow, alice)).unread == 5
    marking = uow()
    assert await uc.mark_read(alice, [n3], marking, clock, ids) == 1
    (opened,) = marking.committed_events()
    assert isinstance(opened, NotificationsRead)
    assert (opened.owner, opened.count, opened.notification_ids) == (alice, 1, (n3,))
    assert [i.notification.title for i in (await _history(uow, alice, read=True)).items] == ["n3"]
    marking = uow()
    assert await uc.mark_read(alice, None, marking, clock, ids) == 4
    (opened,) = marking.committed_events()
    assert isinstance(opened, NotificationsRead)
    assert opened.all_of_them
    assert opened.count == 4
    # nothing left unread: nothing was opened, no event
    marking = uow()
    assert await uc.mark_read(alice, None, marking, clock, ids) == 0
    assert marking.committed_events() == []
    assert (await _history(uow, alice, read=False)).items == []


async def test_preferences_are_kept_and_a_stale_write_conflicts(uow: Uow) -> None:
    alice = _user()
    assert await uc.preferences_of(alice, uow()) == Preferences()
    chosen = Preferences(
        channels={Kind.LEVEL_UP: frozenset({Channel.PUSH})},
        quiet_hours=QuietHours(start=time(22), end=time(7)),
        reminder_offsets_minutes=(30,),
    )
    saved = await uc.set_preferences(alice, chosen, uow())
    stored = await uc.preferences_of(alice, uow())
    assert stored.quiet_hours == chosen.quiet_hours
    assert stored.channels_for(Kind.LEVEL_UP) == {Channel.PUSH}
    assert stored.version == saved.version == 1
    # Two writers read version 1; the first saves, the second's stale write is refused.
    async with uow() as first:
        await first.preferences.save(alice, stored)
        await first.commit()
    async with uow() as second:
        with pytest.raises(ConcurrencyConflict):
            await second.preferences.save(alice, stored)


async def test_quiet_hours_hold_email_but_not_the_in_app_record(
    uow: Uow, clock: FixedClock
) -> None:
    alice = _user()
    await _register(uow, clock, alice, tz="Europe/Berlin")
    await uc.set_preferences(
        alice, Preferences(quiet_hours=QuietHours(start=time(12), end=time(14))), uow()
    )
    await uc.send_notification(uc.SendNotification(user=alice, draft=_draft()), uow(), clock, ids)
    [item] = (await _history(uow, alice)).items
    # 12:00 UTC is 13:00 in Berlin: the email waits for 14:00 Berlin = 13:00 UTC.
    assert item.deliveries[0].next_attempt_at == MONDAY + timedelta(hours=1)
    outlets = Outlets()
    assert (await uc.deliver_due(uow, outlets.of(), clock, ids)).sent == 0
    clock.advance(timedelta(hours=1))
    assert (await uc.deliver_due(uow, outlets.of(), clock, ids)).sent == 1
    assert outlets.email.last.subject == "Hello"


async def test_delivery_retries_with_backoff_then_a_permanent_error_deactivates_the_address(
    uow: Uow, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = _user()
    await _register(uow, clock, alice)
    outlets = Outlets()
    failures = [
        DeliveryFailed("email", "smtp", "451 try later", retryable=True),
        DeliveryFailed("email", "smtp", "550 no such user", retryable=False, target_gone=True),
    ]

    async def failing(message: EmailMessage) -> None:
        raise failures.pop(0)

    monkeypatch.setattr(outlets.email, "send", failing)
    await uc.send_notification(uc.SendNotification(user=alice, draft=_draft()), uow(), clock, ids)
    assert (await uc.deliver_due(uow, outlets.of(), clock, ids)).retrying == 1
    [delivery] = (await _history(uow, alice)).items[0].deliveries
    assert delivery.state is DeliveryState.QUEUED
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == MONDAY + timedelta(seconds=30)
    # Not due yet: nothing is attempted.
    assert (await uc.deliver_due(uow, outlets.of(), clock, ids)).retrying == 0
    clock.advance(timedelta(seconds=30))
    assert (await uc.deliver_due(uow, outlets.of(), clock, ids)).failed == 1
    [delivery] = (await _history(uow, alice)).items[0].deliveries
    assert delivery.state is DeliveryState.FAILED
    assert delivery.reason == "550 no such user"
    async with uow() as reading:
        recipient = await reading.recipients.get(alice)
    assert recipient is not None
    assert not recipient.email_active
    # The address is no longer used: the next notification queues no email.
    await uc.send_notification(uc.SendNotification(user=alice, draft=_draft()), uow(), clock, ids)
    assert (await _history(uow, alice)).items[0].deliveries == []


async def test_an_unregistered_push_token_deactivates_its_device_only(
    uow: Uow, clock: FixedClock
) -> None:
    alice = _user()
    phone, _ = await uc.register_device(
        uc.RegisterDevice(user=alice, platform=DevicePlatform.FCM, token="tok-phone"),
        uow(),
        clock,
        ids,
    )
    again, created = await uc.register_device(
        uc.RegisterDevice(user=alice, platform=DevicePlatform.FCM, token="tok-phone"),
        uow(),
        clock,
        ids,
    )
    assert again.id == phone.id
    assert not created
    await uc.register_device(
        uc.RegisterDevice(user=alice, platform=DevicePlatform.WEBPUSH, token="tok-laptop"),
        uow(),
        clock,
        ids,
    )
    outlets = Outlets()
    outlets.push.reject("tok-phone")
    await uc.send_notification(
        uc.SendNotification(user=alice, draft=_draft(Kind.REMINDER)), uow(), clock, ids
    )
    report = await uc.deliver_due(uow, outlets.of(), clock, ids)
    assert (report.sent, report.failed) == (1, 1)
    assert [m.device_token for m in outlets.push.sent] == ["tok-laptop"]
    devices = {d.token: d for d in await uc.devices_of(alice, uow())}
    assert not devices["tok-phone"].active
    assert devices["tok-laptop"].active
    with pytest.raises(NotFound):
        await uc.remove_device(_user(), phone.id, uow())
    await uc.remove_device(alice, phone.id, uow())
    assert [d.token for d in await uc.devices_of(alice, uow())] == ["tok-laptop"]


async def test_a_push_the_log_sender_only_logged_says_it_was_not_sent(
    uow: Uow, clock: FixedClock
) -> None:
    alice = _user()
    await uc.register_device(
        uc.RegisterDevice(user=alice, platform=DevicePlatform.FCM, token="tok-phone"),
        uow(),
        clock,
        ids,
    )
    await uc.send_notification(
        uc.SendNotification(user=alice, draft=_draft(Kind.REMINDER)), uow(), clock, ids
    )
    logged = uc.Outlets(
        email=InMemoryEmailSender(), push=LogPushSender(), unsubscribe_url=lambda n: "https://q/u"
    )
    report = await uc.deliver_due(uow, logged, clock, ids)
    assert report.sent == 1
    [delivery] = (await _history(uow, alice)).items[0].deliveries
    assert delivery.state is DeliveryState.SENT
    assert delivery.reason == "not sent: the log push sender only logs"


async def test_two_dispatchers_never_take_the_same_delivery(uow: Uow, clock: FixedClock) -> None:
    alice = _user()
    await _register(uow, clock, alice)
    await uc.send_notification(uc.SendNotification(user=alice, draft=_draft()), uow(), clock, ids)
    now = clock.now()
    async with uow() as first:
        claimed = await first.deliveries.claim_due(now, now + uc.LEASE, 10)
        await first.commit()
    async with uow() as second:
        assert await second.deliveries.claim_due(now, now + uc.LEASE, 10) == []
    assert len(claimed) == 1


async def test_a_broadcast_reaches_everyone_once_in_batches(uow: Uow, clock: FixedClock) -> None:
    users = [_user() for _ in range(5)]
    for user in users:
        await _register(uow, clock, user)
    sent = await uc.send_notification(
        uc.SendNotification(draft=_draft(title="Maintenance"), key="maint-1"), uow(), clock, ids
    )
    assert sent.scheduled_id is not None
    made = [await uc.dispatch_due(uow(), clock, ids, batch=2) for _ in range(4)]
    assert made == [2, 2, 1, 0]
    for user in users:
        assert [i.notification.title for i in (await _history(uow, user)).items] == ["Maintenance"]


async def test_game_events_become_notifications_once(uow: Uow, clock: FixedClock) -> None:
    alice = _user()
    level = LevelReached(
        event_id=EventId(uuid4()),
        occurred_at=clock.now(),
        owner=alice,
        level=2,
        previous_level=1,
        total_xp=120,
        first_time=True,
    )
    unlock = AchievementUnlocked(
        event_id=EventId(uuid4()),
        occurred_at=clock.now(),
        owner=alice,
        key="first-quest",
        title="First quest",
        description="Complete your first quest",
    )
    assert await uc.handle_event(level, uow(), clock, ids)
    assert not await uc.handle_event(level, uow(), clock, ids)  # redelivered
    assert await uc.handle_event(unlock, uow(), clock, ids)
    # The level reached again (after a reopen) is a new event, but not a new notification.
    again = LevelReached(
        event_id=EventId(uuid4()),
        occurred_at=clock.now(),
        owner=alice,
        level=2,
        previous_level=1,
        total_xp=130,
        first_time=False,
    )
    assert await uc.handle_event(again, uow(), clock, ids)
    titles = [i.notification.title for i in (await _history(uow, alice)).items]
    assert sorted(titles) == ["First quest", "Level 2 reached"]


async def test_a_due_date_schedules_reminders_that_completion_cancels(
    uow: Uow, clock: FixedClock
) -> None:
    alice = _user()
    quest = QuestId(uuid4())
    due = MONDAY + timedelta(days=2)
    created = QuestCreated(
        event_id=EventId(uuid4()),
        occurred_at=clock.now(),
        owner=alice,
        quest_id=quest,
        title="Write report",
        difficulty="medium",
        due=due,
    )
    await uc.handle_event(created, uow(), clock, ids)
    async with uow() as reading:
        pending = await reading.schedules.pending_of(alice)
    assert [(s.kind, s.due_at) for s in pending] == [
        (Kind.REMINDER, due - timedelta(days=1)),
        (Kind.REMINDER, due - timedelta(hours=1)),
        (Kind.DEADLINE_PASSED, due),
    ]
    clock.set(due - timedelta(days=1))
    assert await uc.dispatch_due(uow(), clock, ids) == 1
    assert await uc.dispatch_due(uow(), clock, ids) == 0  # never twice
    [reminder] = (await _history(uow, alice)).items
    assert reminder.notification.kind is Kind.REMINDER
    completed = QuestCompleted(
        event_id=EventId(uuid4()),
        occurred_at=clock.now(),
        owner=alice,
        quest_id=quest,
        occurrence=0,
        difficulty="medium",
        priority=0,
        due=due,
        completed_at=clock.now(),
        created_at=MONDAY,
        on_time=True,
        owner_timezone="UTC",
    )
    await uc.handle_event(completed, uow(), clock, ids)
    async with uow() as reading:
        assert await reading.schedules.pending_of(alice) == []
    clock.set(due + timedelta(hours=1))
    assert await uc.dispatch_due(uow(), clock, ids) == 0


async def test_moving_a_due_date_away_and_back_plans_its_reminders_again(
    uow: Uow, clock: FixedClock
) -> None:
    alice = _user()
    quest = QuestId(uuid4())
    due, later = MONDAY + timedelta(days=2), MONDAY + timedelta(days=5)

    def moved(to: datetime) -> QuestUpdated:
        return QuestUpdated(
            event_id=EventId(uuid4()),
            occurred_at=clock.now(),
            owner=alice,
            quest_id=quest,
            changes=("due",),
            after=QuestFacts(title="Report", difficulty="easy", due=to),
        )

    created = QuestCreated(
        event_id=EventId(uuid4()),
        occurred_at=clock.now(),
        owner=alice,
        quest_id=quest,
        title="Report",
        difficulty="easy",
        due=due,
    )
    await uc.handle_event(created, uow(), clock, ids)
    for to in (later, due):
        await uc.handle_event(moved(to), uow(), clock, ids)
        async with uow() as reading:
            pending = await reading.schedules.pending_of(alice)
        assert [s.due_at for s in pending] == [
            to - timedelta(days=1),
            to - timedelta(hours=1),
            to,
        ]


async def test_schedule_states_survive_a_round_trip(uow: Uow, clock: FixedClock) -> None:
    alice = _user()
    result = await uc.schedule_notification(
        uc.ScheduleNotification(user=alice, draft=_draft(), due_at=MONDAY + timedelta(hours=2)),
        uow(),
        clock,
        ids,
    )
    assert result.created
    async with uow() as reading:
        [pending] = await reading.schedules.pending_of(alice)
    assert pending.state is ScheduleState.PENDING
    assert pending.due_at == MONDAY + timedelta(hours=2)


def _completed(user: UserId, at: datetime, tz: str) -> QuestCompleted:
    return QuestCompleted(
        event_id=EventId(uuid4()),
        occurred_at=at,
        owner=user,
        quest_id=QuestId(uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=0,
        due=None,
        completed_at=at,
        created_at=at,
        on_time=True,
        owner_timezone=tz,
    )


def _extended(user: UserId, day: date, at: datetime) -> StreakExtended:
    return StreakExtended(
        event_id=EventId(uuid4()), occurred_at=at, owner=user, day=day, length=4, freezes=0
    )


async def test_a_streak_at_risk_is_pointed_out_in_the_evening_unless_a_quest_was_done(
    uow: Uow, clock: FixedClock
) -> None:
    alice, bob = _user(), _user()
    for user in (alice, bob):
        await _register(uow, clock, user, tz="America/New_York")
    # Monday's streak day became final (Tuesday 01:00 New York = 06:00 UTC).
    clock.set(datetime(2026, 3, 3, 6, tzinfo=UTC))
    for user in (alice, bob):
        await uc.handle_event(_extended(user, date(2026, 3, 2), clock.now()), uow(), clock, ids)
    evening = datetime(2026, 3, 4, 1, tzinfo=UTC)  # Tuesday 20:00 EST
    async with uow() as reading:
        [risk] = await reading.schedules.pending_of(alice)
    assert (risk.kind, risk.due_at) == (Kind.STREAK_AT_RISK, evening)
    # Bob completes a quest on Tuesday: his alert is cancelled.
    clock.set(datetime(2026, 3, 3, 15, tzinfo=UTC))
    await uc.handle_event(_completed(bob, clock.now(), "America/New_York"), uow(), clock, ids)
    clock.set(evening)
    assert await uc.dispatch_due(uow(), clock, ids) == 1
    assert [i.notification.kind for i in (await _history(uow, alice)).items] == [
        Kind.STREAK_AT_RISK
    ]
    assert (await _history(uow, bob)).items == []


async def test_a_completion_that_arrives_before_the_streak_day_ends_still_cancels_the_alert(
    uow: Uow, clock: FixedClock
) -> None:
    carol = _user()
    await _register(uow, clock, carol)
    clock.set(datetime(2026, 3, 3, 9, tzinfo=UTC))
    # The completion on Tuesday is handled before Monday's rollover event (events cross).
    await uc.handle_event(_completed(carol, clock.now(), "UTC"), uow(), clock, ids)
    await uc.handle_event(_extended(carol, date(2026, 3, 2), clock.now()), uow(), clock, ids)
    async with uow() as reading:
        assert await reading.schedules.pending_of(carol) == []


async def test_a_disabled_account_gets_no_email_until_enabled_again(
    uow: Uow, clock: FixedClock
) -> None:
    dave = _user()
    await _register(uow, clock, dave)
    admin = UserId(uuid4())
    disabled = UserDisabled(event_id=EventId(uuid4()), occurred_at=MONDAY, owner=dave, by=admin)
    await uc.handle_event(disabled, uow(), clock, ids)
    await uc.send_notification(uc.SendNotification(user=dave, draft=_draft()), uow(), clock, ids)
    assert (await _history(uow, dave)).items[0].deliveries == []
    enabled = UserEnabled(event_id=EventId(uuid4()), occurred_at=MONDAY, owner=dave, by=admin)
    await uc.handle_event(enabled, uow(), clock, ids)
    clock.advance(timedelta(minutes=1))
    await uc.send_notification(uc.SendNotification(user=dave, draft=_draft()), uow(), clock, ids)
    latest = (await _history(uow, dave)).items[0]
    assert [d.channel for d in latest.deliveries] == [Channel.EMAIL]


async def test_an_export_holds_every_notification_of_its_user_in_app_or_not(
    uow: Uow, clock: FixedClock
) -> None:
    alice, bob = _user(), _user()
    await _register(uow, clock, alice)
    await _register(uow, clock, bob)
    email_only = dict(Preferences().channels)
    email_only[Kind.SYSTEM_ANNOUNCEMENT] = frozenset({Channel.EMAIL})
    await uc.set_preferences(alice, Preferences(channels=email_only), uow())
    await uc.send_notification(
        uc.SendNotification(user=alice, draft=_draft(title="By email"), key="a"), uow(), clock, ids
    )
    clock.advance(timedelta(minutes=1))
    await uc.send_notification(
        uc.SendNotification(user=alice, draft=_draft(Kind.AI_SUGGESTION, "In app"), key="b"),
        uow(),
        clock,
        ids,
    )
    await uc.send_notification(
        uc.SendNotification(user=bob, draft=_draft(title="Bob's")), uow(), clock, ids
    )
    await uc.register_device(
        uc.RegisterDevice(user=alice, platform=DevicePlatform.FCM, token="t", label="Pixel"),
        uow(),
        clock,
        ids,
    )
    # the email-only one is not in the in-app history ...
    assert [i.notification.title for i in (await _history(uow, alice)).items] == ["In app"]
    data = await uc.export_notifications(alice, uow())
    # ... but it is Alice's, so her export has it, oldest first, with its delivery
    assert [i.notification.title for i in data.notifications] == ["By email", "In app"]
    assert [i.notification.in_app for i in data.notifications] == [False, True]
    assert [d.channel for d in data.notifications[0].deliveries] == [Channel.EMAIL]
    assert data.notifications[1].deliveries == []
    assert data.recipient is not None
    assert data.recipient.user == alice
    assert data.preferences.channels[Kind.SYSTEM_ANNOUNCEMENT] == {Channel.EMAIL}
    assert [d.label for d in data.devices] == ["Pixel"]
    theirs = await uc.export_notifications(bob, uow())
    assert [i.notification.title for i in theirs.notifications] == ["Bob's"]
    assert theirs.devices == []
    nobody = await uc.export_notifications(_user(), uow())
    assert (nobody.recipient, nobody.notifications, nobody.devices) == (None, [], [])
