"""Properties of the XP ledger under any mix of completions, reopens and redeliveries.

* the sum invariant: a player's XP is the sum of their ledger, as every query reports it;
* replay idempotence: delivering every event again changes nothing;
* reopening reverses exactly: each reversal undoes one stored award, amount for amount,
  and a quest occurrence has a live award exactly when its last event was a completion.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from unit.gamification.world import ALICE, GameWorld

from questlog_core.events import DomainEvent
from questlog_core.events.quests import QuestCompleted
from questlog_core.gamification.ledger import EntryKind
from questlog_core.ids import QuestId
from questlog_core.services import gamification as game

OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("complete"),
            st.integers(0, 3),  # quest
            st.integers(0, 1),  # occurrence
            st.sampled_from(["trivial", "easy", "medium", "hard", "epic"]),
            st.integers(0, 90),  # seconds since creation: quick trivial quests are farming
        ),
        st.tuples(st.just("reopen"), st.integers(0, 3), st.integers(0, 1)),
        st.tuples(st.just("redeliver"), st.integers(0, 1000)),
        st.tuples(st.just("wait"), st.integers(1, 30 * 60)),  # minutes
    ),
    max_size=40,
)


async def _play(ops: list[tuple[object, ...]]) -> None:
    w = GameWorld()
    quests = [w.new_quest() for _ in range(4)]
    delivered: list[DomainEvent] = []
    last: dict[tuple[QuestId, int], str] = {}

    async def deliver(event: DomainEvent) -> None:
        if isinstance(event, QuestCompleted):
            await game.handle_quest_completed(event, w.uow(), w.clock, w.ids)
        else:
            await game.handle_quest_reopened(event, w.uow(), w.clock, w.ids)  # type: ignore[arg-type]

    for op in ops:
        if op[0] == "complete":
            _, q, occ, difficulty, seconds = op
            quest = quests[q]  # type: ignore[index]
            event = w.completed(
                quest,
                occurrence=occ,  # type: ignore[arg-type]
                difficulty=difficulty,  # type: ignore[arg-type]
                created_at=w.clock.now() - timedelta(seconds=seconds),  # type: ignore[arg-type]
            )
            delivered.append(event)
            await deliver(event)
            last[(quest, occ)] = "complete"  # type: ignore[index]
        elif op[0] == "reopen":
            _, q, occ = op
            quest = quests[q]  # type: ignore[index]
            event2 = w.reopened(quest, occurrence=occ)  # type: ignore[arg-type]
            delivered.append(event2)
            await deliver(event2)
            last[(quest, occ)] = "reopen"  # type: ignore[index]
        elif op[0] == "redeliver" and delivered:
            await deliver(delivered[op[1] % len(delivered)])  # type: ignore[operator]
        elif op[0] == "wait":
            w.clock.advance(timedelta(minutes=op[1]))  # type: ignore[arg-type]

    entries = w.ledger()
    total = sum(e.amount for e in entries)
    async with w.uow() as uow:
        assert await uow.ledger.balance(ALICE) == total
    if entries:
        assert (await w.profile()).total_xp == total
        board = await w.board()
        assert board[0].xp == total

    # reopen reverses exactly
    by_id = {e.entry_id: e for e in entries}
    reversals = [e for e in entries if e.kind is EntryKind.REVERSAL]
    assert len({r.reverses for r in reversals}) == len(reversals)  # at most once each
    for r in reversals:
        assert r.reverses is not None
        original = by_id[r.reverses]
        assert original.kind is EntryKind.AWARD
        assert r.amount == -original.amount
        assert (r.quest_id, r.occurrence) == (original.quest_id, original.occurrence)
    reversed_ids = {r.reverses for r in reversals}
    for key, what in last.items():
        live = [
            e
            for e in entries
            if e.kind is EntryKind.AWARD
            and (e.quest_id, e.occurrence) == key
            and e.entry_id not in reversed_ids
        ]
        assert len(live) == (1 if what == "complete" else 0)
    assert all(e.amount >= 0 for e in entries if e.kind is EntryKind.AWARD)

    # replay idempotence: everything again, in order, changes nothing
    before = (list(w.ledger()), len(w.store.outbox))
    for event in delivered:
        await deliver(event)
    assert (w.ledger(), len(w.store.outbox)) == before


@given(OPS)
def test_ledger_invariants_hold_under_any_history(ops: list[tuple[object, ...]]) -> None:
    asyncio.run(_play(ops))


@settings(max_examples=20)
@given(st.integers(1, 100), st.sampled_from(["trivial", "medium", "epic"]))
def test_complete_reopen_cycles_net_one_award(cycles: int, difficulty: str) -> None:
    async def run() -> None:
        w = GameWorld()
        quest = w.new_quest()
        for _ in range(cycles):
            await w.complete(quest=quest, difficulty=difficulty)
            await w.reopen(quest)
        final = await w.complete(quest=quest, difficulty=difficulty)
        assert final.award is not None
        assert w.xp() == final.award.amount

    asyncio.run(run())
