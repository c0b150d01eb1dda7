"""Who consumes which events: each context's handlers, registered on its message bus.

This is the bootstrap of the worker side (cosmicpython's ``bootstrap.py``): for each consuming
context a :class:`Consumer` names the event types it takes and builds its
:class:`~questlog_core.bus.MessageBus` with the handlers' ports (units of work, clock, ids)
injected from the container. The relay routes an event only to the contexts listed here.

Today: **ai** keeps its read model of every player's quests (what ``/api/v1/ai/*`` ranks and
analyses) from the quest lifecycle events, each applied once through the AI inbox
(:func:`questlog_core.ai.projection.project_quest_event`); **gamification** awards XP when a
quest is completed and takes it back when one is reopened (the use cases in
:mod:`questlog_core.services.gamification`); each claims the event in the gamification inbox in
the same transaction as the ledger entry, and the ledger's unique keys refuse a second award
for one quest occurrence, so a redelivered event changes nothing; **search** keeps its
full-text index of every player's quests from the lifecycle events, each applied once through
the search inbox (:func:`questlog_core.search.projection.index_quest_event`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apps.container import Container
from questlog_core.ai.projection import project_quest_event
from questlog_core.bus import MessageBus
from questlog_core.events import DomainEvent
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
from questlog_core.search.projection import INDEXED_EVENTS, index_quest_event
from questlog_core.services import gamification as game


@dataclass(frozen=True)
class Consumer:
    """A context that consumes events: its name, what it takes, how to build its bus."""

    context: str
    events: tuple[type[DomainEvent], ...]
    bus: Callable[[Container], MessageBus[Any]]


def _gamification_bus(container: Container) -> MessageBus[Any]:
    bus: MessageBus[Any] = MessageBus()
    clock, ids = container.clock(), container.ids()

    async def award_xp(event: QuestCompleted) -> None:
        await game.handle_quest_completed(event, container.game_uow(), clock, ids)

    async def take_back_xp(event: QuestReopened) -> None:
        await game.handle_quest_reopened(event, container.game_uow(), clock, ids)

    bus.subscribe(QuestCompleted, award_xp)
    bus.subscribe(QuestReopened, take_back_xp)
    return bus


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


def _ai_bus(container: Container) -> MessageBus[Any]:
    bus: MessageBus[Any] = MessageBus()

    async def project(event: DomainEvent) -> None:
        await project_quest_event(event, container.ai_uow())

    for event_type in AI_READ_MODEL_EVENTS:
        bus.subscribe(event_type, project)
    return bus


def _search_bus(container: Container) -> MessageBus[Any]:
    bus: MessageBus[Any] = MessageBus()

    async def index(event: DomainEvent) -> None:
        await index_quest_event(event, container.search_uow())

    for event_type in INDEXED_EVENTS:
        bus.subscribe(event_type, index)
    return bus


#: every consuming context, by name
CONSUMERS: dict[str, Consumer] = {
    "ai": Consumer(context="ai", events=AI_READ_MODEL_EVENTS, bus=_ai_bus),
    "gamification": Consumer(
        context="gamification",
        events=(QuestCompleted, QuestReopened),
        bus=_gamification_bus,
    ),
    "search": Consumer(context="search", events=INDEXED_EVENTS, bus=_search_bus),
}


def consumers_of(event_type: str) -> list[Consumer]:
    """The contexts that consume events tagged ``event_type``."""
    return [c for c in CONSUMERS.values() if any(e.type_name() == event_type for e in c.events)]


__all__ = ["CONSUMERS", "Consumer", "consumers_of"]
