"""Steps for features/quick_add.feature: the local quick-add parser, example by example."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from questlog_core.ai.quick_add import QuickAddParse, parse_quick_add

scenarios("quick_add.feature")


@dataclass
class QuickAddWorld:
    timezone: str = "UTC"
    now: datetime | None = None
    parsed: QuickAddParse | None = None

    @property
    def result(self) -> QuickAddParse:
        assert self.parsed is not None
        return self.parsed


@pytest.fixture
def world() -> QuickAddWorld:
    return QuickAddWorld()


@given(parsers.parse('a player in "{timezone}"'))
def player_in(world: QuickAddWorld, timezone: str) -> None:
    world.timezone = timezone


@given(parsers.parse("it is {weekday} {moment} local time"))
def it_is(world: QuickAddWorld, weekday: str, moment: str) -> None:
    world.now = datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo(world.timezone))
    assert world.now.strftime("%A") == weekday  # the background says which day it is


@when(parsers.parse('the player quick-adds "{text}"'))
def quick_adds(world: QuickAddWorld, text: str) -> None:
    assert world.now is not None
    world.parsed = parse_quick_add(text, now=world.now, timezone=world.timezone)


@then(parsers.parse('the title is "{title}"'))
def title_is(world: QuickAddWorld, title: str) -> None:
    assert world.result.title == title.strip()
    assert world.result.complete


@then(parsers.parse("it is due {due}"))
def due_is(world: QuickAddWorld, due: str) -> None:
    if due.strip() == "none":
        assert world.result.due is None
        return
    assert world.result.due is not None
    expected = datetime.fromisoformat(due.strip()).replace(tzinfo=ZoneInfo(world.timezone))
    assert world.result.due == expected
    assert world.result.due.utcoffset() == expected.utcoffset()


@then(parsers.parse("it repeats {rule}"))
def repeats(world: QuickAddWorld, rule: str) -> None:
    if rule.strip() == "never":
        assert world.result.recurrence is None
        return
    assert world.result.recurrence is not None
    assert world.result.recurrence.rule == rule.strip()
    assert world.result.recurrence.timezone == world.timezone


@then(parsers.parse("its priority is {priority:d}"))
def priority_is(world: QuickAddWorld, priority: int) -> None:
    assert world.result.priority == priority


@then(parsers.parse("its tags are {tags}"))
def tags_are(world: QuickAddWorld, tags: str) -> None:
    expected = () if tags.strip() == "none" else tuple(tags.strip().split(","))
    assert world.result.tags == expected


@then(parsers.parse("its estimate is {estimate}"))
def estimate_is(world: QuickAddWorld, estimate: str) -> None:
    expected = None if estimate.strip() == "none" else int(estimate)
    assert world.result.estimate_minutes == expected


@then(parsers.parse("its difficulty is {difficulty}"))
def difficulty_is(world: QuickAddWorld, difficulty: str) -> None:
    assert world.result.difficulty == difficulty.strip()


@then("the parse is flagged incomplete")
def flagged(world: QuickAddWorld) -> None:
    assert not world.result.complete
    assert "tomorrow" in world.result.title
