"""Contract of the ``Leaderboard`` port on the in-memory board and on Redis sorted sets."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from adapters.memory.gamification import InMemoryGamificationStore
from adapters.redis.client import KeySpace, connect
from adapters.redis.leaderboard import RedisLeaderboard
from questlog_core.gamification.leaderboards import (
    Board,
    BoardEntry,
    BoardRow,
    build_board,
    period_of,
)
from questlog_core.ids import UserId
from questlog_core.ports.gamification import Leaderboard
from tests.contract.redis_fixtures import redis_keys  # noqa: F401

T0 = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)  # a Wednesday of ISO week 2024-W10
ANA = UserId(UUID("00000000-0000-0000-0000-00000000000a"))
BOB = UserId(UUID("00000000-0000-0000-0000-00000000000b"))
CY = UserId(UUID("00000000-0000-0000-0000-00000000000c"))
NAMES = {ANA: "Ana", BOB: "Bob", CY: "Cy"}


@pytest.fixture(params=["memory", "redis"])
async def board(request: pytest.FixtureRequest) -> AsyncIterator[Leaderboard]:
    if request.param == "memory":
        async with InMemoryGamificationStore().unit_of_work() as uow:
            yield uow.leaderboard
        return
    url: str = request.getfixturevalue("redis_url")
    keys: KeySpace = request.getfixturevalue("redis_keys")
    client = connect(url)
    yield RedisLeaderboard(client, keys)
    await client.aclose()


def entry(user: UserId, amount: int, at: datetime, entry_id: UUID | None = None) -> BoardEntry:
    return BoardEntry(
        entry_id=entry_id or uuid4(), user=user, display_name=NAMES[user], amount=amount, at=at
    )


def summary(rows: Sequence[BoardRow]) -> list[tuple[int, str, int]]:
    return [(r.rank, r.display_name, r.xp) for r in rows]


async def test_an_empty_board_has_no_rows(board: Leaderboard) -> None:
    assert await board.top(Board.WEEKLY, "2024-W10") == []
    assert await board.rank_of(Board.WEEKLY, "2024-W10", ANA) is None


async def test_more_xp_ranks_higher(board: Leaderboard) -> None:
    await board.record(entry(ANA, 30, T0))
    await board.record(entry(BOB, 50, T0))
    await board.record(entry(ANA, 40, T0 + timedelta(hours=1)))
    assert summary(await board.top(Board.WEEKLY, "2024-W10")) == [(1, "Ana", 70), (2, "Bob", 50)]


async def test_on_equal_xp_whoever_got_there_first_ranks_higher(board: Leaderboard) -> None:
    await board.record(entry(BOB, 50, T0 + timedelta(minutes=1)))
    await board.record(entry(ANA, 50, T0 + timedelta(minutes=2)))
    await board.record(entry(CY, 50, T0 + timedelta(microseconds=60_000_001)))
    rows = summary(await board.top(Board.ALL_TIME, "all"))
    assert rows == [(1, "Bob", 50), (2, "Cy", 50), (3, "Ana", 50)]


async def test_a_complete_tie_goes_to_the_smaller_user_id(board: Leaderboard) -> None:
    for user in (CY, ANA, BOB):
        await board.record(entry(user, 10, T0))
    assert [r.user for r in await board.top(Board.MONTHLY, "2024-03")] == [ANA, BOB, CY]


async def test_recording_the_same_entry_twice_counts_once(board: Leaderboard) -> None:
    same = entry(ANA, 25, T0)
    await board.record(same)
    await board.record(same)
    assert summary(await board.top(Board.ALL_TIME, "all")) == [(1, "Ana", 25)]


async def test_an_entry_counts_in_its_own_week_month_and_all_time(board: Leaderboard) -> None:
    await board.record(entry(ANA, 10, T0))
    await board.record(entry(ANA, 5, T0 + timedelta(days=7)))  # next ISO week, same month
    await board.record(entry(ANA, 1, datetime(2024, 4, 1, tzinfo=UTC)))
    assert (await board.top(Board.WEEKLY, "2024-W10"))[0].xp == 10
    assert (await board.top(Board.WEEKLY, "2024-W11"))[0].xp == 5
    assert (await board.top(Board.MONTHLY, "2024-03"))[0].xp == 15
    assert (await board.top(Board.MONTHLY, "2024-04"))[0].xp == 1
    assert (await board.top(Board.ALL_TIME, "all"))[0].xp == 16


async def test_a_reversal_lowers_the_score(board: Leaderboard) -> None:
    await board.record(entry(ANA, 50, T0))
    await board.record(entry(BOB, 40, T0))
    await board.record(entry(ANA, -50, T0))
    assert summary(await board.top(Board.WEEKLY, "2024-W10")) == [(1, "Bob", 40), (2, "Ana", 0)]


async def test_rank_of_gives_the_users_row(board: Leaderboard) -> None:
    await board.record(entry(ANA, 10, T0))
    await board.record(entry(BOB, 20, T0))
    row = await board.rank_of(Board.WEEKLY, "2024-W10", ANA)
    assert row == BoardRow(rank=2, user=ANA, display_name="Ana", xp=10)
    assert await board.rank_of(Board.WEEKLY, "2024-W10", CY) is None
    assert await board.rank_of(Board.WEEKLY, "2024-W11", ANA) is None


async def test_top_returns_at_most_the_limit(board: Leaderboard) -> None:
    for i, user in enumerate((ANA, BOB, CY)):
        await board.record(entry(user, 10 * (i + 1), T0))
    assert [r.display_name for r in await board.top(Board.ALL_TIME, "all", limit=2)] == [
        "Cy",
        "Bob",
    ]


async def test_a_page_after_an_offset_keeps_the_ranks_from_the_top(board: Leaderboard) -> None:
    for i, user in enumerate((ANA, BOB, CY)):
        await board.record(entry(user, 10 * (i + 1), T0))
    assert summary(await board.top(Board.ALL_TIME, "all", limit=1, offset=1)) == [(2, "Bob", 20)]
    assert summary(await board.top(Board.ALL_TIME, "all", limit=5, offset=1)) == [
        (2, "Bob", 20),
        (3, "Ana", 10),
    ]
    assert await board.top(Board.ALL_TIME, "all", limit=5, offset=3) == []


async def test_an_opted_out_player_vanishes_from_every_board(board: Leaderboard) -> None:
    await board.record(entry(ANA, 90, T0))
    await board.record(entry(BOB, 50, T0))
    await board.record(entry(ANA, 5, T0 + timedelta(days=40)))
    await board.remove_user(ANA)
    assert summary(await board.top(Board.WEEKLY, "2024-W10")) == [(1, "Bob", 50)]
    assert summary(await board.top(Board.ALL_TIME, "all")) == [(1, "Bob", 50)]
    assert await board.top(Board.MONTHLY, "2024-04") == []
    assert await board.rank_of(Board.ALL_TIME, "all", ANA) is None


async def test_a_player_who_opts_back_in_is_recorded_again(board: Leaderboard) -> None:
    """Opting back in records the player's ledger again: the same entry ids count anew."""
    first, second = entry(ANA, 90, T0), entry(ANA, 5, T0 + timedelta(days=40))
    await board.record(first)
    await board.record(second)
    await board.remove_user(ANA)
    await board.record(first)
    await board.record(second)
    await board.record(second)  # still idempotent after coming back
    assert summary(await board.top(Board.ALL_TIME, "all")) == [(1, "Ana", 95)]
    assert summary(await board.top(Board.WEEKLY, "2024-W10")) == [(1, "Ana", 90)]


async def test_a_rename_shows_on_every_board(board: Leaderboard) -> None:
    await board.record(entry(ANA, 10, T0))
    await board.record(entry(ANA, 10, T0 + timedelta(days=40)))
    await board.rename(ANA, "Ana the Bold")
    for b, period in (
        (Board.WEEKLY, "2024-W10"),
        (Board.MONTHLY, "2024-04"),
        (Board.ALL_TIME, "all"),
    ):
        assert (await board.top(b, period))[0].display_name == "Ana the Bold"
    await board.rename(BOB, "Not on any board")
    assert await board.rank_of(Board.ALL_TIME, "all", BOB) is None


async def test_boards_agree_with_a_rebuild_from_scratch(board: Leaderboard) -> None:
    rng = random.Random(11)
    users = [UserId(uuid4()) for _ in range(12)]
    for u in users:
        NAMES[u] = f"player-{str(u)[:4]}"
    entries = [
        entry(
            rng.choice(users),
            rng.choice([5, 10, 25, 50, -10]),
            T0 + timedelta(hours=rng.randint(0, 24 * 60)),
        )
        for _ in range(150)
    ]
    replayed = entries + rng.sample(entries, 20)  # duplicates delivered again
    rng.shuffle(replayed)
    for e in replayed:
        await board.record(e)
    for b in Board:
        for period in sorted({period_of(b, e.at) for e in entries}):
            expected = build_board(entries, b, period)
            assert await board.top(b, period, limit=100) == expected, (b, period)


# --- Redis specifics: rebuilt from the source of truth when empty ---------------------------


class Ledger:
    """A source of truth for rebuilds: the entries, counted per request."""

    def __init__(self, entries: list[BoardEntry]) -> None:
        self.entries = entries
        self.reads = 0

    async def board_entries(self, board: Board, period: str) -> list[BoardEntry]:
        self.reads += 1
        return [e for e in self.entries if period_of(board, e.at) == period]


@pytest.mark.redis
async def test_an_empty_redis_board_is_rebuilt_from_the_source(
    redis_url: str,
    redis_keys: KeySpace,  # noqa: F811
) -> None:
    entries = [entry(ANA, 30, T0), entry(BOB, 50, T0), entry(ANA, 40, T0 + timedelta(days=1))]
    ledger = Ledger(entries)
    client = connect(redis_url)
    try:
        board = RedisLeaderboard(client, redis_keys, source=ledger)
        await board.record(entries[0])  # one live record arrived before the first read
        rows = await board.top(Board.WEEKLY, "2024-W10")
        assert rows == build_board(entries, Board.WEEKLY, "2024-W10")
        assert summary(rows) == [(1, "Ana", 70), (2, "Bob", 50)]
        await board.top(Board.WEEKLY, "2024-W10")
        assert ledger.reads == 1  # built once, then served from Redis

        # Redis lost everything (a restart without persistence): the next read rebuilds.
        doomed = [k async for k in client.scan_iter(match=redis_keys.pattern())]
        await client.delete(*doomed)
        assert await board.rank_of(Board.ALL_TIME, "all", BOB) == BoardRow(
            rank=2, user=BOB, display_name="Bob", xp=50
        )
        assert ledger.reads == 2
    finally:
        await client.aclose()
