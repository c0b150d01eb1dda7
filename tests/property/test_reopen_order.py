"""Property: whatever order complete/reopen events arrive in, and however often, the award in
force is exactly the last completion's (or none when the history ends reopened)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.memory.clock import FixedClock, SequentialIds
from adapters.memory.gamification import InMemoryGamificationStore
from questlog_core.gamification import use_cases as game
from questlog_core.gamification.ledger import live_awards
from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.quests.events import QuestCompleted
from tests.contract.test_reopen_race import T0, history


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[int, bool, list[int]]:
    cycles = draw(st.integers(0, 6))
    ends_reopened = draw(st.booleans())
    count = 2 * cycles + 1 + (1 if ends_reopened else 0)
    order = draw(st.permutations(range(count)))
    extra = draw(st.lists(st.integers(0, count - 1), max_size=count))
    positions = draw(st.lists(st.integers(0, 100), min_size=len(extra), max_size=len(extra)))
    delivered = list(order)
    for index, where in zip(extra, positions, strict=True):
        delivered.insert(where % (len(delivered) + 1), index)  # a redelivery
    return cycles, ends_reopened, delivered


@settings(max_examples=150, deadline=None)
@given(deliveries())
def test_the_award_in_force_is_the_last_completions(case: tuple[int, bool, list[int]]) -> None:
    cycles, ends_reopened, delivered = case
    user, quest = UserId(uuid.uuid4()), QuestId(uuid.uuid4())
    events = history(user, quest, cycles=cycles + (1 if ends_reopened else 0))
    if ends_reopened:
        events = events[:-1]  # ... complete, reopen: nothing should stay
    store = InMemoryGamificationStore()
    clock, ids = FixedClock(T0 + timedelta(hours=2)), SequentialIds(1)

    async def run() -> None:
        for i in delivered:
            event = events[i]
            if isinstance(event, QuestCompleted):
                await game.handle_quest_completed(event, store.unit_of_work(), clock, ids)
            else:
                await game.handle_quest_reopened(event, store.unit_of_work(), clock, ids)

    asyncio.run(run())
    entries = store.state.ledger.get(user, [])
    live = live_awards(entries)
    if ends_reopened:
        assert live == []
        assert sum(e.amount for e in entries) == 0
    else:
        assert [a.quest_version for a in live] == [2 * cycles + 1]
        assert sum(e.amount for e in entries) == live[0].amount
