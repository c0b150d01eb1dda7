"""The ``Leaderboard`` port on Redis sorted sets: a projection of the XP ledger.

Per board period (``weekly:2024-W10``, ``monthly:2024-03``, ``all_time:all``) there are:

- ``…:lb:<board>:<period>:rank`` a sorted set. Score ``-xp`` and member
  ``<reached_at µs, 20 digits>:<user id>``: ascending order is then exactly
  ``leaderboards.sort_key`` (more XP, then whoever reached it first, then the smaller user id),
  with full microsecond precision and XP up to 2**53, and no tie ever depends on insertion order;
- ``…:rank``'s companion hash ``…:meta`` (``<user>:xp``, ``:at``, ``:name``, ``:m`` member);
- ``…:seen:<user>`` the user's entry ids already applied (recording is idempotent per board
  period); per user, so an opt-out forgets them with the rows and opting back in re-applies;
- ``…:built`` set once the period has been rebuilt from the source of truth.

A read of a period without ``built`` first replays the source's entries for it (the SQL
ledger); entries already seen are skipped, so a replay racing live ``record`` calls applies
every entry exactly once. Weekly and monthly boards expire some time after their last write and
are rebuilt on demand if read again. Every script touches one period's keys, plus the user's
index ``…:lb:user:<user>`` for opt-out and renames (a single Redis, or one cluster slot).

When Redis is down the board raises ``ServiceUnavailable``; the SQL board stays the truth.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol
from uuid import UUID

import redis.asyncio as aioredis

from adapters.memory.rate_limit import micros
from adapters.redis.client import REDIS_FAILURES, KeySpace
from questlog_core.errors import ServiceUnavailable
from questlog_core.gamification.leaderboards import Board, BoardEntry, BoardRow, periods_of
from questlog_core.ids import UserId

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: How long a board period lives after its last write (all-time boards never expire).
RETENTION: dict[Board, timedelta | None] = {
    Board.WEEKLY: timedelta(weeks=26),
    Board.MONTHLY: timedelta(days=2 * 366),
    Board.ALL_TIME: None,
}

# KEYS: rank, meta, seen, user index. ARGV: entry id, user, amount, at (20 digits), name,
# board ref, ttl ms (0 = none).
_RECORD = """
if redis.call('SADD', KEYS[3], ARGV[1]) == 0 then return 0 end
local user = ARGV[2]
local xp = tonumber(ARGV[3])
local at = ARGV[4]
local old = redis.call('HMGET', KEYS[2], user .. ':xp', user .. ':at', user .. ':m')
if old[1] then
  xp = xp + tonumber(old[1])
  if old[2] > at then at = old[2] end
  redis.call('ZREM', KEYS[1], old[3])
end
local member = at .. ':' .. user
redis.call('ZADD', KEYS[1], 0 - xp, member)
redis.call('HSET', KEYS[2], user .. ':xp', string.format('%d', xp), user .. ':at', at,
  user .. ':name', ARGV[5], user .. ':m', member)
redis.call('SADD', KEYS[4], ARGV[6])
local ttl = tonumber(ARGV[7])
if ttl > 0 then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
"""

# KEYS: rank, meta. ARGV: first, last (0-based, inclusive). Returns user, xp, name triples in
# rank order.
_TOP = """
local members = redis.call('ZRANGE', KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
local out = {}
for _, m in ipairs(members) do
  local user = string.sub(m, 22)
  local f = redis.call('HMGET', KEYS[2], user .. ':xp', user .. ':name')
  out[#out + 1] = user
  out[#out + 1] = f[1]
  out[#out + 1] = f[2]
end
return out
"""

# KEYS: rank, meta. ARGV: user. Returns {0-based rank, xp, name} or {}.
_RANK_OF = """
local f = redis.call('HMGET', KEYS[2], ARGV[1] .. ':m', ARGV[1] .. ':xp', ARGV[1] .. ':name')
if not f[1] then return {} end
local r = redis.call('ZRANK', KEYS[1], f[1])
if not r then return {} end
return {r, f[2], f[3]}
"""

# KEYS: rank, meta, the user's seen set. ARGV: user.
_REMOVE = """
local m = redis.call('HGET', KEYS[2], ARGV[1] .. ':m')
if m then redis.call('ZREM', KEYS[1], m) end
redis.call('DEL', KEYS[3])
redis.call('HDEL', KEYS[2], ARGV[1] .. ':xp', ARGV[1] .. ':at', ARGV[1] .. ':name', ARGV[1] .. ':m')
return 1
"""

# KEYS: meta. ARGV: user, name.
_RENAME = """
if redis.call('HEXISTS', KEYS[1], ARGV[1] .. ':m') == 1 then
  redis.call('HSET', KEYS[1], ARGV[1] .. ':name', ARGV[2])
end
return 1
"""


class BoardSource(Protocol):
    """The source of truth a board period is rebuilt from (the SQL ledger and players)."""

    async def board_entries(self, board: Board, period: str) -> Sequence[BoardEntry]:
        """Every entry counting toward ``(board, period)``, leaving out opted-out players,
        each with the player's current display name."""
        ...


class RedisLeaderboard:
    """XP boards as sorted sets, rebuilt from ``source`` when a period is missing."""

    def __init__(
        self,
        client: aioredis.Redis,
        keys: KeySpace | None = None,
        *,
        source: BoardSource | None = None,
    ) -> None:
        self._client = client
        self._keys = keys or KeySpace()
        self._source = source
        self._record = client.register_script(_RECORD)
        self._top = client.register_script(_TOP)
        self._rank_of = client.register_script(_RANK_OF)
        self._remove = client.register_script(_REMOVE)
        self._rename = client.register_script(_RENAME)

    def _key(self, board: Board, period: str, *parts: str) -> str:
        return self._keys.key("lb", board.value, period, *parts)

    def _user_key(self, user: UUID) -> str:
        return self._keys.key("lb", "user", str(user))

    async def record(self, entry: BoardEntry) -> None:
        """Add ``entry`` to its weekly, monthly and all-time boards (idempotent by entry id)."""
        try:
            for board, period in periods_of(entry.at):
                await self._apply(board, period, entry)
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("leaderboard unavailable") from exc

    async def _apply(self, board: Board, period: str, entry: BoardEntry) -> None:
        ttl = RETENTION[board]
        await self._record(
            keys=[
                self._key(board, period, "rank"),
                self._key(board, period, "meta"),
                self._key(board, period, "seen", str(entry.user)),
                self._user_key(entry.user),
            ],
            args=[
                str(entry.entry_id),
                str(entry.user),
                entry.amount,
                f"{micros(entry.at.astimezone(UTC) - _EPOCH):020d}",
                entry.display_name,
                f"{board.value}:{period}",
                micros(ttl) // 1000 if ttl is not None else 0,
            ],
        )

    async def _ensure_built(self, board: Board, period: str) -> None:
        if self._source is None:
            return
        built = self._key(board, period, "built")
        if await self._client.exists(built):
            return
        for entry in await self._source.board_entries(board, period):
            await self._apply(board, period, entry)
        ttl = RETENTION[board]
        await self._client.set(built, b"1", px=micros(ttl) // 1000 if ttl is not None else None)

    async def top(
        self, board: Board, period: str, limit: int = 10, *, offset: int = 0
    ) -> list[BoardRow]:
        """The best ``limit`` rows after the first ``offset``, in board order."""
        if limit < 1:
            return []
        offset = max(offset, 0)
        try:
            await self._ensure_built(board, period)
            flat = await self._top(
                keys=[self._key(board, period, "rank"), self._key(board, period, "meta")],
                args=[offset, offset + limit - 1],
            )
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("leaderboard unavailable") from exc
        return [
            BoardRow(
                rank=offset + i // 3 + 1,
                user=UserId(UUID(_text(flat[i]))),
                xp=int(flat[i + 1]),
                display_name=_text(flat[i + 2]),
            )
            for i in range(0, len(flat), 3)
        ]

    async def rank_of(self, board: Board, period: str, user: UserId) -> BoardRow | None:
        """The user's row, or ``None`` if they are not on that board."""
        try:
            await self._ensure_built(board, period)
            found = await self._rank_of(
                keys=[self._key(board, period, "rank"), self._key(board, period, "meta")],
                args=[str(user)],
            )
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("leaderboard unavailable") from exc
        if not found:
            return None
        position, xp, name = found
        return BoardRow(rank=int(position) + 1, user=user, xp=int(xp), display_name=_text(name))

    async def _boards_of(self, user: UUID) -> list[tuple[Board, str]]:
        refs = await self._client.smembers(self._user_key(user))
        out = []
        for ref in refs:
            board, _, period = _text(ref).partition(":")
            out.append((Board(board), period))
        return out

    async def remove_user(self, user: UserId) -> None:
        """Take the user off every board they are on (opt-out); their XP stays in the ledger."""
        try:
            for board, period in await self._boards_of(user):
                await self._remove(
                    keys=[
                        self._key(board, period, "rank"),
                        self._key(board, period, "meta"),
                        self._key(board, period, "seen", str(user)),
                    ],
                    args=[str(user)],
                )
            await self._client.delete(self._user_key(user))
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("leaderboard unavailable") from exc

    async def rename(self, user: UserId, display_name: str) -> None:
        """Show ``display_name`` on every board the user is on."""
        try:
            for board, period in await self._boards_of(user):
                await self._rename(
                    keys=[self._key(board, period, "meta")], args=[str(user), display_name]
                )
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("leaderboard unavailable") from exc

    async def forget(self, board: Board, period: str) -> None:
        """Drop one board period; its next read rebuilds it from the source."""
        try:
            seen = self._client.scan_iter(match=self._key(board, period, "seen", "*"), count=500)
            doomed = [key async for key in seen]
            doomed += [self._key(board, period, part) for part in ("built", "rank", "meta")]
            await self._client.delete(*doomed)
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("leaderboard unavailable") from exc

    async def forget_everything(self) -> None:
        """Drop every board period and user index; each period rebuilds on its next read."""
        try:
            batch: list[bytes | str] = []
            async for key in self._client.scan_iter(match=self._keys.key("lb", "*"), count=500):
                batch.append(key)
                if len(batch) >= 500:
                    await self._client.delete(*batch)
                    batch = []
            if batch:
                await self._client.delete(*batch)
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("leaderboard unavailable") from exc


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


__all__ = ["RETENTION", "BoardSource", "RedisLeaderboard"]
