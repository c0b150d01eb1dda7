"""Contract of the XP ledger: append-only, one award per key, even under races."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from questlog_core.errors import AlreadyExists
from questlog_core.gamification.ledger import LedgerEntry
from questlog_core.ids import QuestId

from .conftest import GameBackend
from .game_builders import T0, award, reversal
from .quest_builders import new_user


async def _append(backend: GameBackend, *entries: LedgerEntry) -> None:
    async with backend.uow() as uow:
        for entry in entries:
            await uow.ledger.append(entry)
        await uow.commit()


async def test_an_entry_comes_back_whole(game_backend: GameBackend) -> None:
    user = new_user()
    entry = award(user, QuestId(uuid.uuid4()))
    await _append(game_backend, entry)
    async with game_backend.uow() as uow:
        assert await uow.ledger.get_by_key(user, entry.key) == entry
        assert await uow.ledger.get_by_key(new_user(), entry.key) is None
        assert await uow.ledger.entries(user) == [entry]


async def test_a_key_is_awarded_once(game_backend: GameBackend) -> None:
    user = new_user()
    quest = QuestId(uuid.uuid4())
    await _append(game_backend, award(user, quest))
    async with game_backend.uow() as uow:
        with pytest.raises(AlreadyExists):
            await uow.ledger.append(award(user, quest, amount=999))
        # the refusal leaves the transaction usable
        await uow.ledger.append(award(user, quest, occurrence=1))
        await uow.commit()
    async with game_backend.uow() as uow:
        assert await uow.ledger.balance(user) == 100
    other = new_user()
    await _append(game_backend, award(other, quest))  # keys are per user


async def test_live_awards_reversals_and_generations(game_backend: GameBackend) -> None:
    user = new_user()
    quest = QuestId(uuid.uuid4())
    first = award(user, quest, occurrence=2, amount=40)
    await _append(game_backend, first)
    async with game_backend.uow() as uow:
        assert await uow.ledger.live_award(user, quest, 2) == first
        assert await uow.ledger.live_award(user, quest, 1) is None
        await uow.ledger.append(reversal(first, T0 + timedelta(hours=1)))
        await uow.commit()
    async with game_backend.uow() as uow:
        assert await uow.ledger.live_award(user, quest, 2) is None
        assert await uow.ledger.awards_made(user, quest, 2) == 1
        assert await uow.ledger.balance(user) == 0
        second = award(user, quest, occurrence=2, generation=1, amount=45)
        await uow.ledger.append(second)
        await uow.commit()
    async with game_backend.uow() as uow:
        assert await uow.ledger.live_award(user, quest, 2) == second
        assert await uow.ledger.awards_made(user, quest, 2) == 2
        assert await uow.ledger.balance(user) == 45
        assert await uow.ledger.balance(new_user()) == 0


async def test_entries_by_day_and_by_time(game_backend: GameBackend) -> None:
    user = new_user()
    day1 = [award(user, QuestId(uuid.uuid4()), at=T0 + timedelta(minutes=m)) for m in (5, 1, 3)]
    day2 = award(user, QuestId(uuid.uuid4()), at=T0 + timedelta(days=1))
    await _append(game_backend, *day1, day2, award(new_user(), QuestId(uuid.uuid4())))
    async with game_backend.uow() as uow:
        assert await uow.ledger.entries_on(user, T0.date()) == day1  # appended order
        assert await uow.ledger.entries_on(user, day2.local_date) == [day2]
        by_time = sorted(day1, key=lambda e: e.at)
        assert await uow.ledger.entries(user) == [*by_time, day2]
        assert await uow.ledger.entries(user, since=T0 + timedelta(minutes=3)) == [
            by_time[1],
            by_time[2],
            day2,
        ]
        assert await uow.ledger.entries(user, until=T0 + timedelta(minutes=3)) == by_time[:1]
        assert await uow.ledger.entries(user, limit=2) == by_time[:2]


async def test_racing_awards_of_one_completion_store_one_entry(game_backend: GameBackend) -> None:
    user = new_user()
    quest = QuestId(uuid.uuid4())

    async def award_once() -> bool:
        try:
            async with game_backend.uow() as uow:
                if await uow.ledger.live_award(user, quest, 0) is not None:
                    return False
                made = await uow.ledger.awards_made(user, quest, 0)
                await uow.ledger.append(award(user, quest, generation=made))
                await uow.commit()
        except AlreadyExists:
            return False
        return True

    outcomes = await asyncio.gather(*(award_once() for _ in range(10)))
    assert outcomes.count(True) == 1
    async with game_backend.uow() as uow:
        assert len(await uow.ledger.entries(user)) == 1
        assert await uow.ledger.balance(user) == 50
