"""Steps of the game's features (XP, levels, streaks, achievements, leaderboards).

Sync steps drive the async use cases through one ``asyncio.Runner`` per scenario (the
``gamification_runner`` fixture). Each ``test_<feature>.py`` star-imports these steps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from pytest_bdd import given, parsers, then, when
from unit.gamification.world import ALICE, GameWorld

from questlog_core.errors import CheckInWindowClosed, ValidationFailed
from questlog_core.events.gamification import (
    AchievementUnlocked,
    StreakBroken,
    StreakExtended,
    StreakFrozen,
    XpAdjusted,
)
from questlog_core.events.quests import QuestCompleted
from questlog_core.gamification.leaderboards import Board
from questlog_core.gamification.ledger import EntryKind
from questlog_core.gamification.levels import DEFAULT_LEVEL_CURVE
from questlog_core.ids import QuestId, UserId
from questlog_core.services import gamification as game

T = TypeVar("T")

PLAYERS = {"Alice": ALICE, "Bo": UserId(UUID(int=0xB0)), "Chen": UserId(UUID(int=0xC4E))}
#: the scenarios' week: Monday 2024-03-04 .. Sunday 2024-03-10
WEEKDAYS = {
    name: date(2024, 3, 4) + timedelta(days=i)
    for i, name in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    )
}


@dataclass
class GameScene:
    runner: asyncio.Runner
    world: GameWorld = field(default_factory=GameWorld)
    quests: dict[str, QuestId] = field(default_factory=dict)
    last_event: QuestCompleted | None = None
    last_quest: QuestId | None = None
    last_day: date | None = None
    awards: list[int] = field(default_factory=list)
    rollover_days: list[date] = field(default_factory=list)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coro)

    def quest(self, title: str) -> QuestId:
        return self.quests.setdefault(title, self.world.new_quest())

    def at_local(self, day: date, hh: int, mm: int = 0) -> datetime:
        tz = ZoneInfo(self.world.timezone)
        return datetime.combine(day, time(hh, mm), tzinfo=tz).astimezone(UTC)

    def complete(self, **kw: Any) -> game.CompletionOutcome:
        event = self.world.completed(**kw)
        self.last_event, self.last_quest = event, event.quest_id
        outcome = self.run(self.world.complete(event))
        if outcome.award is not None:
            self.awards.append(outcome.award.amount)
        return outcome

    def complete_at(self, moment: datetime, **kw: Any) -> game.CompletionOutcome:
        self.world.clock.set(moment)
        return self.complete(**kw)

    def profile(self, user: UserId = ALICE) -> game.Profile:
        return self.run(self.world.profile(user))


@pytest.fixture
def gamification_runner() -> Iterator[asyncio.Runner]:
    """One event loop per scenario, driven from sync steps."""
    with asyncio.Runner() as loop:
        yield loop


@pytest.fixture
def scene(gamification_runner: asyncio.Runner) -> GameScene:
    return GameScene(runner=gamification_runner)


# -- givens ---------------------------------------------------------------------------------


@given(parsers.parse('Alice plays in "{tz}"'))
def plays_in(scene: GameScene, tz: str) -> None:
    scene.world.timezone = tz


@given(parsers.parse('Alice plays in "{tz}" and her day starts at {hh:d}:{mm:d}'))
def plays_in_with_day_start(scene: GameScene, tz: str, hh: int, mm: int) -> None:
    scene.world.timezone = tz
    scene.world.clock.set(scene.at_local(date(2024, 2, 29), 12))
    scene.run(scene.world.set_time_zone(tz, hh))


@given(parsers.parse("Alice has a {n:d}-day streak"))
def has_streak(scene: GameScene, n: int) -> None:
    for i in range(n, 0, -1):  # the n days before Monday, at noon
        scene.complete_at(scene.at_local(WEEKDAYS["Monday"] - timedelta(days=i), 12))


@given(parsers.parse("these players complete quests this week:"))
def players_complete(scene: GameScene, datatable: list[list[str]]) -> None:
    named: set[str] = set()
    for name, difficulty, when_ in datatable[1:]:
        weekday, clock = when_.split()
        hh, mm = (int(x) for x in clock.split(":"))
        user = PLAYERS[name]
        scene.complete_at(
            scene.at_local(WEEKDAYS[weekday], hh, mm), user=user, difficulty=difficulty
        )
        if name not in named:
            named.add(name)
            w = scene.world
            scene.run(game.set_display_name(user, name, w.uow(), w.clock))


# -- XP -------------------------------------------------------------------------------------


@when(parsers.re(r"Alice completes an? (?P<difficulty>trivial|easy|medium|hard|epic) quest$"))
def completes_difficulty(scene: GameScene, difficulty: str) -> None:
    scene.complete(difficulty=difficulty)


@when(parsers.re(r"(?P<name>Bo|Chen) completes an? (?P<difficulty>\w+) quest$"))
def other_completes(scene: GameScene, name: str, difficulty: str) -> None:
    user = PLAYERS[name]
    scene.complete(user=user, difficulty=difficulty)
    scene.run(game.set_display_name(user, name, scene.world.uow(), scene.world.clock))


@when(parsers.parse("Alice completes a medium quest that was due {due}"))
def completes_with_due(scene: GameScene, due: str) -> None:
    amount, unit, *ago = due.removeprefix("in ").split()
    delta = timedelta(**{unit if unit.endswith("s") else unit + "s": int(amount)})
    now = scene.world.clock.now()
    scene.complete(due=now - delta if ago else now + delta)


@when(parsers.parse("Alice completes a medium quest that unblocks {n:d} other quests"))
def completes_unblocking(scene: GameScene, n: int) -> None:
    scene.complete(unblocked_count=n)


@when("the same completion is delivered again")
def delivered_again(scene: GameScene) -> None:
    assert scene.last_event is not None
    scene.run(scene.world.complete(scene.last_event))


@when(parsers.parse('Alice completes and reopens "{title}" {n:d} times'))
def complete_reopen_cycles(scene: GameScene, title: str, n: int) -> None:
    for _ in range(n):
        scene.complete(quest=scene.quest(title))
        scene.run(scene.world.reopen(scene.quest(title)))


@when(parsers.re(r'Alice completes "(?P<title>[^"]+)"$'))
def completes_titled(scene: GameScene, title: str) -> None:
    scene.complete(quest=scene.quest(title))


@when(parsers.parse('Alice completes "{title}" as an epic quest'))
def completes_titled_epic(scene: GameScene, title: str) -> None:
    scene.complete(quest=scene.quest(title), difficulty="epic")


@when(parsers.parse('Alice completes "{title}" {n:d} days before it is due'))
def completes_early(scene: GameScene, title: str, n: int) -> None:
    scene.complete(quest=scene.quest(title), due=scene.world.clock.now() + timedelta(days=n))


@when(parsers.parse('{n:d} days later Alice reopens "{title}"'))
def reopens_later(scene: GameScene, n: int, title: str) -> None:
    scene.world.clock.advance(timedelta(days=n))
    scene.run(scene.world.reopen(scene.quest(title)))


@when(parsers.parse('Alice reopens "{title}"'))
def reopens(scene: GameScene, title: str) -> None:
    scene.run(scene.world.reopen(scene.quest(title)))


@when(parsers.parse("Alice creates and completes {n:d} trivial quests within seconds"))
def quick_trivial(scene: GameScene, n: int) -> None:
    for _ in range(n):
        now = scene.world.clock.now()
        scene.complete(difficulty="trivial", created_at=now - timedelta(seconds=4))
        scene.world.clock.advance(timedelta(seconds=10))


@when(parsers.parse("Alice completes {n:d} trivial quests during the day"))
def many_trivial(scene: GameScene, n: int) -> None:
    for _ in range(n):
        scene.complete(difficulty="trivial")
        scene.world.clock.advance(timedelta(minutes=20))


@then(parsers.parse("Alice has {xp:d} XP"))
@then(parsers.parse("Alice still has {xp:d} XP"))
def has_xp(scene: GameScene, xp: int) -> None:
    assert scene.world.xp() == xp
    assert scene.profile().total_xp == xp


@then(parsers.parse("her ledger has {n:d} line"))
def ledger_lines(scene: GameScene, n: int) -> None:
    assert len(scene.world.ledger()) == n


@then(parsers.parse("her ledger shows {given_:d} XP awarded and {taken:d} XP taken back"))
def ledger_shows(scene: GameScene, given_: int, taken: int) -> None:
    entries = scene.world.ledger()
    assert [e.amount for e in entries if e.kind is EntryKind.AWARD] == [given_]
    assert [e.amount for e in entries if e.kind is EntryKind.REVERSAL] == [-taken]


@then(parsers.parse("the awards were {amounts}"))
def awards_were(scene: GameScene, amounts: str) -> None:
    expected = [int(a) for a in amounts.replace(" and ", ", ").replace(" XP", "").split(", ")]
    assert scene.awards == expected


# -- levels ---------------------------------------------------------------------------------


@then(parsers.parse("reaching level {level:d} takes {total:d} XP in total"))
def level_total(level: int, total: int) -> None:
    assert DEFAULT_LEVEL_CURVE.total_for(level) == total
    assert DEFAULT_LEVEL_CURVE.level_for(total) == level
    assert DEFAULT_LEVEL_CURVE.level_for(total - 1) == level - 1


@then(parsers.parse("Alice reaches level {level:d}"))
@then(parsers.parse("Alice is level {level:d}"))
def is_level(scene: GameScene, level: int) -> None:
    assert scene.profile().level == level


@then(parsers.parse('Alice can use "{feature}"'))
def can_use(scene: GameScene, feature: str) -> None:
    assert feature in scene.profile().unlocked_features


# -- streaks --------------------------------------------------------------------------------


@when(parsers.re(r"Alice completes a quest at (?P<hh>\d\d):(?P<mm>\d\d) on (?P<weekday>\w+day)$"))
def completes_at(scene: GameScene, hh: str, mm: str, weekday: str) -> None:
    scene.complete_at(scene.at_local(WEEKDAYS[weekday], int(hh), int(mm)))


@when(parsers.parse("Alice completes a quest every day for {n:d} days"))
def every_day(scene: GameScene, n: int) -> None:
    for _ in range(n):
        scene.complete()
        scene.last_day = scene.world.clock.now().date()
        scene.world.clock.advance(timedelta(days=1))


@when(parsers.re(r"Alice completes a quest at noon on (?P<dates>.+)$"))
def completes_on_dates(scene: GameScene, dates: str) -> None:
    for text in dates.replace(" and ", ", ").split(", "):
        day = date.fromisoformat(text)
        scene.complete_at(scene.at_local(day, 12))
        scene.last_day = day


def _roll_over(scene: GameScene) -> None:
    outcome = scene.run(scene.world.roll_over())
    scene.rollover_days.extend(d.day for d in outcome.days)


@when("the last day is final")
def last_day_final(scene: GameScene) -> None:
    assert scene.last_day is not None
    scene.world.clock.set(scene.at_local(scene.last_day + timedelta(days=1), 13))
    _roll_over(scene)


@when("Alice misses a day")
def misses_a_day(scene: GameScene) -> None:
    assert scene.last_day is not None
    scene.world.clock.set(scene.at_local(scene.last_day + timedelta(days=2), 13))
    _roll_over(scene)


@when("Alice checks that quest in for yesterday")
def checks_in(scene: GameScene) -> None:
    assert scene.last_quest is not None
    w = scene.world
    scene.run(game.check_in_yesterday(ALICE, scene.last_quest, 0, w.uow(), w.clock, w.ids))


@when(parsers.parse('Alice moves to "{tz}"'))
def moves_to(scene: GameScene, tz: str) -> None:
    scene.run(scene.world.set_time_zone(tz))


@when("the streak is rolled over twice")
def rolled_over_twice(scene: GameScene) -> None:
    _roll_over(scene)
    _roll_over(scene)


@then(parsers.parse("the completion counts for {weekday}"))
def counts_for(scene: GameScene, weekday: str) -> None:
    assert scene.last_quest is not None
    player = scene.world.store.state.players[ALICE]
    assert player.streak.credited_day(f"{scene.last_quest}:0") == WEEKDAYS[weekday]


@then(parsers.parse("her streak is {n:d} days"))
def streak_is(scene: GameScene, n: int) -> None:
    assert scene.profile().streak == n


@then(parsers.parse("Alice has received {xp:d} XP in streak bonuses"))
def streak_bonuses(scene: GameScene, xp: int) -> None:
    bonuses = [e.amount for e in scene.world.events(XpAdjusted) if e.kind == "streak_bonus"]
    assert sum(bonuses) == xp


@then("a freeze covered the missed day")
def freeze_covered(scene: GameScene) -> None:
    assert scene.last_day is not None
    frozen = scene.world.events(StreakFrozen)
    assert [e.day for e in frozen] == [scene.last_day + timedelta(days=1)]


@then(parsers.parse("Alice is told her {n:d}-day streak broke"))
def told_broke(scene: GameScene, n: int) -> None:
    assert [e.length_before for e in scene.world.events(StreakBroken)] == [n]


@then("Alice cannot check that quest in for yesterday")
def cannot_check_in(scene: GameScene) -> None:
    assert scene.last_quest is not None
    w = scene.world
    with pytest.raises(CheckInWindowClosed):
        scene.run(game.check_in_yesterday(ALICE, scene.last_quest, 0, w.uow(), w.clock, w.ids))


def _judged_days(scene: GameScene) -> list[date]:
    kinds = (StreakExtended, StreakFrozen, StreakBroken)
    return [e.day for e in scene.world.store.outbox if isinstance(e, kinds)]


@then("each of those days was judged once")
def judged_once(scene: GameScene) -> None:
    assert _judged_days(scene) == [date(2024, 3, 9), date(2024, 3, 10), date(2024, 3, 11)]


@then("each day was judged at most once")
def judged_at_most_once(scene: GameScene) -> None:
    days = _judged_days(scene)
    assert days
    assert len(days) == len(set(days))


# -- achievements ---------------------------------------------------------------------------


@when(parsers.parse("Alice finishes {what}"))
def finishes(scene: GameScene, what: str) -> None:
    berlin_monday = WEEKDAYS["Monday"]
    if what == "her first quest":
        scene.complete()
    elif what.endswith(" hard quests"):
        for _ in range(int(what.split()[0])):
            scene.complete(difficulty="hard")
            scene.world.clock.advance(timedelta(minutes=30))
    elif what.startswith("a quest at "):
        hh, mm = (int(x) for x in what.removeprefix("a quest at ").split(":"))
        scene.complete_at(scene.at_local(berlin_monday, hh, mm))
    elif what == "the last quest of a chain of 5":
        scene.complete(chain_length=5)
    elif what == "a quest that unblocks 3 others":
        scene.complete(unblocked_count=3)
    elif what == "an epic quest":
        scene.complete(difficulty="epic")
    else:
        raise AssertionError(f"no such step phrase: {what}")


def _unlocked(scene: GameScene) -> list[str]:
    return [e.title for e in scene.world.events(AchievementUnlocked)]


@then(parsers.parse('Alice unlocks "{title}"'))
@then(parsers.parse('Alice still has "{title}"'))
def unlocks(scene: GameScene, title: str) -> None:
    assert title in _unlocked(scene)
    statuses = scene.run(game.get_achievements(ALICE, scene.world.uow()))
    assert any(s.title == title and s.unlocked_at is not None for s in statuses)


@then(parsers.parse('Alice unlocked "{title}" once'))
def unlocked_once(scene: GameScene, title: str) -> None:
    assert _unlocked(scene).count(title) == 1


@then(parsers.parse('her progress toward "{title}" is {progress:d} of {target:d}'))
def progress_toward(scene: GameScene, title: str, progress: int, target: int) -> None:
    statuses = scene.run(game.get_achievements(ALICE, scene.world.uow()))
    status = next(s for s in statuses if s.title == title)
    assert (status.progress, status.target) == (progress, target)


@then(parsers.parse("at least {n:d} achievements are available"))
def enough_achievements(n: int) -> None:
    assert len(game.DEFAULT_RULES.achievements.achievements) >= n


# -- leaderboards ---------------------------------------------------------------------------


@when("a week passes")
def a_week_passes(scene: GameScene) -> None:
    scene.world.clock.advance(timedelta(days=7))


@when("Alice opts out of leaderboards")
def opts_out(scene: GameScene) -> None:
    w = scene.world
    scene.run(game.set_leaderboard_opt_out(ALICE, True, w.uow(), w.clock, w.ids))


@then(parsers.parse("the {board} board is:"))
def board_is(scene: GameScene, board: str, datatable: list[list[str]]) -> None:
    which = Board.WEEKLY if board == "weekly" else Board.ALL_TIME
    rows = scene.run(scene.world.board(which))
    assert [[str(r.rank), r.display_name, str(r.xp)] for r in rows] == datatable[1:]


@then(parsers.parse('Alice cannot take "{name}" as her display name'))
def cannot_take_name(scene: GameScene, name: str) -> None:
    w = scene.world
    with pytest.raises(ValidationFailed):
        scene.run(game.set_display_name(ALICE, name, w.uow(), w.clock))


@then('no board row contains an "@"')
def no_email(scene: GameScene) -> None:
    for board in Board:
        for row in scene.run(scene.world.board(board)):
            assert "@" not in row.display_name
            assert set(row.__struct_fields__) == {"rank", "user", "display_name", "xp"}
