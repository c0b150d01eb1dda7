"""Steps for features/recurrence.feature."""

from __future__ import annotations

from pytest_bdd import given, parsers, scenarios, then, when

from questlog_core.errors import DomainError
from questlog_core.quests import Quest, Recurrence, RecurrenceMode
from questlog_core.services import quests as svc
from tests.bdd.conftest import QuestWorld

scenarios("recurrence.feature")


@given(parsers.parse('a quest "{title}" due {due} repeating "{rule}"'))
def repeating_quest(world: QuestWorld, title: str, due: str, rule: str) -> None:
    recurrence = Recurrence(rule=rule, timezone=world.timezone)
    world.create(title, due=world.local(due), recurrence=recurrence)


@given(parsers.parse('a quest "{title}" repeating "{rule}" after completion'))
def after_completion_quest(world: QuestWorld, title: str, rule: str) -> None:
    recurrence = Recurrence(
        rule=rule, timezone=world.timezone, mode=RecurrenceMode.AFTER_COMPLETION
    )
    world.create(title, recurrence=recurrence)


@when(parsers.parse('the player reopens "{title}"'))
def reopens(world: QuestWorld, title: str) -> None:
    world.attempt(
        svc.reopen_quest, svc.ReopenQuest(owner=world.player, quest_id=world.quests[title])
    )


@when(parsers.parse('the player creates a quest repeating "{rule}"'))
def creates_repeating(world: QuestWorld, rule: str) -> None:
    world.error = None
    try:
        recurrence = Recurrence(rule=rule, timezone=world.timezone)
        world.create("Bad rule", recurrence=recurrence)
    except DomainError as exc:
        world.error = exc


def occurrences(world: QuestWorld, title: str) -> list[Quest]:
    series = world.quests[title]
    found = [q for q in world.store.quests.values() if (q.series_id or q.id) == series]
    return sorted(found, key=lambda q: q.occurrence)


@then(parsers.parse('the next "{title}" is due {due} local time'))
def next_due(world: QuestWorld, title: str, due: str) -> None:
    assert world.error is None, world.error
    series = occurrences(world, title)
    assert len(series) == 2
    upcoming = series[-1]
    assert upcoming.due is not None
    assert upcoming.due.astimezone(world.zone) == world.local(due)
    assert upcoming.occurrence == 2


@then(parsers.parse('there are {count:d} occurrences of "{title}"'))
def count_occurrences(world: QuestWorld, count: int, title: str) -> None:
    assert [q.occurrence for q in occurrences(world, title)] == list(range(1, count + 1))


@then(parsers.parse('there is no next "{title}"'))
def no_next(world: QuestWorld, title: str) -> None:
    assert world.error is None, world.error
    assert len(occurrences(world, title)) == 1
