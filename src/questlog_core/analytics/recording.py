"""Turning the other services' events into analytics records.

:func:`recorded_from` is the pure rule (which events count, as what kind, with which small
properties: never titles, notes or anything typed; the player's own day);
:func:`record_event` claims the event in the analytics inbox in the same transaction as the
record, so a redelivered event is recorded once. Nothing here runs in a request: the analytics
consumer calls it.

Each record keeps the player's **local day** at its moment, fixed when it is recorded: in the
event's own time zone when it carries one (``QuestCompleted.owner_timezone``), else in the
analytics service's copy of the player's zone (:func:`keep_player_zone`, fed by identity's
``UserRegistered`` / ``ProfileUpdated``), else UTC. A zone change applies to later records
only.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from questlog_core.ai.events import AiFeatureUsed
from questlog_core.analytics.model import Kind, PropertyValue, RecordedEvent, local_day
from questlog_core.analytics.ports import AnalyticsUnitOfWork
from questlog_core.identity.events import ProfileUpdated, UserRegistered
from questlog_core.identity.zone_copy import keep_zone
from questlog_core.kernel.events import DomainEvent
from questlog_core.notifications.events import NotificationsRead
from questlog_core.quests.events import (
    QuestAbandoned,
    QuestArchived,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestReopened,
    QuestStarted,
)

__all__ = [
    "CONSUMER",
    "PROFILE_EVENTS",
    "RECORDED_EVENTS",
    "ZONES_CONSUMER",
    "event_zone",
    "forget_old_records",
    "keep_player_zone",
    "record_event",
    "recorded_from",
]

#: the inbox consumer name of the recording
CONSUMER = "analytics.record"
#: the inbox consumer name of the copy of players' time zones
ZONES_CONSUMER: Final = "analytics.player-zones"

#: the identity events analytics keeps each player's time zone from
PROFILE_EVENTS: tuple[type[DomainEvent], ...] = (UserRegistered, ProfileUpdated)

#: the event types analytics records
RECORDED_EVENTS: tuple[type[DomainEvent], ...] = (
    QuestCreated,
    QuestStarted,
    QuestCompleted,
    QuestReopened,
    QuestAbandoned,
    QuestArchived,
    QuestDeleted,
    AiFeatureUsed,
    NotificationsRead,
)


def _kind_and_properties(event: DomainEvent) -> tuple[Kind, dict[str, PropertyValue]] | None:
    match event:
        case QuestCreated():
            return Kind.QUEST_CREATED, {
                "quest_id": str(event.quest_id),
                "category": event.category,
                "difficulty": event.difficulty,
            }
        case QuestCompleted():
            return Kind.QUEST_COMPLETED, {
                "quest_id": str(event.quest_id),
                "category": event.category,
                "difficulty": event.difficulty,
                "on_time": event.on_time,
            }
        case QuestStarted():
            return Kind.QUEST_STARTED, {"quest_id": str(event.quest_id)}
        case QuestReopened():
            return Kind.QUEST_REOPENED, {"quest_id": str(event.quest_id)}
        case QuestAbandoned():
            return Kind.QUEST_ABANDONED, {"quest_id": str(event.quest_id)}
        case QuestArchived():
            return Kind.QUEST_ARCHIVED, {"quest_id": str(event.quest_id)}
        case QuestDeleted():
            return Kind.QUEST_DELETED, {"quest_id": str(event.quest_id)}
        case AiFeatureUsed():
            return Kind.AI_FEATURE_USED, {"feature": event.feature}
        case NotificationsRead():
            return Kind.NOTIFICATION_OPENED, {"count": event.count}
    return None


def event_zone(event: DomainEvent) -> str | None:
    """The player's time zone ``event`` itself carries (``None``: it carries none)."""
    match event:
        case QuestCompleted():
            return event.owner_timezone or None
    return None


def recorded_from(event: DomainEvent, player_zone: str | None = None) -> RecordedEvent | None:
    """The analytics record of ``event`` (``None`` for an event analytics does not count), its
    local day in the event's own zone, else in ``player_zone``, else UTC."""
    found = _kind_and_properties(event)
    if found is None:
        return None
    kind, properties = found
    return RecordedEvent(
        event_id=event.event_id,
        owner=event.owner,
        kind=kind,
        at=event.occurred_at,
        properties=properties,
        local_day=local_day(event.occurred_at, event_zone(event) or player_zone),
    )


async def forget_old_records(uow: AnalyticsUnitOfWork, today: date, keep_days: int) -> int:
    """Delete the recorded events of UTC days more than ``keep_days`` before ``today`` (the
    retention of product analytics; ``keep_days`` 0 keeps everything); how many went."""
    if keep_days <= 0:
        return 0
    async with uow:
        forgotten = await uow.records.forget_before(today - timedelta(days=keep_days))
        await uow.commit()
    return forgotten


async def record_event(event: DomainEvent, uow: AnalyticsUnitOfWork) -> bool:
    """Record ``event`` once (claimed in the analytics inbox with the record); whether it was
    recorded now (``False``: already seen, or not counted)."""
    if recorded_from(event) is None:
        return False
    async with uow:
        if not await uow.inbox.claim(CONSUMER, event.event_id):
            return False
        zone = event_zone(event)
        if zone is None:
            zone = await uow.player_zones.get(event.owner)
        record = recorded_from(event, zone)
        assert record is not None
        added = await uow.records.add(record)
        await uow.commit()
    return added


async def keep_player_zone(event: DomainEvent, uow: AnalyticsUnitOfWork) -> bool:
    """Keep the player's time zone from a ``UserRegistered`` or ``ProfileUpdated``, at most
    once per event id (claimed in the analytics inbox); whether the stored zone changed."""
    return await keep_zone(event, uow, consumer=ZONES_CONSUMER)
