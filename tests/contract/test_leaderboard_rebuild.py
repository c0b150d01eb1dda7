"""A Redis board rebuilt from SQL shows what the SQL board shows (SQLite and PostgreSQL).

Players earn XP through the gamification unit of work the way the use cases do (ledger entry,
then the SQL board unless the player opted out); renames and opt-outs go through the use cases.
A Redis board whose periods are all missing then rebuilds each one from ``SqlBoardSource`` and
must rank exactly like ``SqlLeaderboard`` on the same data: ties, reversals, opted-out players
left out, current display names.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FixedClock, RandomIds
from adapters.redis.client import KeySpace, connect
from adapters.redis.leaderboard import RedisLeaderboard
from adapters.sql.gamification import SqlBoardSource
from questlog_core.gamification.leaderboards import Board, BoardEntry, BoardRow, period_of
from questlog_core.gamification.ledger import LedgerEntry
from questlog_core.ids import QuestId, UserId
from questlog_core.services.gamification import set_display_name, set_leaderboard_opt_out
from tests.contract.redis_fixtures import redis_keys  # noqa: F401

from .conftest import GameBackend
from .game_builders import award, player, reversal

pytestmark = pytest.mark.redis

MON = datetime(2024, 3, 4, tzinfo=UTC)  # Monday 00:00 UTC, the first instant of 2024-W10
TICK = timedelta(microseconds=1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Only the SQL stores: the source of a rebuild is the SQL ledger."""
    return str(request.param)


@pytest.fixture
async def redis_board(
    redis_url: str,
    redis_keys: KeySpace,  # noqa: F811
    engine: AsyncEngine,
) -> AsyncIterator[RedisLeaderboard]:
    """An empty Redis board (its own key prefix, removed afterwards) rebuilt from SQL."""
    client = connect(redis_url)
    try:
        yield RedisLeaderboard(client, redis_keys, source=SqlBoardSource(engine))
    finally:
        await client.aclose()


class Game:
    """Writes through the gamification unit of work, as the use cases do."""

    def __init__(self, backend: GameBackend) -> None:
        self.backend = backend
        self.clock = FixedClock(MON)
        self.ids = RandomIds()

    async def join(self, name: str) -> UserId:
        user = UserId(uuid.uuid4())
        joined = player(user)
        joined.display_name = name
        async with self.backend.uow() as uow:
            await uow.players.add(joined)
            await uow.commit()
        return user

    async def write(self, entry: LedgerEntry) -> LedgerEntry:
        async with self.backend.uow() as uow:
            me = await uow.players.get(entry.user)
            await uow.ledger.append(entry)
            if not me.opted_out:
                await uow.leaderboard.record(BoardEntry.from_ledger(entry, me.display_name))
            await uow.commit()
        return entry

    async def earn(self, user: UserId, amount: int, at: datetime) -> LedgerEntry:
        return await self.write(award(user, QuestId(uuid.uuid4()), amount=amount, at=at))

    async def reopen(self, awarded: LedgerEntry, at: datetime) -> None:
        await self.write(reversal(awarded, at))

    async def rename(self, user: UserId, name: str) -> None:
        await set_display_name(user, name, self.backend.uow(), self.clock)

    async def opt_out(self, user: UserId, opted_out: bool = True) -> None:
        await set_leaderboard_opt_out(user, opted_out, self.backend.uow(), self.clock, self.ids)

    async def sql_top(self, board: Board, period: str) -> list[BoardRow]:
        async with self.backend.uow() as uow:
            rows: list[BoardRow] = await uow.leaderboard.top(board, period, limit=100)
            return rows

    async def sql_rank(self, board: Board, period: str, user: UserId) -> BoardRow | None:
        async with self.backend.uow() as uow:
            row: BoardRow | None = await uow.leaderboard.rank_of(board, period, user)
            return row


def names(rows: list[BoardRow]) -> list[tuple[str, int]]:
    return [(r.display_name, r.xp) for r in rows]


async def test_a_rebuilt_board_ranks_like_the_sql_board(
    game_backend: GameBackend, redis_board: RedisLeaderboard
) -> None:
    game = Game(game_backend)
    ana, bo, cy, dee, eve = [await game.join(n) for n in ("Ana", "Bo", "Cy", "Dee", "Eve")]
    twin_a, twin_b = sorted([await game.join("Twin"), await game.join("Twin")], key=str)

    await game.earn(bo, 30, MON + timedelta(hours=1))
    await game.earn(ana, 20, MON + timedelta(hours=2))
    await game.earn(ana, 10, MON + timedelta(hours=3))  # ana reaches 30 after bo did
    await game.earn(twin_b, 15, MON + timedelta(hours=4))
    await game.earn(twin_a, 15, MON + timedelta(hours=4))  # an exact tie: the smaller id first
    await game.earn(cy, 5, MON - TICK)  # the last instant of 2024-W09 (still March)
    dropped = await game.earn(cy, 100, MON + timedelta(days=6, hours=23))
    await game.reopen(dropped, MON + timedelta(days=9))  # counts back in W10, not W11
    await game.earn(dee, 500, MON + timedelta(hours=5))
    await game.opt_out(dee)  # keeps XP, leaves every board
    await game.earn(dee, 50, MON + timedelta(days=8))  # earned while opted out: never shown
    await game.earn(eve, 40, datetime(2024, 3, 31, 23, 59, 59, 999_999, tzinfo=UTC))
    await game.earn(eve, 7, datetime(2024, 4, 1, tzinfo=UTC))
    await game.rename(bo, "Bo the Bold")

    week = period_of(Board.WEEKLY, MON)
    assert names(await redis_board.top(Board.WEEKLY, week, limit=100)) == [
        ("Bo the Bold", 30),
        ("Ana", 30),
        ("Twin", 15),
        ("Twin", 15),
        ("Cy", 0),
    ]
    assert [r.user for r in (await redis_board.top(Board.WEEKLY, week, limit=100))[2:4]] == [
        twin_a,
        twin_b,
    ]
    periods = {
        Board.WEEKLY: ["2024-W09", "2024-W10", "2024-W11", "2024-W13", "2024-W14", "2024-W12"],
        Board.MONTHLY: ["2024-02", "2024-03", "2024-04", "2024-05"],
        Board.ALL_TIME: ["all"],
    }
    for board, wanted in periods.items():
        for period in wanted:
            sql = await game.sql_top(board, period)
            assert await redis_board.top(board, period, limit=100) == sql, (board, period)
            for user in (ana, bo, cy, dee, eve, twin_a, twin_b):
                assert await redis_board.rank_of(board, period, user) == await game.sql_rank(
                    board, period, user
                ), (board, period, user)
    assert names(await redis_board.top(Board.WEEKLY, "2024-W09")) == [("Cy", 5)]
    assert names(await redis_board.top(Board.MONTHLY, "2024-04")) == [("Eve", 7)]
    assert await redis_board.rank_of(Board.ALL_TIME, "all", dee) is None


async def test_a_player_back_from_opting_out_is_rebuilt_with_all_their_xp(
    game_backend: GameBackend, redis_board: RedisLeaderboard
) -> None:
    game = Game(game_backend)
    ana, bo = await game.join("Ana"), await game.join("Bo")
    await game.earn(ana, 10, MON)
    await game.earn(bo, 25, MON)
    await game.opt_out(ana)
    await game.earn(ana, 20, MON + timedelta(hours=1))
    await game.rename(ana, "Ana Again")
    await game.opt_out(ana, False)
    sql = await game.sql_top(Board.ALL_TIME, "all")
    assert names(sql) == [("Ana Again", 30), ("Bo", 25)]
    assert await redis_board.top(Board.ALL_TIME, "all", limit=100) == sql


async def test_a_rebuilt_board_keeps_counting_live_entries(
    game_backend: GameBackend, redis_board: RedisLeaderboard
) -> None:
    game = Game(game_backend)
    ana, bo = await game.join("Ana"), await game.join("Bo")
    first = await game.earn(ana, 10, MON)
    await game.earn(bo, 25, MON + timedelta(hours=1))
    assert names(await redis_board.top(Board.WEEKLY, "2024-W10")) == [("Bo", 25), ("Ana", 10)]
    # After commit the Redis projection receives each new entry (and, at least once, old ones).
    late = await game.earn(ana, 20, MON + timedelta(hours=2))
    for live in (late, first):
        await redis_board.record(BoardEntry.from_ledger(live, "Ana"))
    for board, period in ((Board.WEEKLY, "2024-W10"), (Board.ALL_TIME, "all")):
        sql = await game.sql_top(board, period)
        assert names(sql) == [("Ana", 30), ("Bo", 25)]
        assert await redis_board.top(board, period) == sql


async def test_a_period_that_does_not_exist_rebuilds_empty(
    game_backend: GameBackend, engine: AsyncEngine
) -> None:
    game = Game(game_backend)
    await game.earn(await game.join("Ana"), 10, MON)
    source = SqlBoardSource(engine)
    for board, period in (
        (Board.WEEKLY, "2024-W54"),
        (Board.WEEKLY, "2024-W1"),
        (Board.WEEKLY, "2024-03"),
        (Board.MONTHLY, "2024-13"),
        (Board.MONTHLY, "2024-3"),
        (Board.MONTHLY, "9999-12"),
        (Board.ALL_TIME, "2024"),
        (Board.WEEKLY, "bogus"),
    ):
        assert await source.board_entries(board, period) == [], (board, period)
        assert await game.sql_top(board, period) == [], (board, period)
    assert len(await source.board_entries(Board.MONTHLY, "2024-03")) == 1


async def test_many_players_over_months_rebuild_identically(
    game_backend: GameBackend, redis_board: RedisLeaderboard
) -> None:
    rng = random.Random(4)
    game = Game(game_backend)
    users = [await game.join(f"player {i}") for i in range(10)]
    awards: list[LedgerEntry] = []
    for _ in range(120):
        # whole minutes make equal scores reached at the same moment likely (full ties)
        at = MON + timedelta(minutes=rng.randrange(0, 60 * 24 * 80, 60 * 12))
        awards.append(await game.earn(rng.choice(users), rng.choice([5, 10, 25, 50]), at))
    for undone in rng.sample(awards, 10):
        await game.reopen(undone, undone.at + timedelta(days=rng.randint(0, 20)))
    for user in rng.sample(users, 3):
        await game.rename(user, f"renamed {users.index(user)}")
    for user in rng.sample(users, 2):
        await game.opt_out(user)
    for board in Board:
        for period in sorted({period_of(board, a.at) for a in awards}):
            sql = await game.sql_top(board, period)
            assert sql, (board, period)
            assert await redis_board.top(board, period, limit=100) == sql, (board, period)
