"""Shared BDD fixtures and quest steps.

pytest-bdd never awaits ``async def`` steps, so every step here is a plain function that runs
the async use cases through one :class:`asyncio.Runner` per scenario (the ``runner`` fixture).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from pytest_bdd import given, parsers, then, when

from adapters.memory import FixedClock, InMemoryQuestStore, SequentialIds
from questlog_core.errors import DomainError, ValidationFailed
from questlog_core.ids import QuestId, UserId
from questlog_core.quests import Quest, QuestStatus
from questlog_core.services import quests as svc

T = TypeVar("T")

PLAYER = UserId(UUID(int=1))
RIVAL = UserId(UUID(int=2))


@pytest.fixture
def runner() -> Iterator[asyncio.Runner]:
    """One event loop per scenario, driven from sync steps."""
    with asyncio.Runner() as loop:
        yield loop


@dataclass
class QuestWorld:
    """A player, their quests by title, and what the last action did."""

    runner: asyncio.Runner
    store: InMemoryQuestStore = field(default_factory=InMemoryQuestStore)
    clock: FixedClock = field(
        default_factory=lambda: FixedClock(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
    )
    ids: SequentialIds = field(default_factory=SequentialIds)
    player: UserId = PLAYER
    rival: UserId = RIVAL
    timezone: str = "UTC"
    quests: dict[str, QuestId] = field(default_factory=dict)
    error: DomainError | None = None
    result: Any = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def run(self, use_case: Callable[..., Awaitable[T]], command: Any) -> T:
        """Run a command use case (with clock and ids) on a fresh unit of work."""
        return self.runner.run(use_case(command, self.store.unit_of_work(), self.clock, self.ids))

    def ask(self, query: Callable[..., Awaitable[T]], command: Any) -> T:
        """Run a query use case."""
        return self.runner.run(query(command, self.store.unit_of_work()))

    def attempt(self, use_case: Callable[..., Awaitable[Any]], command: Any) -> None:
        """Run a use case, keeping a domain error for a later Then step."""
        self.error = None
        try:
            self.result = self.run(use_case, command)
        except DomainError as exc:
            self.error = exc

    def create(self, title: str, owner: UserId | None = None, **fields: Any) -> Quest:
        quest = self.run(
            svc.create_quest, svc.CreateQuest(owner=owner or self.player, title=title, **fields)
        )
        self.quests[title] = quest.id
        return quest

    def quest(self, title: str) -> Quest:
        return self.ask(svc.get_quest, svc.GetQuest(owner=self.player, quest_id=self.quests[title]))

    def local(self, text: str) -> datetime:
        """``YYYY-MM-DD HH:MM`` in the player's time zone, as an aware datetime."""
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=self.zone)


@pytest.fixture
def world(runner: asyncio.Runner) -> QuestWorld:
    return QuestWorld(runner)


def titles(text: str) -> list[str]:
    """``"A", "B" and "C"`` -> ``["A", "B", "C"]``."""
    return [
        part.strip().strip('"') for part in text.replace(" and ", ",").split(",") if part.strip()
    ]


# -- shared steps -----------------------------------------------------------------------------


@given(parsers.parse('a player in "{timezone}"'))
def player_in(world: QuestWorld, timezone: str) -> None:
    world.timezone = timezone


@given(parsers.parse("it is {moment} local time"))
def it_is(world: QuestWorld, moment: str) -> None:
    world.clock.set(world.local(moment))


@given(parsers.parse('a quest "{title}"'))
def a_quest(world: QuestWorld, title: str) -> None:
    world.create(title)


@given(parsers.parse("quests {names}"))
def some_quests(world: QuestWorld, names: str) -> None:
    for title in titles(names):
        world.create(title)


@given(parsers.parse('a done quest "{title}"'))
def a_done_quest(world: QuestWorld, title: str) -> None:
    quest = world.create(title)
    world.run(svc.complete_quest, svc.CompleteQuest(owner=world.player, quest_id=quest.id))


@given(parsers.parse('"{before}" must be finished before "{after}"'))
def must_finish_before(world: QuestWorld, before: str, after: str) -> None:
    world.run(
        svc.add_dependency,
        svc.AddDependency(
            owner=world.player,
            prerequisite_id=world.quests[before],
            dependent_id=world.quests[after],
        ),
    )


@given(parsers.parse("{hours:d} hours pass"))
def hours_pass(world: QuestWorld, hours: int) -> None:
    world.clock.advance(timedelta(hours=hours))


@when(parsers.parse('the player completes "{title}"'))
def player_completes(world: QuestWorld, title: str) -> None:
    world.attempt(
        svc.complete_quest,
        svc.CompleteQuest(
            owner=world.player, quest_id=world.quests[title], owner_timezone=world.timezone
        ),
    )


@then(parsers.re(r'"(?P<title>[^"]+)" is (?P<status>todo|active|done|abandoned|archived)$'))
def quest_is(world: QuestWorld, title: str, status: str) -> None:
    assert world.quest(title).status is QuestStatus(status)


@then(parsers.parse('the player is told "{words}"'))
def player_is_told(world: QuestWorld, words: str) -> None:
    assert world.error is not None, "the action succeeded"
    assert words in world.error.detail


@then(parsers.parse("the player is told the {field_name} is invalid"))
def field_is_invalid(world: QuestWorld, field_name: str) -> None:
    assert isinstance(world.error, ValidationFailed), world.error
    assert world.error.field == field_name


@then("the player has no quests")
def no_quests(world: QuestWorld) -> None:
    page = world.ask(svc.list_quests, svc.ListQuests(owner=world.player))
    assert page.items == []
