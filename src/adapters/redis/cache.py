"""The ``Cache`` port on Redis: namespaced, versioned keys with TTLs; an outage reads as a miss.

Redis is an optimisation here, never a dependency: when it is unreachable or slow, ``get``
answers ``None`` (the caller loads from the source of truth) and ``set``/``delete`` are dropped
with a warning. A dropped ``delete`` could leave a stale entry behind once Redis is back, so
failed deletes are remembered in-process and replayed before the next successful call, and
keys waiting for replay read as misses here meanwhile (see ``docs/redis.md``).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import redis.asyncio as aioredis

from adapters.redis.client import REDIS_FAILURES, KeySpace
from adapters.redis.read_ahead import current_read_ahead
from questlog_core.errors import ServiceUnavailable

log = logging.getLogger(__name__)

#: How many failed invalidations are remembered for replay; beyond it the oldest are dropped
#: (their entries still expire by TTL).
MAX_PENDING_DELETES = 10_000


class RedisCache:
    """Byte cache on Redis under ``<prefix>:v<version>:<namespace>:<key>``."""

    def __init__(
        self, client: aioredis.Redis, keys: KeySpace | None = None, *, namespace: str = "cache"
    ) -> None:
        self._client = client
        self._keys = keys or KeySpace()
        self._namespace = namespace
        self._pending_deletes: dict[str, None] = {}  # insertion-ordered set of full keys

    def _key(self, key: str) -> str:
        return self._keys.key(self._namespace, key)

    def full_keys(self, *keys: str) -> list[str]:
        """The Redis keys behind cache keys (for :mod:`adapters.redis.read_ahead`)."""
        return [self._key(k) for k in keys]

    async def get(self, key: str) -> bytes | None:
        """The cached bytes, or ``None`` on a miss or when Redis cannot answer."""
        values = await self.get_many(key)
        return values[0]

    async def get_many(self, *keys: str) -> list[bytes | None]:
        """Several entries read in one round trip (one consistent snapshot)."""
        full = [self._key(k) for k in keys]
        if not await self._replay_pending():
            return [None] * len(keys)
        ahead = current_read_ahead()
        if ahead is not None:
            # Read in this request's revocation lookup a moment ago (one round trip in all).
            found = ahead.take(full)
            if found is not None:
                return found
        try:
            raw = await self._client.mget(full)
        except REDIS_FAILURES as exc:
            log.warning("cache read failed, treating as a miss: %s", exc)
            return [None] * len(keys)
        return [v if isinstance(v, bytes) else None for v in raw]

    async def set(self, key: str, value: bytes, ttl: timedelta) -> None:
        """Store ``value`` for ``ttl`` (at least one millisecond); dropped if Redis is down."""
        full = self._key(key)
        if not await self._replay_pending():
            log.warning("cache write dropped (invalidations pending): %s", full)
            return
        try:
            await self._client.set(full, value, px=_millis(ttl))
        except REDIS_FAILURES as exc:
            log.warning("cache write dropped: %s", exc)

    async def add(self, key: str, value: bytes, ttl: timedelta) -> bool:
        """``SET NX`` with a TTL: whether this call stored ``value`` (one caller wins a race).

        A claim cannot be "treated as a miss": when Redis cannot answer (or invalidations are
        still pending) this raises ``ServiceUnavailable`` instead of pretending to have won.
        """
        full = self._key(key)
        if not await self._replay_pending():
            raise ServiceUnavailable("cache unavailable")
        try:
            stored = await self._client.set(full, value, px=_millis(ttl), nx=True)
        except REDIS_FAILURES as exc:
            log.warning("cache claim failed: %s", exc)
            raise ServiceUnavailable("cache unavailable") from exc
        return bool(stored)

    async def delete(self, *keys: str) -> None:
        """Remove entries; if Redis is down the deletes are queued and replayed later."""
        if not keys:
            return
        full = [self._key(k) for k in keys]
        try:
            await self._client.delete(*full)
        except REDIS_FAILURES as exc:
            log.warning("cache invalidation queued for replay: %s", exc)
            self._remember(full)

    def _remember(self, full_keys: list[str]) -> None:
        for k in full_keys:
            self._pending_deletes.pop(k, None)
            self._pending_deletes[k] = None
        while len(self._pending_deletes) > MAX_PENDING_DELETES:
            del self._pending_deletes[next(iter(self._pending_deletes))]

    async def _replay_pending(self) -> bool:
        """Apply queued deletes; ``False`` if some are still pending (Redis still down).

        While deletes are pending nothing is read or written: an entry we failed to invalidate
        must not be served, and a new write could race with the replay.
        """
        if not self._pending_deletes:
            return True
        batch = list(self._pending_deletes)
        try:
            await self._client.delete(*batch)
        except REDIS_FAILURES as exc:
            log.warning("cache invalidation replay failed, %d pending: %s", len(batch), exc)
            return False
        for k in batch:
            self._pending_deletes.pop(k, None)
        log.info("replayed %d cache invalidations", len(batch))
        return True


def _millis(ttl: timedelta) -> int:
    return max(1, int(ttl.total_seconds() * 1000))


__all__ = ["MAX_PENDING_DELETES", "RedisCache"]
