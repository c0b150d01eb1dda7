"""Leaderboards read from Redis, fed after each SQL commit (``leaderboard=redis``).

The game's use cases run on :class:`ProjectedGamificationUnitOfWork` over the SQL unit of
work (SQLite and PostgreSQL) and a real Redis. What they must show: the Redis board gets
exactly what was committed (nothing rolled back), opt-outs leave it at once, reads fall back to
the SQL board while Redis is down, and a board that missed changes during an outage is dropped
and rebuilt from SQL when Redis answers again.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.leaderboards import BoardProjection, ProjectedGamificationUnitOfWork
from adapters.memory.clock import FixedClock, RandomIds
from adapters.redis.client import KeySpace, connect
from adapters.redis.leaderboard import RedisLeaderboard
from adapters.sql.gamification import SqlBoardSource, SqlGamificationUnitOfWork
from questlog_core.events.quests import QuestCompleted
from questlog_core.gamification.leaderboards import Board, BoardEntry, BoardRow
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.services import gamification as game
from tests.contract.redis_fixtures import redis_keys  # noqa: F401

pytestmark = pytest.mark.redis

MON = datetime(2026, 3, 2, 9, tzinfo=UTC)
#: nothing listens here: a Redis that is down
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class World:
    def __init__(self, engine: AsyncEngine, live: RedisLeaderboard, dead: RedisLeaderboard):
        self.engine = engine
        self.live, self.dead = live, dead
        self.projection = BoardProjection(live)
        self.clock = FixedClock(MON)
        self.ids = RandomIds()

    def uow(self) -> ProjectedGamificationUnitOfWork:
        return ProjectedGamificationUnitOfWork(
            SqlGamificationUnitOfWork(self.engine), self.projection
        )

    def redis_goes_down(self) -> None:
        self.projection.redis = self.dead

    def redis_comes_back(self) -> None:
        self.projection.redis = self.live

    async def complete(self, user: UserId, difficulty: str = "medium") -> game.CompletionOutcome:
        now = self.clock.now()
        event = QuestCompleted(
            event_id=EventId(uuid.uuid4()),
            occurred_at=now,
            owner=user,
            quest_id=QuestId(uuid.uuid4()),
            occurrence=0,
            difficulty=difficulty,
            priority=2,
            due=None,
            completed_at=now,
            created_at=now - timedelta(days=1),
            on_time=True,
            owner_timezone="UTC",
        )
        return await game.handle_quest_completed(event, self.uow(), self.clock, self.ids)

    async def board(self) -> list[tuple[UserId, int]]:
        """The all-time board as the game's queries read it (Redis, or SQL as the fallback)."""
        reader = SqlGamificationUnitOfWork(self.engine).reading()
        async with ProjectedGamificationUnitOfWork(reader, self.projection) as uow:
            rows = await uow.leaderboard.top(Board.ALL_TIME, "all", 100)
        return [(r.user, r.xp) for r in rows]

    async def sql_board(self) -> list[tuple[UserId, int]]:
        async with SqlGamificationUnitOfWork(self.engine) as uow:
            rows = await uow.leaderboard.top(Board.ALL_TIME, "all", 100)
        return [(r.user, r.xp) for r in rows]


@pytest.fixture
async def world(
    engine: AsyncEngine,
    redis_url: str,
    redis_keys: KeySpace,  # noqa: F811
) -> AsyncIterator[World]:
    client, dead = connect(redis_url), connect(DEAD_REDIS)
    source = SqlBoardSource(engine)
    try:
        yield World(
            engine,
            RedisLeaderboard(client, redis_keys, source=source),
            RedisLeaderboard(dead, redis_keys, source=source),
        )
    finally:
        await client.aclose()
        await dead.aclose()


def rows(found: list[BoardRow]) -> list[tuple[UserId, int]]:
    return [(r.user, r.xp) for r in found]


async def test_redis_gets_what_was_committed(world: World) -> None:
    ana, bo = UserId(uuid.uuid4()), UserId(uuid.uuid4())
    await world.complete(ana, "epic")
    await world.complete(bo, "hard")
    expected = [(ana, 80), (bo, 40)]
    assert rows(await world.live.top(Board.ALL_TIME, "all", 10)) == expected
    assert await world.board() == expected == await world.sql_board()
    week = await world.live.rank_of(Board.WEEKLY, "2026-W10", bo)
    assert week is not None
    assert (week.rank, week.xp) == (2, 40)

    # a write that is rolled back never reaches Redis
    async with world.uow() as uow:
        await uow.leaderboard.record(
            BoardEntry(entry_id=uuid.uuid4(), user=ana, display_name="x", amount=1000, at=MON)
        )
    assert rows(await world.live.top(Board.ALL_TIME, "all", 10)) == expected


async def test_an_opt_out_leaves_the_redis_board_at_once(world: World) -> None:
    ana, bo = UserId(uuid.uuid4()), UserId(uuid.uuid4())
    await world.complete(ana, "epic")
    await world.complete(bo, "hard")
    await game.set_leaderboard_opt_out(ana, True, world.uow(), world.clock, world.ids)
    assert rows(await world.live.top(Board.ALL_TIME, "all", 10)) == [(bo, 40)]
    assert await world.board() == [(bo, 40)]
    await game.set_leaderboard_opt_out(ana, False, world.uow(), world.clock, world.ids)
    assert await world.board() == [(ana, 80), (bo, 40)]


async def test_while_redis_is_down_reads_use_sql_and_the_board_heals_after(
    world: World,
) -> None:
    ana, bo, cy = (UserId(uuid.uuid4()) for _ in range(3))
    await world.complete(ana, "medium")
    assert world.projection.trustworthy
    assert await world.board() == [(ana, 20)]  # read once: the Redis period is built

    world.redis_goes_down()
    await world.complete(bo, "epic")  # committed in SQL; Redis misses it
    await world.complete(cy, "hard")
    await game.set_leaderboard_opt_out(ana, True, world.uow(), world.clock, world.ids)
    assert not world.projection.trustworthy
    truth = [(bo, 80), (cy, 40)]
    assert await world.sql_board() == truth
    assert await world.board() == truth  # the SQL board answers

    world.redis_comes_back()
    # Redis still holds the old board (ana on it, bo and cy missing) until the game reads
    assert rows(await world.live.top(Board.ALL_TIME, "all", 10)) == [(ana, 20)]
    assert await world.board() == truth  # stale boards dropped, rebuilt from SQL
    assert world.projection.trustworthy
    assert rows(await world.live.top(Board.ALL_TIME, "all", 10)) == truth
    assert await world.live.rank_of(Board.WEEKLY, "2026-W10", ana) is None
