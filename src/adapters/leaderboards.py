"""Leaderboards read from Redis sorted sets while SQL stays the truth.

:class:`ProjectedGamificationUnitOfWork` wraps the SQL game unit of work. Its leaderboard
writes go to the SQL board in the transaction (the truth, as without Redis) and are queued for
the Redis board (:class:`~adapters.redis.leaderboard.RedisLeaderboard`), which receives them
only after the commit succeeded, so Redis never shows XP that was rolled back. Reads ask Redis
and fall back to the SQL board of the same transaction while Redis fails.

When Redis fails *after* a commit, the Redis board misses that change. :class:`BoardProjection`
remembers it in the process: until the affected periods are dropped from Redis (done first
thing on the next Redis call that works; a dropped period is rebuilt from the SQL ledger on its
next read) every read in this process answers from SQL. A missed opt-out or rename drops every
board, so an opted-out player can never linger on one. What this cannot cover: the process
dying between the commit and the Redis write; that period then lacks the change until it is
rebuilt (``RedisLeaderboard`` rebuilds a period whose keys are gone).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from adapters.after_commit import AfterCommitUnitOfWork, Effect
from adapters.redis.leaderboard import RedisLeaderboard
from questlog_core.errors import ServiceUnavailable
from questlog_core.gamification.leaderboards import Board, BoardEntry, BoardRow, periods_of
from questlog_core.ids import UserId
from questlog_core.ports.gamification import (
    GamificationUnitOfWork,
    Leaderboard,
)

logger = logging.getLogger("questlog.leaderboards")

_Write = Callable[[Leaderboard], Awaitable[None]]


class BoardProjection:
    """The Redis board a process projects to, and what it failed to project (shared by every
    unit of work of the process)."""

    def __init__(self, redis: RedisLeaderboard) -> None:
        self.redis = redis
        #: board periods that missed a write and must be dropped from Redis before it is read
        self._stale: set[tuple[Board, str]] = set()
        #: a missed opt-out or rename: every board must be dropped
        self._all_stale = False

    @property
    def trustworthy(self) -> bool:
        """Whether the Redis board has every committed change this process made."""
        return not self._stale and not self._all_stale

    async def apply(self, writes: Sequence[tuple[_Write, list[tuple[Board, str]] | None]]) -> None:
        """Replay committed board writes on Redis; a failure marks what they touched stale."""
        if not writes:
            return
        await self.repair()
        for write, periods in writes:
            if not self.trustworthy:
                self._mark(periods)
                continue
            try:
                await write(self.redis)
            except ServiceUnavailable:
                logger.warning("leaderboard: Redis missed a committed change; reads use SQL")
                self._mark(periods)

    def _mark(self, periods: list[tuple[Board, str]] | None) -> None:
        if periods is None:
            self._all_stale = True
        else:
            self._stale.update(periods)

    async def repair(self) -> bool:
        """Drop the stale periods from Redis (they rebuild from SQL on their next read)."""
        if self.trustworthy:
            return True
        try:
            if self._all_stale:
                await self.redis.forget_everything()
            else:
                for board, period in sorted(self._stale):
                    await self.redis.forget(board, period)
        except ServiceUnavailable:
            return False
        self._stale.clear()
        self._all_stale = False
        logger.info("leaderboard: stale Redis boards dropped; they rebuild from SQL")
        return True


class ProjectedLeaderboard:
    """A unit of work's ``Leaderboard``: SQL in the transaction, Redis after commit and for
    reads (SQL while Redis fails or misses a change)."""

    def __init__(
        self,
        truth: Leaderboard,
        projection: BoardProjection,
        pending: list[tuple[_Write, list[tuple[Board, str]] | None]],
    ) -> None:
        self._truth = truth
        self._projection = projection
        self._pending = pending

    async def record(self, entry: BoardEntry) -> None:
        await self._truth.record(entry)
        self._pending.append((lambda board: board.record(entry), periods_of(entry.at)))

    async def remove_user(self, user: UserId) -> None:
        await self._truth.remove_user(user)
        self._pending.append((lambda board: board.remove_user(user), None))

    async def rename(self, user: UserId, display_name: str) -> None:
        await self._truth.rename(user, display_name)
        self._pending.append((lambda board: board.rename(user, display_name), None))

    async def top(
        self, board: Board, period: str, limit: int = 10, *, offset: int = 0
    ) -> list[BoardRow]:
        if await self._projection.repair():
            try:
                return await self._projection.redis.top(board, period, limit, offset=offset)
            except ServiceUnavailable:
                logger.warning("leaderboard: Redis unavailable; answering from the SQL board")
        return await self._truth.top(board, period, limit, offset=offset)

    async def rank_of(self, board: Board, period: str, user: UserId) -> BoardRow | None:
        if await self._projection.repair():
            try:
                return await self._projection.redis.rank_of(board, period, user)
            except ServiceUnavailable:
                logger.warning("leaderboard: Redis unavailable; answering from the SQL board")
        return await self._truth.rank_of(board, period, user)


class ProjectedGamificationUnitOfWork(AfterCommitUnitOfWork[GamificationUnitOfWork]):
    """The SQL game unit of work with its leaderboard projected to Redis (see the module and
    :class:`~adapters.after_commit.AfterCommitUnitOfWork`): the board writes it noted reach
    Redis only after the commit succeeded."""

    def __init__(self, inner: GamificationUnitOfWork, projection: BoardProjection) -> None:
        super().__init__(inner)
        self._projection = projection
        self._pending: list[tuple[_Write, list[tuple[Board, str]] | None]] = []
        self._leaderboard = ProjectedLeaderboard(inner.leaderboard, projection, self._pending)

    @property
    def leaderboard(self) -> Leaderboard:
        return self._leaderboard

    def _forget(self) -> None:
        self._pending.clear()  # uncommitted board writes never reach Redis

    def _effect(self) -> Effect:
        writes = list(self._pending)
        self._pending.clear()

        async def apply() -> None:
            await self._projection.apply(writes)

        return apply


__all__ = ["BoardProjection", "ProjectedGamificationUnitOfWork", "ProjectedLeaderboard"]
