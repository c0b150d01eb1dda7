"""Contract of the ``RateLimiter`` port: an exact sliding window, the same on memory, Redis
and SQL (SQLite and PostgreSQL: the fallback that keeps the login limiter limiting while Redis
is down).

Every adapter reads time from the same ``FixedClock``, so every assertion is deterministic.
"""

from __future__ import annotations

import asyncio
import random
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis.exceptions
from redis.asyncio import Redis

from adapters.memory.clock import FixedClock
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.rate_limiting import FallbackRateLimiter, RateRule, RouteClassLimits
from adapters.redis.client import KeySpace, connect
from adapters.redis.rate_limit import RedisRateLimiter
from adapters.sql.engine import make_engine
from adapters.sql.rate_limit import SqlRateLimiter
from questlog_core.errors import RateLimited, ServiceUnavailable
from questlog_core.ports.platform import RateDecision, RateLimiter
from tests.contract.conftest import empty_tables
from tests.contract.redis_fixtures import redis_keys  # noqa: F401

MINUTE = timedelta(minutes=1)


@dataclass
class Harness:
    limiter: RateLimiter
    clock: FixedClock
    redis: Redis | None = None

    async def warm(self, connections: int) -> None:
        """Open pooled connections one by one, as a running service already has them.

        Twenty simultaneous first connects on a starved CI host can miss the 0.5 s connect
        timeout; the contract under test is atomicity, not connection setup.
        """
        if self.redis is None:
            return
        pool = self.redis.connection_pool
        held = []
        for _ in range(connections):
            for attempt in range(3):  # setup, not the behaviour under test: retry a slow connect
                try:
                    held.append(await pool.get_connection())  # type: ignore[no-untyped-call]
                    break
                except redis.exceptions.TimeoutError:
                    if attempt == 2:
                        raise
        for conn in held:
            await pool.release(conn)


@pytest.fixture(
    params=["memory", "redis", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    clock = FixedClock(datetime.now(UTC))
    if request.param == "memory":
        yield Harness(MemoryRateLimiter(clock), clock)
        return
    if request.param in {"sqlite", "postgres"}:
        if request.param == "sqlite":
            path = tmp_path / "questlog.db"
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
            engine = make_engine(f"sqlite:///{path}")
        else:
            engine = make_engine(request.getfixturevalue("postgres_database"), pool_size=30)
            async with engine.begin() as connection:
                await empty_tables(connection)
        yield Harness(SqlRateLimiter(engine, clock), clock)
        await engine.dispose()
        return
    url: str = request.getfixturevalue("redis_url")
    keys: KeySpace = request.getfixturevalue("redis_keys")
    client = connect(url)
    yield Harness(RedisRateLimiter(client, keys, clock=clock), clock, client)
    await client.aclose()


async def test_hits_up_to_the_limit_are_allowed_and_count_down(harness: Harness) -> None:
    decisions = [await harness.limiter.hit("login:ana", 3, MINUTE) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, True]
    assert [d.remaining for d in decisions] == [2, 1, 0]
    assert all(d.retry_after_seconds == 0 for d in decisions)


async def test_the_hit_over_the_limit_is_refused_with_when_to_retry(harness: Harness) -> None:
    await harness.limiter.hit("k", 2, MINUTE)
    harness.clock.advance(timedelta(seconds=20))
    await harness.limiter.hit("k", 2, MINUTE)
    harness.clock.advance(timedelta(seconds=10))
    refused = await harness.limiter.hit("k", 2, MINUTE)
    assert refused == RateDecision(allowed=False, remaining=0, retry_after_seconds=30.0)


async def test_the_window_slides_rather_than_resetting(harness: Harness) -> None:
    await harness.limiter.hit("k", 2, MINUTE)  # t=0
    harness.clock.advance(timedelta(seconds=30))
    await harness.limiter.hit("k", 2, MINUTE)  # t=30
    harness.clock.advance(timedelta(seconds=31))  # t=61: the first hit has left
    assert (await harness.limiter.hit("k", 2, MINUTE)).allowed
    assert not (await harness.limiter.hit("k", 2, MINUTE)).allowed  # the t=30 hit still counts
    harness.clock.advance(timedelta(seconds=29))  # t=90: the t=30 hit leaves exactly now
    assert (await harness.limiter.hit("k", 2, MINUTE)).allowed


async def test_refused_hits_do_not_extend_the_lockout(harness: Harness) -> None:
    await harness.limiter.hit("k", 1, MINUTE)
    for _ in range(5):
        harness.clock.advance(timedelta(seconds=10))
        assert not (await harness.limiter.hit("k", 1, MINUTE)).allowed
    harness.clock.advance(timedelta(seconds=10))
    assert (await harness.limiter.hit("k", 1, MINUTE)).allowed


async def test_keys_are_counted_separately(harness: Harness) -> None:
    await harness.limiter.hit("login:ana", 1, MINUTE)
    assert (await harness.limiter.hit("login:bob", 1, MINUTE)).allowed
    assert not (await harness.limiter.hit("login:ana", 1, MINUTE)).allowed


async def test_reset_forgets_a_keys_hits(harness: Harness) -> None:
    await harness.limiter.hit("k", 1, MINUTE)
    await harness.limiter.reset("k")
    assert (await harness.limiter.hit("k", 1, MINUTE)).allowed


async def test_a_refund_gives_back_the_newest_hit(harness: Harness) -> None:
    await harness.limiter.hit("k", 2, MINUTE)  # t=0
    harness.clock.advance(timedelta(seconds=30))
    await harness.limiter.hit("k", 2, MINUTE)  # t=30
    await harness.limiter.refund("k")  # the t=30 hit is given back
    assert (await harness.limiter.hit("k", 2, MINUTE)).remaining == 0
    refused = await harness.limiter.hit("k", 2, MINUTE)
    assert refused == RateDecision(allowed=False, remaining=0, retry_after_seconds=30.0)


async def test_spending_then_refunding_never_uses_up_the_budget(harness: Harness) -> None:
    # What a sign-in does: spend before trying, refund on success. 10 successes, limit 3.
    for _ in range(10):
        assert (await harness.limiter.hit("k", 3, MINUTE)).allowed
        await harness.limiter.refund("k")
    assert (await harness.limiter.hit("k", 3, MINUTE)).remaining == 2


async def test_refunding_a_key_without_hits_does_nothing(harness: Harness) -> None:
    await harness.limiter.refund("never-hit")
    await harness.limiter.hit("k", 1, MINUTE)
    await harness.limiter.refund("k")
    await harness.limiter.refund("k")  # nothing left to give back
    assert (await harness.limiter.hit("k", 1, MINUTE)).allowed
    assert not (await harness.limiter.hit("k", 1, MINUTE)).allowed


async def test_concurrent_spends_and_refunds_keep_the_count_exact(harness: Harness) -> None:
    await harness.warm(20)

    async def attempt(succeeds: bool) -> bool:
        """True when the attempt was allowed and failed (so its hit stays counted)."""
        decision = await harness.limiter.hit("k", 12, MINUTE)
        if decision.allowed and succeeds:
            await harness.limiter.refund("k")
        return decision.allowed and not succeeds

    counted = sum(await asyncio.gather(*(attempt(i % 2 == 0) for i in range(20))))
    assert counted >= 2  # 12 of 20 at least were allowed, half of them failures or more
    # exactly the allowed failures stay counted: the successes were all given back
    assert (await harness.limiter.hit("k", 12, MINUTE)).remaining == 12 - counted - 1


async def test_nonsensical_rules_are_refused(harness: Harness) -> None:
    with pytest.raises(ValueError, match="limit"):
        await harness.limiter.hit("k", 0, MINUTE)
    with pytest.raises(ValueError, match="window"):
        await harness.limiter.hit("k", 1, timedelta(0))


async def test_concurrent_hits_never_exceed_the_limit(harness: Harness) -> None:
    # 20 callers at once (20 Redis connections): a read-then-write limiter would over-admit.
    await harness.warm(20)
    decisions = await asyncio.gather(*(harness.limiter.hit("k", 5, MINUTE) for _ in range(20)))
    assert sum(d.allowed for d in decisions) == 5


async def test_no_window_ever_holds_more_than_the_limit(harness: Harness) -> None:
    # A random walk of hits: in every 10 s span, at most 4 were allowed, and a hit was refused
    # only when 4 had already been allowed in the 10 s before it.
    rng = random.Random(7)
    window, limit = timedelta(seconds=10), 4
    allowed_at: list[datetime] = []
    for _ in range(200):
        harness.clock.advance(timedelta(milliseconds=rng.randint(0, 3000)))
        now = harness.clock.now()
        recent = [t for t in allowed_at if t > now - window]
        decision = await harness.limiter.hit("walk", limit, window)
        assert decision.allowed == (len(recent) < limit)
        if decision.allowed:
            allowed_at.append(now)
    assert len(allowed_at) > 50


# --- fail-over and route classes (adapter-independent) ---------------------------------------


class DownLimiter:
    """A limiter whose store is unreachable."""

    def __init__(self) -> None:
        self.calls = 0

    async def hit(self, key: str, limit: int, window: timedelta) -> RateDecision:
        self.calls += 1
        raise ServiceUnavailable("rate limiter unavailable")

    async def reset(self, key: str) -> None:
        raise ServiceUnavailable("rate limiter unavailable")

    async def refund(self, key: str) -> None:
        raise ServiceUnavailable("rate limiter unavailable")


async def test_the_fallback_keeps_limiting_while_the_primary_is_down() -> None:
    clock = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    limiter = FallbackRateLimiter(DownLimiter(), MemoryRateLimiter(clock), clock=clock)
    decisions = [await limiter.hit("login:ana", 3, MINUTE) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert limiter.using_fallback


async def test_the_primary_is_retried_only_after_a_pause() -> None:
    clock = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    primary = DownLimiter()
    limiter = FallbackRateLimiter(
        primary, MemoryRateLimiter(clock), clock=clock, retry_primary_after=timedelta(seconds=5)
    )
    for _ in range(10):
        await limiter.hit("k", 100, MINUTE)
    assert primary.calls == 1
    clock.advance(timedelta(seconds=5))
    await limiter.hit("k", 100, MINUTE)
    assert primary.calls == 2


async def test_the_primary_answers_while_it_is_up() -> None:
    clock = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    primary, fallback = MemoryRateLimiter(clock), MemoryRateLimiter(clock)
    limiter = FallbackRateLimiter(primary, fallback, clock=clock)
    await limiter.hit("k", 1, MINUTE)
    assert not (await primary.hit("k", 1, MINUTE)).allowed
    assert (await fallback.hit("k", 1, MINUTE)).allowed
    assert not limiter.using_fallback


async def test_a_refund_goes_to_the_store_in_use() -> None:
    clock = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    fallback = MemoryRateLimiter(clock)
    limiter = FallbackRateLimiter(DownLimiter(), fallback, clock=clock)
    await limiter.hit("k", 1, MINUTE)  # counted on the fallback
    await limiter.refund("k")
    assert (await fallback.hit("k", 1, MINUTE)).allowed


async def test_when_both_stores_are_down_nothing_is_allowed_silently() -> None:
    limiter = FallbackRateLimiter(DownLimiter(), DownLimiter())
    with pytest.raises(ServiceUnavailable):
        await limiter.hit("k", 1, MINUTE)


async def test_route_classes_have_their_own_rules_and_keys(harness: Harness) -> None:
    limits = RouteClassLimits(
        harness.limiter,
        {"login.account": RateRule(2, MINUTE), "ai.user": RateRule(1, MINUTE)},
    )
    await limits.enforce("login.account", "ana@example.com")
    await limits.enforce("login.account", "ana@example.com")
    with pytest.raises(RateLimited) as refused:
        await limits.enforce("login.account", "ana@example.com")
    assert refused.value.retry_after_seconds == 60.0
    assert (await limits.hit("ai.user", "ana@example.com")).allowed  # another class, own budget
    await limits.reset("login.account", "ana@example.com")
    assert (await limits.hit("login.account", "ana@example.com")).allowed
    with pytest.raises(KeyError):
        await limits.hit("unknown.class", "x")
