"""The ``RateLimiter`` port on SQL: the login limiter's fallback while Redis is down.

The same **exact sliding-window log** as the Redis and in-memory limiters (so it passes the
same contract suite): a key's row in ``auth.auth_rate_hits`` holds the instants of the hits
allowed within its window; a hit prunes the instants older than the window, counts the rest,
and records itself only if fewer than ``limit`` remain. Refused hits are not recorded.

Atomicity: each hit is one transaction that first locks the key's row (``SELECT ... FOR
UPDATE`` on PostgreSQL; on SQLite the engine's ``BEGIN IMMEDIATE`` already holds the database's
write lock), so concurrent hits on one key — from any number of processes — queue on that
lock and can never admit more than ``limit``. A new key is inserted with ``ON CONFLICT DO
NOTHING``; the loser of that race locks the winner's row and carries on.

It costs a write transaction per hit, which is fine for a fallback and for login-sized traffic
(a few hits per sign-in), not for per-request API limits at scale: that is Redis's job. Rows
whose window has passed are purged every :data:`PURGE_EVERY` hits.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.memory.clock import SystemClock
from adapters.memory.rate_limit import check_rule, micros
from adapters.sql import dialects
from adapters.sql.tables import auth as t
from adapters.sql.writers import write_transaction
from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.platform import Clock, RateDecision

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Purge rows whose window has passed once every this many hits (per limiter instance).
PURGE_EVERY = 1024


class SqlRateLimiter:
    """Sliding-window log limiter in the auth schema's ``auth_rate_hits`` table."""

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()
        self._hits = 0

    async def hit(self, key: str, limit: int, window: timedelta) -> RateDecision:
        """Record one hit for ``key`` if fewer than ``limit`` were allowed within ``window``.

        Raises ``ServiceUnavailable`` when the database cannot answer (never "allowed").
        """
        check_rule(limit, window)
        now = self._clock.now()
        self._hits += 1
        try:
            async with write_transaction(self._engine) as connection:
                decision = await self._hit(connection, key, limit, window, now)
            if self._hits % PURGE_EVERY == 0:
                await self.purge()
        except DBAPIError as exc:
            raise ServiceUnavailable("rate limiter unavailable") from exc
        return decision

    async def _hit(
        self,
        connection: AsyncConnection,
        key: str,
        limit: int,
        window: timedelta,
        now: datetime,
    ) -> RateDecision:
        table = t.rate_hits
        now_us, window_us = micros(now - _EPOCH), micros(window)
        locked = select(table.c.hits).where(table.c.key == key).with_for_update()
        stored: Any = (await connection.execute(locked)).scalar_one_or_none()
        if stored is None:
            first = {"key": key, "hits": [now_us], "expires_at": now + window}
            if await dialects.insert_if_absent(connection, table, first):
                return RateDecision(allowed=True, remaining=limit - 1, retry_after_seconds=0.0)
            # Lost the race to create the row: lock the winner's row and count as usual.
            stored = (await connection.execute(locked)).scalar_one()
        hits = sorted(int(h) for h in stored if int(h) > now_us - window_us)
        if len(hits) >= limit:
            # Refused: the hit whose expiry frees a slot (the oldest one unless the limit
            # was lowered); nothing is written, so a flood does not extend the lockout.
            retry_us = hits[len(hits) - limit] + window_us - now_us
            return RateDecision(allowed=False, remaining=0, retry_after_seconds=retry_us / 1e6)
        hits.append(now_us)
        await connection.execute(
            update(table).where(table.c.key == key).values(hits=hits, expires_at=now + window)
        )
        return RateDecision(allowed=True, remaining=limit - len(hits), retry_after_seconds=0.0)

    async def reset(self, key: str) -> None:
        """Forget every hit recorded for ``key``."""
        try:
            async with write_transaction(self._engine) as connection:
                await connection.execute(delete(t.rate_hits).where(t.rate_hits.c.key == key))
        except DBAPIError as exc:
            raise ServiceUnavailable("rate limiter unavailable") from exc

    async def refund(self, key: str) -> None:
        """Give back the newest hit recorded for ``key`` (under the row's lock, like ``hit``)."""
        table = t.rate_hits
        try:
            async with write_transaction(self._engine) as connection:
                locked = select(table.c.hits).where(table.c.key == key).with_for_update()
                stored: Any = (await connection.execute(locked)).scalar_one_or_none()
                if not stored:
                    return
                hits = sorted(int(h) for h in stored)
                hits.pop()
                await connection.execute(update(table).where(table.c.key == key).values(hits=hits))
        except DBAPIError as exc:
            raise ServiceUnavailable("rate limiter unavailable") from exc

    async def purge(self) -> int:
        """Delete the rows whose window has passed; how many went."""
        async with write_transaction(self._engine) as connection:
            result = await connection.execute(
                delete(t.rate_hits)
                .where(t.rate_hits.c.expires_at <= self._clock.now())
                .returning(t.rate_hits.c.key)
            )
            return len(result.all())


__all__ = ["PURGE_EVERY", "SqlRateLimiter"]
