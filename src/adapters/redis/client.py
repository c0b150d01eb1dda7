"""The Redis client every Redis adapter shares: short timeouts, no silent retries, key layout.

A Redis call that cannot finish within the budget fails fast so the adapter above can take its
documented fallback (a cache miss, the SQL limiter, a refused request) instead of holding the
request. redis-py retries connection errors three times with backoff by default; we turn that
off so one failed call costs at most one timeout.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

#: The most any single Redis call may block a request, in seconds (connect and read).
DEFAULT_TIMEOUT_SECONDS = 0.5

#: What an unreachable, slow or broken Redis raises; adapters catch exactly these.
REDIS_FAILURES: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)


def connect(
    url: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS, max_connections: int = 256
) -> aioredis.Redis:
    """A pooled asyncio client for ``url`` with connect/read timeouts of ``timeout`` seconds.

    Each concurrent call holds its own pooled connection (redis-py does not multiplex), so the
    pool grows to the process's peak concurrency and is reused afterwards. Past
    ``max_connections`` a call fails at once (the adapter's fallback applies) rather than
    queueing: a blocking pool starves waiters under saturation and turns a busy Redis into
    timeouts. Responses stay ``bytes`` (no decoding).
    """
    if not 0 < timeout <= DEFAULT_TIMEOUT_SECONDS:
        raise ValueError(f"Redis timeout must be in (0, {DEFAULT_TIMEOUT_SECONDS}] seconds")
    pool = aioredis.ConnectionPool.from_url(
        url,
        max_connections=max_connections,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry_on_timeout=False,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=30,
    )
    client: aioredis.Redis = aioredis.Redis.from_pool(pool)  # the client closes its pool
    return client


@dataclass(frozen=True, slots=True)
class KeySpace:
    """Builds every Redis key as ``<prefix>:v<version>:<namespace>:<part>:...``.

    The version is bumped when a stored format changes, so old and new deployments never read
    each other's bytes; the prefix lets tests (and tenants) run side by side in one database.
    """

    prefix: str = "ql"
    version: int = 1

    def key(self, namespace: str, *parts: str) -> str:
        """The full key for ``parts`` under ``namespace``."""
        return ":".join((self.prefix, f"v{self.version}", namespace, *parts))

    def pattern(self) -> str:
        """A ``SCAN MATCH`` pattern for every key of this key space (for cleanup)."""
        return f"{self.prefix}:v{self.version}:*"


__all__ = ["DEFAULT_TIMEOUT_SECONDS", "REDIS_FAILURES", "KeySpace", "connect"]
