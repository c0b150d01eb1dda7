"""The streak as a state machine: complete, reopen, change time zone, cross DST and roll over
twice at once, in any order. Invariants: each local day is finalized at most once and the
finalized days never go backwards, the streak is never negative, freezes stay within their
cap, and a freeze is spent at most once per missed day (never on a day that counted).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from unit.gamification.world import ALICE, GameWorld

from adapters.memory.gamification import InMemoryGamificationUnitOfWork
from questlog_core.errors import ConcurrencyConflict
from questlog_core.events.gamification import StreakBroken, StreakExtended, StreakFrozen
from questlog_core.ids import QuestId
from questlog_core.services import gamification as game

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Pacific/Kiritimati",  # UTC+14
    "Pacific/Pago_Pago",  # UTC-11
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Asia/Kolkata",
]

#: DST transitions (UTC) in spring 2024 across the zones above
DST_MOMENTS = [
    datetime(2024, 3, 10, 7, tzinfo=UTC),  # New York springs forward
    datetime(2024, 3, 31, 1, tzinfo=UTC),  # Berlin springs forward
    datetime(2024, 4, 6, 15, tzinfo=UTC),  # Lord Howe falls back half an hour
]


class YieldingUnitOfWork(InMemoryGamificationUnitOfWork):
    """Yields to the event loop on entry and before commit, so two rollovers interleave."""

    async def __aenter__(self) -> YieldingUnitOfWork:
        await super().__aenter__()
        await asyncio.sleep(0)
        return self

    async def commit(self) -> None:
        await asyncio.sleep(0)
        await super().commit()


class StreakMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.w = GameWorld(start=datetime(2024, 3, 7, 20, tzinfo=UTC))
        self.runner = asyncio.Runner()
        self.open_quests: list[QuestId] = []
        self.last_evaluated: date | None = None
        self.started = False

    def teardown(self) -> None:
        self.runner.close()

    def run(self, coro: object) -> object:
        return self.runner.run(coro)  # type: ignore[arg-type]

    @rule(difficulty=st.sampled_from(["easy", "hard"]))
    def complete(self, difficulty: str) -> None:
        quest = self.w.new_quest()
        self.run(self.w.complete(quest=quest, difficulty=difficulty))
        self.open_quests.append(quest)
        self.started = True

    @precondition(lambda self: bool(self.open_quests))
    @rule(index=st.integers(0, 50))
    def reopen(self, index: int) -> None:
        quest = self.open_quests.pop(index % len(self.open_quests))
        self.run(self.w.reopen(quest))

    @precondition(lambda self: self.started)
    @rule(tz=st.sampled_from(ZONES), hour=st.sampled_from([0, 3, 4, 23]))
    def change_time_zone(self, tz: str, hour: int) -> None:
        self.run(self.w.set_time_zone(tz, hour))

    @rule(hours=st.integers(1, 40))
    def advance(self, hours: int) -> None:
        self.w.clock.advance(timedelta(hours=hours))

    @rule()
    def cross_dst(self) -> None:
        now = self.w.clock.now()
        upcoming = [m for m in DST_MOMENTS if m > now]
        self.w.clock.set(
            upcoming[0] + timedelta(minutes=30) if upcoming else now + timedelta(days=1)
        )

    @precondition(lambda self: self.started)
    @rule()
    def roll_over_twice_concurrently(self) -> None:
        async def both() -> list[object]:
            uows = [YieldingUnitOfWork(self.w.store) for _ in range(2)]
            return await asyncio.gather(
                *(game.roll_over_streak(ALICE, u, self.w.clock, self.w.ids) for u in uows),
                return_exceptions=True,
            )

        results = self.run(both())
        assert isinstance(results, list)
        finalized = [r for r in results if isinstance(r, game.RolloverOutcome) and r.days]
        conflicts = [r for r in results if isinstance(r, ConcurrencyConflict)]
        assert len(finalized) <= 1
        assert all(isinstance(r, game.RolloverOutcome | ConcurrencyConflict) for r in results)
        if finalized:
            assert len(conflicts) == 1
        again = self.run(self.w.roll_over())
        assert isinstance(again, game.RolloverOutcome)
        assert again.days == ()  # rolling over a second time changes nothing

    # -- invariants ------------------------------------------------------------------------

    def _finalized_days(self) -> list[date]:
        kinds = (StreakExtended, StreakFrozen, StreakBroken)
        return [e.day for e in self.w.store.outbox if isinstance(e, kinds)]

    @invariant()
    def each_local_day_is_finalized_once(self) -> None:
        days = self._finalized_days()
        assert len(days) == len(set(days))
        # events are committed in date order: finalization never goes backwards
        assert days == sorted(days)

    @invariant()
    def evaluation_only_moves_forward(self) -> None:
        player = self.w.store.state.players.get(ALICE)
        if player is None:
            return
        through = player.streak.evaluated_through
        if self.last_evaluated is not None:
            assert through is not None
            assert through >= self.last_evaluated
        self.last_evaluated = through

    @invariant()
    def streak_and_freezes_stay_in_range(self) -> None:
        player = self.w.store.state.players.get(ALICE)
        if player is None:
            return
        s = player.streak
        assert s.current >= 0
        assert s.displayed() >= 0
        assert s.longest >= s.current
        assert 0 <= s.freezes <= game.DEFAULT_RULES.streaks.freeze_cap

    @invariant()
    def a_freeze_is_spent_at_most_once_per_missed_day(self) -> None:
        frozen = [e.day for e in self.w.events(StreakFrozen)]
        counted = {e.day for e in self.w.events(StreakExtended)}
        assert len(frozen) == len(set(frozen))
        assert not counted & set(frozen)

    @invariant()
    def xp_is_the_sum_of_the_ledger(self) -> None:
        if self.started:
            profile = self.run(self.w.profile())
            assert isinstance(profile, game.Profile)
            assert profile.total_xp == self.w.xp()
            assert profile.streak >= 0


StreakMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30)
TestStreakMachine = StreakMachine.TestCase
