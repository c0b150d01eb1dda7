"""The part of the container every service needs: settings, clock and ids, the database
engine, the Redis client, the cache, the rate limiter and the revocation feed.

The other parts (:mod:`.identity`, :mod:`.quests`, :mod:`.gamification`, :mod:`.ai`) extend
:class:`Platform`, so a container made of some of them shares one engine, one cache, one
clock (see :func:`apps.container.build_container`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from dependency_injector import containers, providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.cache import MemoryCache
from adapters.memory.clock import RandomIds, SystemClock
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.memory.sessions import MemoryTokenDenylist
from adapters.sql.engine import make_engine
from adapters.sql.rate_limit import SqlRateLimiter
from apps.settings import Settings

log = logging.getLogger(__name__)


class OpenClients:
    """The SDK and HTTP clients this container created (OpenAI, Anthropic, Pinecone,
    SendGrid's httpx client): each holds a connection pool, closed at shutdown by
    :func:`apps.container.close_container`. Only what was created is here, so shutdown never
    builds a client just to close it."""

    def __init__(self) -> None:
        self._clients: list[Any] = []

    def keep(self, client: Any) -> Any:
        """Remember ``client`` (anything with ``async aclose()``); returns it."""
        self._clients.append(client)
        return client

    def __len__(self) -> int:
        return len(self._clients)

    async def aclose(self) -> None:
        """Close every client, newest first; one that fails to close does not keep the
        others open."""
        clients, self._clients = self._clients, []
        for client in reversed(clients):
            try:
                await client.aclose()
            except Exception as exc:  # shutting down: say so, close the rest
                log.warning("could not close %r: %s", client, exc)


def database_kind(url: str) -> str:
    """``memory`` for ``memory://`` (tests, demos), else ``sql`` (SQLite or PostgreSQL)."""
    return "memory" if url.startswith("memory:") else "sql"


def engine_for(url: str, settings: Settings | None = None) -> AsyncEngine | None:
    """The SQL engine (none for the in-memory database) over every service's schema, with the
    pool, connect and statement timeouts of ``settings``. Disposed by
    :func:`apps.container.close_container`."""
    if database_kind(url) == "memory":
        return None
    from apps.services import schemas

    if settings is None:
        return make_engine(url, schemas=schemas())
    return make_engine(
        url,
        schemas=schemas(),
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_size,
        pool_timeout=settings.database_pool_timeout_seconds,
        connect_timeout_seconds=settings.database_connect_timeout_seconds,
        statement_timeout_ms=settings.database_statement_timeout_ms,
    )


def token_verification(jwks_url: str) -> str:
    """``jwks`` when a JWKS URL is configured (a service standing alone), else ``local``: the
    auth service's own use case (the all-in-one and the auth service)."""
    return "jwks" if jwks_url else "local"


def redis_client_for(url: str, enabled: bool) -> Any:
    """A Redis client when some port is configured to use Redis, else ``None``."""
    if not enabled:
        return None
    from adapters.redis.client import connect

    return connect(url)


def _key_space(prefix: str) -> Any:
    from adapters.redis.client import KeySpace

    return KeySpace(prefix=prefix)


def _redis_cache(client: Any, keys: Any) -> Any:
    from adapters.redis.cache import RedisCache

    return RedisCache(client, keys)


def _redis_rate_limiter(
    client: Any, keys: Any, engine: AsyncEngine | None, clock: SystemClock
) -> Any:
    """Redis first; while Redis is down, the SQL counter (never "unlimited"). Without a SQL
    database (``memory://``, tests) the fallback is the in-process limiter."""
    from adapters.rate_limiting import FallbackRateLimiter
    from adapters.redis.rate_limit import RedisRateLimiter

    fallback: Any = MemoryRateLimiter(clock) if engine is None else SqlRateLimiter(engine, clock)
    return FallbackRateLimiter(RedisRateLimiter(client, keys, clock=clock), fallback, clock=clock)


def _redis_token_denylist(client: Any, keys: Any, clock: SystemClock, settings: Settings) -> Any:
    """The feed on Redis; reads get ``QUESTLOG_REVOCATION_GRACE_SECONDS`` on its local copy
    while Redis is unreachable. Its log keeps entries for at least twice the access-token
    lifetime (every revocation's ``until`` is one lifetime plus leeway after it is written)."""
    from adapters.redis.sessions import DEFAULT_LOG_HORIZON, RedisTokenDenylist

    lifetime = timedelta(seconds=settings.access_token_ttl_seconds)
    return RedisTokenDenylist(
        client,
        keys,
        clock=clock,
        grace=timedelta(seconds=settings.revocation_grace_seconds),
        log_horizon=max(DEFAULT_LOG_HORIZON, 2 * lifetime),
    )


class Platform(containers.DeclarativeContainer):
    """What every service shares (see the module docstring)."""

    settings = providers.Dependency(instance_of=Settings)
    config = providers.Configuration()

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(RandomIds)

    # -- pools and clients (closed with the app by close_container) ---------------------
    engine = providers.Singleton(engine_for, config.database_url, settings)
    redis = providers.Singleton(redis_client_for, config.redis_url, config.uses_redis)
    redis_keys = providers.Singleton(_key_space, config.redis_key_prefix)
    #: the SDK and HTTP clients the parts make (closed with the app by close_container)
    open_clients = providers.Singleton(OpenClients)

    # -- shared infrastructure (the cache first: units of work invalidate it) -----------
    cache = providers.Selector(
        config.cache,
        memory=providers.Singleton(MemoryCache, clock=clock),
        redis=providers.Singleton(_redis_cache, redis, redis_keys),
    )
    rate_limiter = providers.Selector(
        config.cache,
        memory=providers.Singleton(MemoryRateLimiter, clock=clock),
        redis=providers.Singleton(_redis_rate_limiter, redis, redis_keys, engine, clock),
    )
    #: the revocation feed every service checks access tokens against
    token_denylist = providers.Selector(
        config.cache,
        memory=providers.Singleton(MemoryTokenDenylist, clock=clock),
        redis=providers.Singleton(_redis_token_denylist, redis, redis_keys, clock, settings),
    )


__all__ = [
    "OpenClients",
    "Platform",
    "database_kind",
    "engine_for",
    "redis_client_for",
    "token_verification",
]
