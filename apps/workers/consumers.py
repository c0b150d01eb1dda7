"""Who consumes which events: each context's handlers, registered on its message bus.

This is the bootstrap of the worker side (cosmicpython's ``bootstrap.py``): for each consuming
context a :class:`Consumer` names the event types it takes and builds its
:class:`~questlog_core.bus.MessageBus` with the handlers' ports (units of work, clock, ids)
injected from the container. Each service's entry in the registry (:mod:`apps.services`) names
its consumer; the relay routes an event only to the consumers the registry lists.

Today: **ai** keeps its read model of every player's quests (what ``/api/v1/ai/*`` ranks and
analyses) from the quest lifecycle events, each applied once through the AI inbox
(:func:`questlog_core.ai.projection.project_quest_event`), and each player's time zone from
identity's ``UserRegistered`` / ``ProfileUpdated`` (:mod:`questlog_core.ai.zones`);
**gamification** awards XP when a
quest is completed and takes it back when one is reopened (the use cases in
:mod:`questlog_core.services.gamification`); each claims the event in the gamification inbox in
the same transaction as the ledger entry, and the ledger's unique keys refuse a second award
for one quest occurrence, so a redelivered event changes nothing. The game also follows the
identity events ``UserRegistered`` and ``ProfileUpdated`` (display name, time zone, day start:
:func:`questlog_core.gamification.use_cases.handle_identity_profile`), deduplicated by the same
inbox. **notification** learns each user's address and time zone from identity events, turns
level-ups and unlocks into notifications, and schedules reminders, deadline and streak alerts
from quest and game events (:func:`questlog_core.notifications.use_cases.handle_event`, each
claimed in its inbox).
**search** keeps its full-text index of every player's quests from the lifecycle events,
each applied once through the search inbox
(:func:`questlog_core.search.projection.index_quest_event`).
**integrations** queues one webhook delivery per endpoint of the owner that wants the event's
kind, in the transaction that claims the event in its inbox
(:func:`questlog_core.integrations.use_cases.queue_deliveries`; the webhook sender,
:mod:`apps.workers.webhooks`, sends them), and keeps the calendar feeds' copy of every quest
and each player's time zone from the quest lifecycle and identity profile events, each applied
once through its own inbox name
(:func:`questlog_core.integrations.calendar.projection.project_calendar_event`).
**analytics** records product events (the quest lifecycle, AI features used, notifications
opened) as its own rows, each once through the analytics inbox
(:func:`questlog_core.analytics.recording.record_event`), each on the player's own day in
their time zone, kept from identity's ``UserRegistered`` / ``ProfileUpdated``
(:func:`questlog_core.analytics.recording.keep_player_zone`): requests never write them; and counts
each completed quest toward the experiment exposures of its owner whose window holds it
(:func:`questlog_core.analytics.experiments.use_cases.count_completion`, its own inbox name).

**Every** service consumes ``AccountDeleted`` (:func:`erasure_of`): it deletes the deleted
account's rows in its own tables, claimed in its own inbox (``questlog_core.moving.erasure``).
A new service adds ``erasure_of("<service>", bus, container)`` to its bus (or a
``Consumer`` with :func:`_erasure_bus`) and its tables to ``adapters.sql.erasure``.

:func:`erasure_of` also puts the **late-event guard** on the bus, so every consumer has it:
an event about an account the service erased (it arrived after ``AccountDeleted``: it waited
in a queue, was redelivered, or was relayed late from another service's outbox) is dropped
before any handler runs, logged at info and counted in :data:`DROPPED_LATE_EVENTS`; and after
the handlers the service's rows of the owner are erased again if the erasure committed while
they ran (:func:`questlog_core.moving.erasure.unless_erased`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from questlog_core.ai.projection import project_quest_event
from questlog_core.ai.zones import project_identity_event
from questlog_core.analytics.experiments.use_cases import count_completion
from questlog_core.analytics.recording import (
    PROFILE_EVENTS as ANALYTICS_PROFILE_EVENTS,
)
from questlog_core.analytics.recording import (
    RECORDED_EVENTS,
    keep_player_zone,
    record_event,
)
from questlog_core.bus import MessageBus
from questlog_core.events import DomainEvent
from questlog_core.events.identity import AccountDeleted, ProfileUpdated, UserRegistered
from questlog_core.events.quests import (
    DependencyAdded,
    DependencyRemoved,
    QuestAbandoned,
    QuestArchived,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestProgressed,
    QuestReopened,
    QuestStarted,
    QuestUpdated,
)
from questlog_core.integrations.calendar.projection import (
    CALENDAR_EVENTS,
    project_calendar_event,
)
from questlog_core.integrations.use_cases import queue_deliveries, webhook_event_classes
from questlog_core.moving.erasure import Dispatch, erase_account, unless_erased
from questlog_core.notifications import use_cases as notifications
from questlog_core.search.projection import INDEXED_EVENTS, index_quest_event
from questlog_core.services import gamification as game

if TYPE_CHECKING:
    from apps.container import Container


@dataclass(frozen=True)
class Consumer:
    """A context that consumes events: its name, what it takes, how to build its bus."""

    context: str
    events: tuple[type[DomainEvent], ...]
    bus: Callable[[Container], MessageBus[Any]]


#: events dropped by the late-event guard in this process, by (service, event type)
DROPPED_LATE_EVENTS: Counter[tuple[str, str]] = Counter()


def erasure_of(service: str, bus: MessageBus[Any], container: Container) -> MessageBus[Any]:
    """Subscribe ``service``'s erasure of a deleted account (its own tables, claimed in its own
    inbox) on ``bus``: the one handler each service adds for ``AccountDeleted``; and guard the
    bus against late events about an account the service erased."""
    from adapters.sql.erasure import SqlErasedAccounts, SqlErasureUnitOfWork

    def count(event: DomainEvent) -> None:
        DROPPED_LATE_EVENTS[(service, event.type_name())] += 1

    readers: dict[object, SqlErasedAccounts] = {}  # one per engine, built once

    async def guard(event: DomainEvent, dispatch: Dispatch) -> int:
        engine = container.engine()
        if engine is None:
            return await dispatch()  # memory:// has no event flow and keeps no tombstones
        erased = readers.get(engine)
        if erased is None:
            erased = readers[engine] = SqlErasedAccounts(service, engine)
        return await unless_erased(event, erased, dispatch, count)

    async def erase(event: AccountDeleted) -> None:
        engine = container.engine()
        if engine is None:
            return  # memory:// has no event flow; nothing arrives here
        uow = SqlErasureUnitOfWork.of(service, engine, container.clock())
        # the quest service's rows point at attachment files: those go too
        files = container.file_storage() if service == "quest" else None
        await erase_account(event, uow, f"{service}.erasure", files)

    bus.subscribe(AccountDeleted, erase)
    bus.guard(guard)
    return bus


def _erasure_bus(service: str) -> Callable[[Container], MessageBus[Any]]:
    """A bus doing nothing but ``service``'s erasure (services that consume nothing else)."""
    return lambda container: erasure_of(service, MessageBus(), container)


def _gamification_bus(container: Container) -> MessageBus[Any]:
    bus: MessageBus[Any] = MessageBus()
    erasure_of("gamification", bus, container)
    clock, ids = container.clock(), container.ids()

    async def award_xp(event: QuestCompleted) -> None:
        await game.handle_quest_completed(event, container.game_uow(), clock, ids)

    async def take_back_xp(event: QuestReopened) -> None:
        await game.handle_quest_reopened(event, container.game_uow(), clock, ids)

    async def follow_profile(event: UserRegistered | ProfileUpdated) -> None:
        await game.handle_identity_profile(event, container.game_uow(), clock, ids)

    bus.subscribe(QuestCompleted, award_xp)
    bus.subscribe(QuestReopened, take_back_xp)
    bus.subscribe(UserRegistered, follow_profile)
    bus.subscribe(ProfileUpdated, follow_profile)
    return bus


#: what the game consumes: quest completions and reopens, the account's name and zone
GAMIFICATION_EVENTS: tuple[type[DomainEvent], ...] = (
    QuestCompleted,
    QuestReopened,
    UserRegistered,
    ProfileUpdated,
)


#: the quest events the AI service's read model follows
AI_READ_MODEL_EVENTS: tuple[type[DomainEvent], ...] = (
    QuestCreated,
    QuestUpdated,
    QuestStarted,
    QuestProgressed,
    QuestCompleted,
    QuestReopened,
    QuestAbandoned,
    QuestArchived,
    QuestDeleted,
    DependencyAdded,
    DependencyRemoved,
)


#: the identity events the AI service keeps each player's time zone from
AI_PROFILE_EVENTS: tuple[type[DomainEvent], ...] = (UserRegistered, ProfileUpdated)


def _ai_bus(container: Container) -> MessageBus[Any]:
    bus: MessageBus[Any] = MessageBus()
    erasure_of("ai", bus, container)

    async def project(event: DomainEvent) -> None:
        await project_quest_event(event, container.ai_uow())

    async def keep_zone(event: DomainEvent) -> None:
        await project_identity_event(event, container.ai_uow())

    for event_type in AI_READ_MODEL_EVENTS:
        bus.subscribe(event_type, project)
    for event_type in AI_PROFILE_EVENTS:
        bus.subscribe(event_type, keep_zone)
    return bus


def _notification_bus(container: Container) -> MessageBus[Any]:
    bus: MessageBus[Any] = MessageBus()
    erasure_of("notification", bus, container)
    clock, ids = container.clock(), container.ids()

    async def notify(event: DomainEvent) -> None:
        await notifications.handle_event(event, container.notification_uow(), clock, ids)

    for event_type in notifications.CONSUMED:
        bus.subscribe(event_type, notify)
    return bus


def _search_bus(container: Container) -> MessageBus[Any]:
    bus: MessageBus[Any] = MessageBus()
    erasure_of("search", bus, container)

    async def index(event: DomainEvent) -> None:
        await index_quest_event(event, container.search_uow())

    for event_type in INDEXED_EVENTS:
        bus.subscribe(event_type, index)
    return bus


#: the events webhooks can be sent for: every quest and game event
WEBHOOK_EVENTS: tuple[type[DomainEvent], ...] = webhook_event_classes()


def _integrations_bus(container: Container) -> MessageBus[Any]:
    bus: MessageBus[Any] = MessageBus()
    erasure_of("integrations", bus, container)
    clock, ids = container.clock(), container.ids()

    async def queue(event: DomainEvent) -> None:
        await queue_deliveries(event, container.integrations_uow(), clock, ids)

    async def follow(event: DomainEvent) -> None:
        await project_calendar_event(event, container.calendar_uow())

    for event_type in WEBHOOK_EVENTS:
        bus.subscribe(event_type, queue)
    for event_type in CALENDAR_EVENTS:
        bus.subscribe(event_type, follow)
    return bus


#: the AI service's consumer: its read model of quests, each player's time zone, and erasing
#: a deleted account's rows
AI = Consumer(
    context="ai",
    events=(*AI_READ_MODEL_EVENTS, *AI_PROFILE_EVENTS, AccountDeleted),
    bus=_ai_bus,
)
#: the gamification service's consumer: XP for completed quests, taken back on reopening;
#: the account's name and zone
GAMIFICATION = Consumer(
    context="gamification",
    events=(*GAMIFICATION_EVENTS, AccountDeleted),
    bus=_gamification_bus,
)
#: the quest service's consumer: erasing a deleted account's quests and attachment files
QUEST = Consumer(context="quest", events=(AccountDeleted,), bus=_erasure_bus("quest"))
#: the notification service's consumer: identity, quest and game events turned into
#: notifications and schedules, and erasing a deleted account's rows
NOTIFICATION = Consumer(
    context="notification",
    events=(*notifications.CONSUMED, AccountDeleted),
    bus=_notification_bus,
)
#: the auth service's consumer: erasing the account itself. It deletes the auth outbox rows
#: of the account, the AccountDeleted row among them, so it is handed the event last (see
#: :func:`consumers_of`).
AUTH = Consumer(context="auth", events=(AccountDeleted,), bus=_erasure_bus("auth"))
#: the search service's consumer: its full-text index of quests, and erasing a deleted
#: account's rows (its index entries and logged queries)
SEARCH = Consumer(context="search", events=(*INDEXED_EVENTS, AccountDeleted), bus=_search_bus)
#: the integrations service's consumer: quest and game events queued as webhook deliveries
#: for the owner's endpoints that want them, the calendar's copy of each quest and each
#: owner's time zone, and erasing a deleted account's rows
INTEGRATIONS = Consumer(
    context="integrations",
    events=tuple(dict.fromkeys((*WEBHOOK_EVENTS, *CALENDAR_EVENTS, AccountDeleted))),
    bus=_integrations_bus,
)


def _analytics_bus(container: Container) -> MessageBus[Any]:
    bus: MessageBus[Any] = MessageBus()
    erasure_of("analytics", bus, container)

    async def record(event: DomainEvent) -> None:
        await record_event(event, container.analytics_uow())

    async def count_toward_experiments(event: QuestCompleted) -> None:
        await count_completion(event, container.experiment_uow())

    async def keep_zone(event: DomainEvent) -> None:
        await keep_player_zone(event, container.analytics_uow())

    for event_type in RECORDED_EVENTS:
        bus.subscribe(event_type, record)
    for event_type in ANALYTICS_PROFILE_EVENTS:
        bus.subscribe(event_type, keep_zone)
    bus.subscribe(QuestCompleted, count_toward_experiments)
    return bus


#: the analytics service's consumer: product events (quest lifecycle, AI feature use,
#: notifications opened) recorded in its own tables, each player's time zone (their records'
#: local days), completions counted toward experiment exposures, and erasing a deleted
#: account's records, zone and exposures
ANALYTICS = Consumer(
    context="analytics",
    events=tuple(
        dict.fromkeys((*RECORDED_EVENTS, *ANALYTICS_PROFILE_EVENTS, QuestCompleted, AccountDeleted))
    ),
    bus=_analytics_bus,
)


def consumers_of(event_type: str) -> list[Consumer]:
    """The consumers (of every service in the registry) that take events tagged
    ``event_type``."""
    from apps.services import SERVICES, consumers

    taking = [
        (name, c)
        for name, c in consumers().items()
        if any(e.type_name() == event_type for e in c.events)
    ]
    # The publisher's own consumer goes last: it may erase the very outbox row being relayed
    # (the auth service deleting an account's rows), which must not happen before the others
    # have been handed the event.
    publishers = {
        s.name
        for s in SERVICES
        for c in taking
        if s.name == c[0]
        and any(e.type_name() == event_type and e.__module__ in s.publishes for e in c[1].events)
    }
    return [c for name, c in sorted(taking, key=lambda item: item[0] in publishers)]


__all__ = [
    "AI",
    "ANALYTICS",
    "AUTH",
    "DROPPED_LATE_EVENTS",
    "GAMIFICATION",
    "GAMIFICATION_EVENTS",
    "INTEGRATIONS",
    "NOTIFICATION",
    "QUEST",
    "SEARCH",
    "Consumer",
    "consumers_of",
]
