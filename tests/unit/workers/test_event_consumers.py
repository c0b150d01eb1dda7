"""A worker's side of the bus: events reach every subscriber, failures make a redelivery, and
the gamification consumer awards XP once however often a completion arrives, the search
consumer indexes a quest once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from apps.container import build_container
from apps.settings import Settings
from apps.workers.actors import routes
from apps.workers.consumers import ANALYTICS, GAMIFICATION, SEARCH
from questlog_core.bus import MessageBus
from questlog_core.events import DomainEvent
from questlog_core.events.gamification import LevelReached, XpAwarded
from questlog_core.events.quests import QuestCompleted, QuestCreated
from questlog_core.ids import EventId, QuestId, UserId


def completion(owner: UserId) -> QuestCompleted:
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    return QuestCompleted(
        event_id=EventId(uuid.uuid4()),
        occurred_at=now,
        owner=owner,
        quest_id=QuestId(uuid.uuid4()),
        occurrence=0,
        difficulty="hard",
        priority=2,
        due=None,
        completed_at=now,
        created_at=now,
        on_time=True,
        owner_timezone="UTC",
    )


async def test_dispatch_runs_every_subscriber_and_then_raises_a_failure() -> None:
    bus: MessageBus[object] = MessageBus()
    seen: list[str] = []

    async def broken(event: QuestCompleted) -> None:
        raise RuntimeError("database went away")

    async def everything(event: DomainEvent) -> None:
        seen.append(event.type_name())

    bus.subscribe(QuestCompleted, broken)
    bus.subscribe(DomainEvent, everything)

    with pytest.raises(RuntimeError, match="database went away"):
        await bus.dispatch(completion(UserId(uuid.uuid4())))
    assert seen == ["quest.completed.v1"]  # the others still ran; the broker retries all
    assert bus.subscribed_types() == [QuestCompleted, DomainEvent]


async def test_a_completion_delivered_twice_awards_xp_once() -> None:
    container = build_container(Settings(database_url="memory://"))
    bus = GAMIFICATION.bus(container)
    owner = UserId(uuid.uuid4())
    event = completion(owner)

    assert await bus.dispatch(event) == 1
    assert await bus.dispatch(event) == 1

    store = container.game_store()
    awards = [e for e in store.state.ledger.get(owner, []) if e.source_event_id == event.event_id]
    assert len(awards) == 1
    assert awards[0].amount > 0


def test_the_relay_routes_only_the_events_someone_consumes() -> None:
    settings = Settings(queue_prefix="q1")
    route = routes(settings)
    # the analytics service counts completions toward experiment exposures
    assert sorted((r.queue_name, r.actor_name) for r in route(QuestCompleted.type_name())) == [
        ("q1_ai", "ai.events"),
        ("q1_analytics", "analytics.events"),
        ("q1_gamification", "gamification.events"),
        ("q1_integrations", "integrations.events"),
        ("q1_notification", "notification.events"),
        ("q1_search", "search.events"),
    ]
    # the AI read model, the search index and the calendar feeds follow every quest's life;
    # the game only completions and reopenings; notifications the due dates (reminders) and
    # what ends a quest (cancelling them); integrations every quest and game event (webhooks
    # and the calendar feeds); analytics records it
    assert sorted((r.queue_name, r.actor_name) for r in route(QuestCreated.type_name())) == [
        ("q1_ai", "ai.events"),
        ("q1_analytics", "analytics.events"),
        ("q1_integrations", "integrations.events"),
        ("q1_notification", "notification.events"),
        ("q1_search", "search.events"),
    ]
    assert sorted((r.queue_name, r.actor_name) for r in route(LevelReached.type_name())) == [
        ("q1_integrations", "integrations.events"),
        ("q1_notification", "notification.events"),
    ]
    assert [(r.queue_name, r.actor_name) for r in route(XpAwarded.type_name())] == [
        ("q1_integrations", "integrations.events")
    ]


async def test_the_analytics_consumer_records_a_completion_once_without_what_was_typed() -> None:
    container = build_container(Settings(database_url="memory://"))
    bus = ANALYTICS.bus(container)
    owner = UserId(uuid.uuid4())
    at = datetime(2026, 12, 6, 12, tzinfo=UTC)
    event = QuestCompleted(
        event_id=EventId(uuid.uuid4()),
        occurred_at=at,
        owner=owner,
        quest_id=QuestId(uuid.uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=0,
        due=None,
        completed_at=at,
        created_at=at,
        on_time=True,
        owner_timezone="UTC",
        category="home",
    )

    # two subscribers: the recording, and the count toward experiment exposures
    assert await bus.dispatch(event) == 2
    assert await bus.dispatch(event) == 2  # redelivered: each claimed in the inbox already

    (record,) = container.analytics_store().events
    assert (record.owner, record.kind, record.at) == (owner, "quest.completed", at)
    assert record.properties["category"] == "home"
    # and the consumer takes what it records, plus the account's deletion
    assert {e.type_name() for e in ANALYTICS.events} >= {
        "quest.completed.v1",
        "ai.feature_used.v1",
        "notification.read.v1",
        "identity.account_deleted.v1",
    }


async def test_the_search_consumer_indexes_a_created_quest_once() -> None:
    container = build_container(Settings(database_url="memory://"))
    bus = SEARCH.bus(container)
    owner = UserId(uuid.uuid4())
    event = QuestCreated(
        event_id=EventId(uuid.uuid4()),
        occurred_at=datetime(2026, 12, 6, 12, tzinfo=UTC),
        owner=owner,
        quest_id=QuestId(uuid.uuid4()),
        title="Tune the piano",
        difficulty="easy",
        notes="call the tuner",
    )

    assert await bus.dispatch(event) == 1
    assert await bus.dispatch(event) == 1

    documents = container.search_store().documents
    assert list(documents) == [(owner, event.quest_id)]
    assert documents[(owner, event.quest_id)].notes == "call the tuner"
