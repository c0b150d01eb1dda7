"""Real concurrency on PostgreSQL: separate connections, overlapping transactions.

The constraints, not read-then-write checks, decide: 50 workers awarding the same completion
store one ledger row; 20 writers holding the same quest version see one win and 19
``ConcurrencyConflict``s.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import make_engine
from adapters.sql.gamification import SqlGamificationUnitOfWork
from adapters.sql.quests import SqlQuestUnitOfWork
from adapters.sql.tables import gamification as game_tables
from questlog_core.errors import AlreadyExists, ConcurrencyConflict
from questlog_core.ids import QuestId

from .conftest import empty_tables
from .game_builders import award
from .quest_builders import IDS, later, new_quest, new_user

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg(postgres_database: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(postgres_database, pool_size=60, max_overflow=0)
    async with engine.begin() as connection:
        await empty_tables(connection)
    yield engine
    await engine.dispose()


async def test_fifty_concurrent_awards_of_one_completion_store_one_row(pg: AsyncEngine) -> None:
    user = new_user()
    quest = QuestId(uuid.uuid4())
    everyone_has_read = asyncio.Barrier(50)

    async def worker() -> str:
        async with SqlGamificationUnitOfWork(pg) as uow:
            live = await uow.ledger.live_award(user, quest, 3)
            made = await uow.ledger.awards_made(user, quest, 3)
            # Every transaction has read "no award yet" before any of them writes.
            await everyone_has_read.wait()
            if live is not None:
                return "skipped"
            try:
                await uow.ledger.append(award(user, quest, occurrence=3, generation=made))
                await uow.commit()
            except AlreadyExists:
                return "refused"
            return "awarded"

    outcomes = await asyncio.gather(*(worker() for _ in range(50)))

    assert outcomes.count("awarded") == 1
    assert outcomes.count("refused") == 49
    async with pg.connect() as connection:
        rows = await connection.scalar(
            select(func.count()).where(game_tables.ledger.c.user_id == user)
        )
    assert rows == 1


async def test_twenty_concurrent_updates_of_one_version_let_one_win(pg: AsyncEngine) -> None:
    owner = new_user()
    quest = new_quest(owner)
    async with SqlQuestUnitOfWork(pg) as uow:
        await uow.quests.add(quest)
        await uow.commit()
    everyone_has_read = asyncio.Barrier(20)

    async def writer(i: int) -> str:
        async with SqlQuestUnitOfWork(pg) as uow:
            loaded = await uow.quests.get(owner, quest.id)
            await everyone_has_read.wait()
            loaded.revise({"title": f"edit {i}"}, at=later(i + 1), ids=IDS)
            try:
                await uow.quests.update(loaded, expected_version=loaded.version)
                await uow.commit()
            except ConcurrencyConflict:
                return "conflict"
            return "won"

    outcomes = await asyncio.gather(*(writer(i) for i in range(20)))

    assert outcomes.count("won") == 1
    assert outcomes.count("conflict") == 19
    async with SqlQuestUnitOfWork(pg) as uow:
        stored = await uow.quests.get(owner, quest.id)
    assert stored.version == 2
    assert stored.title.startswith("edit ")


async def test_a_stale_generation_cannot_sneak_in_a_second_live_award(pg: AsyncEngine) -> None:
    # Under READ COMMITTED each statement sees the latest commits: a worker that found no live
    # award, then counted the winner's award, would write generation 1 under a fresh key. The
    # one-live-award index refuses it.
    user = new_user()
    quest = QuestId(uuid.uuid4())
    async with SqlGamificationUnitOfWork(pg) as late:
        assert await late.ledger.live_award(user, quest, 0) is None
        async with SqlGamificationUnitOfWork(pg) as winner:
            await winner.ledger.append(award(user, quest))
            await winner.commit()
        made = await late.ledger.awards_made(user, quest, 0)
        assert made == 1
        with pytest.raises(AlreadyExists):
            await late.ledger.append(award(user, quest, generation=made))
