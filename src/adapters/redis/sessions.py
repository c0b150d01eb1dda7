"""The revocation feed on Redis: the access-token denylist every service reads.

It fails **closed**: when Redis cannot answer, every method raises ``ServiceUnavailable``
(the edge answers 503) rather than letting a revoked token through or reporting a logout that
revoked nothing. Entries carry TTLs so the denylist holds only tokens that could still be used.

Losing entries (a restart without persistence, an eviction) would let revoked access tokens
back in until they expire (minutes), so run Redis with ``appendonly yes`` and
``maxmemory-policy noeviction`` (or ``volatile-*``). Refresh tokens are not here: they are the
auth service's durable SQL records, so a Redis loss never revives a spent refresh token.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis.asyncio as aioredis

from adapters.memory.clock import SystemClock
from adapters.memory.rate_limit import micros
from adapters.redis.client import REDIS_FAILURES, KeySpace
from adapters.redis.read_ahead import current_read_ahead
from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.platform import Clock

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# KEYS[1] subject key; ARGV: issued_before µs, ttl ms. The latest instant and longest ttl win.
_REVOKE_SUBJECT = """
local cur = redis.call('GET', KEYS[1])
if cur and tonumber(cur) >= tonumber(ARGV[1]) then
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
  return 0
end
local ttl = math.max(tonumber(ARGV[2]), redis.call('PTTL', KEYS[1]))
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
return 1
"""


def _us(moment: datetime) -> int:
    return micros(moment - _EPOCH)


def _ms(delta: timedelta) -> int:
    return max(1, micros(delta) // 1000)


class RedisTokenDenylist:
    """Denylist keys ``<ks>:deny:jti:<jti>``, ``<ks>:deny:sid:<session>`` and
    ``<ks>:deny:sub:<subject>``, each with a TTL."""

    def __init__(
        self, client: aioredis.Redis, keys: KeySpace | None = None, *, clock: Clock | None = None
    ) -> None:
        self._client = client
        self._keys = keys or KeySpace()
        self._clock = clock or SystemClock()
        self._revoke_subject = client.register_script(_REVOKE_SUBJECT)

    def _jti(self, jti: str) -> str:
        return self._keys.key("deny", "jti", jti)

    def _session(self, session_id: str) -> str:
        return self._keys.key("deny", "sid", session_id)

    def _subject(self, subject: str) -> str:
        return self._keys.key("deny", "sub", subject)

    async def deny(self, jti: str, until: datetime) -> None:
        """Deny ``jti`` until ``until``; raises ``ServiceUnavailable`` if Redis is down."""
        await self._mark(self._jti(jti), until)

    async def revoke_session(self, session_id: str, until: datetime) -> None:
        """Deny every token of ``session_id`` until ``until``; fails closed."""
        await self._mark(self._session(session_id), until)

    async def _mark(self, key: str, until: datetime) -> None:
        ttl = until - self._clock.now()
        if ttl <= timedelta(0):
            return
        try:
            # GT keeps the longer of two expiries if a key is marked twice.
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.set(key, b"1", nx=True, px=_ms(ttl))
                pipe.pexpire(key, _ms(ttl), gt=True)
                await pipe.execute()
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("token denylist unavailable") from exc

    async def is_denied(self, jti: str) -> bool:
        """Whether ``jti`` is denied; fails closed with ``ServiceUnavailable``."""
        try:
            return bool(await self._client.exists(self._jti(jti)))
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("token denylist unavailable") from exc

    async def revoke_subject(self, subject: str, issued_before: datetime, until: datetime) -> None:
        """Deny ``subject``'s tokens issued before ``issued_before`` until ``until``."""
        ttl = until - self._clock.now()
        if ttl <= timedelta(0):
            return
        try:
            await self._revoke_subject(
                keys=[self._subject(subject)], args=[_us(issued_before), _ms(ttl)]
            )
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("token denylist unavailable") from exc

    async def is_revoked(
        self, jti: str, subject: str, issued_at: datetime, session_id: str | None = None
    ) -> bool:
        """Denied by ``jti``, session or subject, in one round trip (``MGET``); fails closed.

        Keys the request declared with :func:`~adapters.redis.read_ahead.read_ahead` are
        fetched in the same ``MGET`` (they do not take part in the verdict)."""
        keys = [self._jti(jti), self._subject(subject)]
        if session_id is not None:
            keys.append(self._session(session_id))
        ahead = current_read_ahead()
        extra = ahead.keys(subject) if ahead is not None else []
        try:
            values = await self._client.mget(keys + extra)
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("token denylist unavailable") from exc
        if ahead is not None and extra:
            ahead.remember(extra, values[len(keys) :])
        denied, instant, *session = values[: len(keys)]
        if denied is not None or any(s is not None for s in session):
            return True
        return instant is not None and _us(issued_at) < int(instant)


__all__ = ["RedisTokenDenylist"]
