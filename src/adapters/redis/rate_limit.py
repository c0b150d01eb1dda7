"""The ``RateLimiter`` port on Redis: an exact sliding-window log in one atomic Lua script.

Each key is a sorted set of the allowed hits' timestamps (µs). One script call prunes hits
older than the window, counts the rest, and records the new hit only if it is allowed, so
concurrent callers in many processes can never exceed ``limit`` within any window. Refused
hits are not recorded (a flood does not extend the lockout). The script runs by EVALSHA and
is loaded again on ``NOSCRIPT`` (redis-py's ``Script`` does this).

Time comes from the injected ``Clock`` (passed to the script), which keeps the adapter and the
in-memory one deterministic under the same test clock; hosts are NTP-synchronised, and skew of
milliseconds is immaterial next to windows of seconds to hours.

An unreachable Redis raises ``ServiceUnavailable``: a limiter must not silently allow
everything. Wrap it in ``FallbackRateLimiter`` to keep limiting on another store.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import redis.asyncio as aioredis

from adapters.memory.clock import SystemClock
from adapters.memory.rate_limit import check_rule, micros
from adapters.redis.client import REDIS_FAILURES, KeySpace
from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.platform import Clock, RateDecision

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_SLIDING_WINDOW = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, math.ceil(window / 1000))
  return {1, limit - count - 1, 0}
end
-- the hit whose expiry frees a slot (the oldest one unless the limit was lowered)
local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
return {0, 0, tonumber(freeing[2]) + window - now}
"""


class RedisRateLimiter:
    """Sliding-window log limiter on Redis; keys ``<prefix>:v<version>:rl:<key>``."""

    def __init__(
        self,
        client: aioredis.Redis,
        keys: KeySpace | None = None,
        *,
        clock: Clock | None = None,
        namespace: str = "rl",
    ) -> None:
        self._client = client
        self._keys = keys or KeySpace()
        self._clock = clock or SystemClock()
        self._namespace = namespace
        self._script = client.register_script(_SLIDING_WINDOW)

    async def hit(self, key: str, limit: int, window: timedelta) -> RateDecision:
        """Record one hit for ``key`` if fewer than ``limit`` were allowed within ``window``.

        Raises ``ServiceUnavailable`` when Redis cannot answer within the client timeout.
        """
        check_rule(limit, window)
        now = micros(self._clock.now() - _EPOCH)
        member = f"{now}:{uuid.uuid4().hex}"
        try:
            reply = await self._script(
                keys=[self._keys.key(self._namespace, key)],
                args=[now, micros(window), limit, member],
            )
        except REDIS_FAILURES as exc:
            log.warning("rate limiter unavailable: %s", exc)
            raise ServiceUnavailable("rate limiter unavailable") from exc
        allowed, remaining, retry_us = (int(x) for x in reply)
        return RateDecision(
            allowed=bool(allowed), remaining=remaining, retry_after_seconds=retry_us / 1e6
        )

    async def refund(self, key: str) -> None:
        """Give back the newest hit recorded for ``key`` (``ZPOPMAX``: one atomic command)."""
        try:
            await self._client.zpopmax(self._keys.key(self._namespace, key))
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("rate limiter unavailable") from exc

    async def reset(self, key: str) -> None:
        """Forget every hit recorded for ``key`` (e.g. after a successful login)."""
        try:
            await self._client.delete(self._keys.key(self._namespace, key))
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("rate limiter unavailable") from exc


__all__ = ["RedisRateLimiter"]
