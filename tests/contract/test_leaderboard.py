"""Contract of the SQL-backed leaderboard (memory, SQLite, PostgreSQL).

The Redis board has its own suite (``test_leaderboard_redis.py``).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from questlog_core.gamification.leaderboards import Board, BoardEntry, period_of
from questlog_core.ids import UserId

from .conftest import GameBackend
from .game_builders import T0
from .quest_builders import new_user


def entry(user: UserId, amount: int, minutes: int, name: str = "") -> BoardEntry:
    return BoardEntry(
        entry_id=uuid.uuid4(),
        user=user,
        display_name=name or f"player {str(user)[:4]}",
        amount=amount,
        at=T0 + timedelta(minutes=minutes),
    )


async def _record(backend: GameBackend, *entries: BoardEntry) -> None:
    async with backend.uow() as uow:
        for e in entries:
            await uow.leaderboard.record(e)
        await uow.commit()


async def test_boards_rank_by_xp_then_who_got_there_first(game_backend: GameBackend) -> None:
    ana, bo, cy = sorted((new_user() for _ in range(3)), key=str)
    await _record(
        game_backend,
        entry(bo, 30, 1),
        entry(ana, 20, 2),
        entry(ana, 10, 3),  # ana reaches 30 after bo did
        entry(cy, 50, 4),
    )
    week = period_of(Board.WEEKLY, T0)
    async with game_backend.uow() as uow:
        top = await uow.leaderboard.top(Board.WEEKLY, week)
        assert [(r.rank, r.user, r.xp) for r in top] == [(1, cy, 50), (2, bo, 30), (3, ana, 30)]
        assert [r.user for r in await uow.leaderboard.top(Board.ALL_TIME, "all", limit=2)] == [
            cy,
            bo,
        ]
        row = await uow.leaderboard.rank_of(Board.MONTHLY, period_of(Board.MONTHLY, T0), ana)
        assert row is not None
        assert (row.rank, row.xp) == (3, 30)
        assert await uow.leaderboard.rank_of(Board.WEEKLY, "1999-W01", ana) is None
        assert await uow.leaderboard.top(Board.WEEKLY, "1999-W01") == []


async def test_a_page_after_an_offset_keeps_the_ranks_from_the_top(
    game_backend: GameBackend,
) -> None:
    ana, bo, cy = sorted((new_user() for _ in range(3)), key=str)
    await _record(game_backend, entry(ana, 10, 1), entry(bo, 20, 2), entry(cy, 30, 3))
    async with game_backend.uow() as uow:
        page = await uow.leaderboard.top(Board.ALL_TIME, "all", limit=1, offset=1)
        assert [(r.rank, r.user, r.xp) for r in page] == [(2, bo, 20)]
        rest = await uow.leaderboard.top(Board.ALL_TIME, "all", limit=5, offset=1)
        assert [(r.rank, r.user) for r in rest] == [(2, bo), (3, ana)]
        assert await uow.leaderboard.top(Board.ALL_TIME, "all", limit=5, offset=3) == []


async def test_exact_ties_fall_back_to_the_user_id(game_backend: GameBackend) -> None:
    first, second = sorted((new_user(), new_user()), key=str)
    await _record(game_backend, entry(second, 10, 1), entry(first, 10, 1))
    async with game_backend.uow() as uow:
        top = await uow.leaderboard.top(Board.ALL_TIME, "all")
        assert [r.user for r in top] == [first, second]
        row = await uow.leaderboard.rank_of(Board.ALL_TIME, "all", second)
        assert row is not None
        assert row.rank == 2


async def test_recording_is_idempotent_and_periods_are_separate(
    game_backend: GameBackend,
) -> None:
    user = new_user()
    once = entry(user, 25, 0)
    next_week = entry(user, 5, 60 * 24 * 7)
    await _record(game_backend, once, once, next_week)
    await _record(game_backend, once)
    async with game_backend.uow() as uow:
        this_week = await uow.leaderboard.top(Board.WEEKLY, period_of(Board.WEEKLY, T0))
        assert [r.xp for r in this_week] == [25]
        later = await uow.leaderboard.top(Board.WEEKLY, period_of(Board.WEEKLY, next_week.at))
        assert [r.xp for r in later] == [5]
        assert [r.xp for r in await uow.leaderboard.top(Board.ALL_TIME, "all")] == [30]


async def test_rename_and_opt_out(game_backend: GameBackend) -> None:
    stays, leaves = new_user(), new_user()
    await _record(game_backend, entry(stays, 10, 0, "Old Name"), entry(leaves, 99, 0))
    async with game_backend.uow() as uow:
        await uow.leaderboard.rename(stays, "New Name")
        await uow.leaderboard.remove_user(leaves)
        await uow.commit()
    async with game_backend.uow() as uow:
        top = await uow.leaderboard.top(Board.ALL_TIME, "all")
    assert [(r.rank, r.display_name) for r in top] == [(1, "New Name")]


async def test_uncommitted_records_are_discarded(game_backend: GameBackend) -> None:
    user = new_user()
    async with game_backend.uow() as uow:
        await uow.leaderboard.record(entry(user, 10, 0))
    async with game_backend.uow() as uow:
        assert await uow.leaderboard.top(Board.ALL_TIME, "all") == []
