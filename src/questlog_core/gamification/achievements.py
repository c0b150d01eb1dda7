"""Achievements: declarative rules over counters fed by completions, streaks and levels.

A *counter* turns facts into numbers: ``count`` counters add up what each completion
contributes (``hard_quests`` +1 for a hard or epic quest), ``max`` counters keep the highest
value seen (``longest_chain``, ``streak_days``, ``level``). An :class:`Achievement` is a
counter and a target; progress is the counter's value toward the target.

Each achievement unlocks **exactly once per player**. Reversal choice: when a completion is
reopened, the ``count`` contributions it made are subtracted exactly (so it never counts
toward a later achievement), but an achievement already unlocked **stays unlocked** — it
awards no XP, its celebration has been delivered, and "exactly once" stays literally true.
``max`` counters record the best ever reached and are not lowered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import msgspec


class CounterKind(StrEnum):
    COUNT = "count"  # sum of contributions; reversible
    MAX = "max"  # highest value seen; never lowered


class CompletionFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A completion as achievements see it (times already in the player's local zone)."""

    difficulty: str
    priority: int
    local_time: datetime  # wall clock in the player's zone
    local_date: date  # the player's local day (day-start hour applied)
    on_time: bool
    early: bool
    chain_length: int
    unblocked_count: int
    completed_today: int  # including this one
    category: str | None = None


@dataclass(frozen=True)
class Counter:
    """A named number an achievement watches."""

    name: str
    kind: CounterKind
    #: what one completion contributes (count) or the value it reaches (max); ``None`` = n/a
    from_completion: Callable[[CompletionFacts], int] | None = None


@dataclass(frozen=True)
class Achievement:
    """Reach ``target`` on ``counter``."""

    key: str
    title: str
    description: str
    counter: str
    target: int


def _one_if(pred: Callable[[CompletionFacts], bool]) -> Callable[[CompletionFacts], int]:
    return lambda f: 1 if pred(f) else 0


BUILTIN_COUNTERS: tuple[Counter, ...] = (
    Counter("quests_completed", CounterKind.COUNT, lambda f: 1),
    Counter("hard_quests", CounterKind.COUNT, _one_if(lambda f: f.difficulty in ("hard", "epic"))),
    Counter("epic_quests", CounterKind.COUNT, _one_if(lambda f: f.difficulty == "epic")),
    Counter("on_time_quests", CounterKind.COUNT, _one_if(lambda f: f.on_time)),
    Counter("early_quests", CounterKind.COUNT, _one_if(lambda f: f.early)),
    Counter("critical_quests", CounterKind.COUNT, _one_if(lambda f: f.priority >= 4)),
    Counter("before_8am", CounterKind.COUNT, _one_if(lambda f: f.local_time.hour < 8)),
    Counter("after_midnight", CounterKind.COUNT, _one_if(lambda f: f.local_time.hour < 4)),
    Counter("weekend_quests", CounterKind.COUNT, _one_if(lambda f: f.local_time.isoweekday() >= 6)),
    Counter("longest_chain", CounterKind.MAX, lambda f: f.chain_length),
    Counter("most_unblocked", CounterKind.MAX, lambda f: f.unblocked_count),
    Counter("busiest_day", CounterKind.MAX, lambda f: f.completed_today),
    Counter("streak_days", CounterKind.MAX),
    Counter("level", CounterKind.MAX),
)


def _a(key: str, title: str, description: str, counter: str, target: int) -> Achievement:
    return Achievement(key, title, description, counter, target)


BUILTIN_ACHIEVEMENTS: tuple[Achievement, ...] = (
    _a("first-quest", "First Steps", "Complete your first quest", "quests_completed", 1),
    _a("ten-quests", "Adventurer", "Complete 10 quests", "quests_completed", 10),
    _a("hundred-quests", "Veteran", "Complete 100 quests", "quests_completed", 100),
    _a("thousand-quests", "Legend", "Complete 1,000 quests", "quests_completed", 1000),
    _a("hard-10", "Tough Cookie", "Complete 10 hard quests", "hard_quests", 10),
    _a("epic-1", "Epic Win", "Complete an epic quest", "epic_quests", 1),
    _a("epic-10", "Saga Writer", "Complete 10 epic quests", "epic_quests", 10),
    _a("on-time-25", "Punctual", "Complete 25 quests by their due date", "on_time_quests", 25),
    _a("early-10", "Ahead of Time", "Finish 10 quests a day or more early", "early_quests", 10),
    _a("critical-10", "Firefighter", "Complete 10 critical quests", "critical_quests", 10),
    _a("early-bird", "Early Bird", "Complete a quest before 08:00 local time", "before_8am", 1),
    _a(
        "night-owl", "Night Owl", "Complete a quest between midnight and 04:00", "after_midnight", 1
    ),
    _a("weekend-10", "Weekend Warrior", "Complete 10 quests on weekends", "weekend_quests", 10),
    _a("chain-5", "Chain Reaction", "Finish a chain of 5 dependent quests", "longest_chain", 5),
    _a("chain-10", "Domino Master", "Finish a chain of 10 dependent quests", "longest_chain", 10),
    _a("unblocker", "Unblocker", "Complete a quest that unblocks 3 others", "most_unblocked", 3),
    _a("busy-day", "Productive Day", "Complete 10 quests in one day", "busiest_day", 10),
    _a("streak-3", "On a Roll", "Reach a 3-day streak", "streak_days", 3),
    _a("streak-7", "Week Warrior", "Reach a 7-day streak", "streak_days", 7),
    _a("streak-30", "Monthly Habit", "Reach a 30-day streak", "streak_days", 30),
    _a("streak-100", "Unstoppable", "Reach a 100-day streak", "streak_days", 100),
    _a("level-5", "Rising Star", "Reach level 5", "level", 5),
    _a("level-10", "Seasoned", "Reach level 10", "level", 10),
    _a("level-25", "Master", "Reach level 25", "level", 25),
)


class AchievementProgress(msgspec.Struct, kw_only=True):
    """One player's counters, unlocks and the contributions each completion made."""

    counters: dict[str, int] = msgspec.field(default_factory=dict)
    unlocked: dict[str, datetime] = msgspec.field(default_factory=dict)
    #: per completion credit (``"<quest_id>:<occurrence>"``): what it added to count counters
    contributions: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)


class AchievementStatus(msgspec.Struct, frozen=True, kw_only=True):
    """An achievement as a player sees it."""

    key: str
    title: str
    description: str
    progress: int
    target: int
    unlocked_at: datetime | None


@dataclass(frozen=True)
class AchievementBook:
    """The counters and achievements in play (a deployment may add its own)."""

    counters: tuple[Counter, ...] = BUILTIN_COUNTERS
    achievements: tuple[Achievement, ...] = BUILTIN_ACHIEVEMENTS

    def __post_init__(self) -> None:
        names = {c.name for c in self.counters}
        keys = [a.key for a in self.achievements]
        if len(keys) != len(set(keys)):
            raise ValueError("achievement keys must be unique")
        unknown = [a.key for a in self.achievements if a.counter not in names]
        if unknown:
            raise ValueError(f"achievements watch unknown counters: {unknown}")

    def _counter(self, name: str) -> Counter:
        for c in self.counters:
            if c.name == name:
                return c
        raise KeyError(name)

    def record_completion(
        self, progress: AchievementProgress, credit: str, facts: CompletionFacts, at: datetime
    ) -> list[Achievement]:
        """Apply one completion; returns the achievements it unlocked. Idempotent per credit."""
        if credit in progress.contributions:
            return []
        added: dict[str, int] = {}
        for c in self.counters:
            if c.from_completion is None:
                continue
            value = c.from_completion(facts)
            if c.kind is CounterKind.COUNT:
                if value:
                    progress.counters[c.name] = progress.counters.get(c.name, 0) + value
                    added[c.name] = value
            elif value > progress.counters.get(c.name, 0):
                progress.counters[c.name] = value
        progress.contributions[credit] = added
        return self._unlock(progress, at)

    def reverse_completion(self, progress: AchievementProgress, credit: str) -> bool:
        """Subtract exactly what a completion added; unlocks stay. False if it added nothing."""
        added = progress.contributions.pop(credit, None)
        if added is None:
            return False
        for name, value in added.items():
            progress.counters[name] = max(progress.counters.get(name, 0) - value, 0)
        return True

    def observe(
        self, progress: AchievementProgress, values: Mapping[str, int], at: datetime
    ) -> list[Achievement]:
        """Raise ``max`` counters (streak, level) to ``values``; returns new unlocks."""
        for name, value in values.items():
            if self._counter(name).kind is CounterKind.MAX:
                progress.counters[name] = max(progress.counters.get(name, 0), value)
        return self._unlock(progress, at)

    def _unlock(self, progress: AchievementProgress, at: datetime) -> list[Achievement]:
        new: list[Achievement] = []
        for a in self.achievements:
            if a.key not in progress.unlocked and progress.counters.get(a.counter, 0) >= a.target:
                progress.unlocked[a.key] = at
                new.append(a)
        return new

    def statuses(self, progress: AchievementProgress) -> list[AchievementStatus]:
        """Every achievement with the player's progress toward it."""
        return [
            AchievementStatus(
                key=a.key,
                title=a.title,
                description=a.description,
                progress=min(progress.counters.get(a.counter, 0), a.target),
                target=a.target,
                unlocked_at=progress.unlocked.get(a.key),
            )
            for a in self.achievements
        ]

    def by_key(self, key: str) -> Achievement:
        for a in self.achievements:
            if a.key == key:
                return a
        raise KeyError(key)

    def keys(self) -> Iterable[str]:
        return (a.key for a in self.achievements)


DEFAULT_ACHIEVEMENT_BOOK = AchievementBook()

__all__ = [
    "BUILTIN_ACHIEVEMENTS",
    "BUILTIN_COUNTERS",
    "DEFAULT_ACHIEVEMENT_BOOK",
    "Achievement",
    "AchievementBook",
    "AchievementProgress",
    "AchievementStatus",
    "CompletionFacts",
    "Counter",
    "CounterKind",
]
