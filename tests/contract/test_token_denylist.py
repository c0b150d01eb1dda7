"""Contract of the ``TokenDenylist`` port: revoked access tokens stay revoked until they expire."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.clock import FixedClock
from adapters.memory.sessions import MemoryTokenDenylist
from adapters.redis.client import KeySpace, connect
from adapters.redis.sessions import RedisTokenDenylist
from questlog_core.ports.sessions import TokenDenylist
from tests.contract.redis_fixtures import redis_keys  # noqa: F401

HOUR = timedelta(hours=1)


@dataclass
class Harness:
    denylist: TokenDenylist
    clock: FixedClock
    elapse: Callable[[timedelta], Awaitable[None]]


@pytest.fixture(params=["memory", "redis", "redis-with-grace"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    """``redis-with-grace`` keeps a local copy of the feed, so its checks also read the log."""
    clock = FixedClock(datetime.now(UTC))
    if request.param == "memory":

        async def advance(delta: timedelta) -> None:
            clock.advance(delta)

        yield Harness(MemoryTokenDenylist(clock), clock, advance)
        return
    url: str = request.getfixturevalue("redis_url")
    keys: KeySpace = request.getfixturevalue("redis_keys")
    client = connect(url)

    async def wait(delta: timedelta) -> None:
        clock.advance(delta)
        await asyncio.sleep(delta.total_seconds())  # Redis expires keys on its own clock

    grace = HOUR if request.param == "redis-with-grace" else timedelta(0)
    yield Harness(RedisTokenDenylist(client, keys, clock=clock, grace=grace), clock, wait)
    await client.aclose()


async def test_a_token_never_denied_is_not_denied(harness: Harness) -> None:
    assert not await harness.denylist.is_denied("jti-1")


async def test_a_denied_token_is_denied_and_others_are_not(harness: Harness) -> None:
    await harness.denylist.deny("jti-1", harness.clock.now() + HOUR)
    assert await harness.denylist.is_denied("jti-1")
    assert not await harness.denylist.is_denied("jti-2")


async def test_denying_an_already_expired_token_stores_nothing(harness: Harness) -> None:
    await harness.denylist.deny("old", harness.clock.now() - timedelta(seconds=1))
    assert not await harness.denylist.is_denied("old")


async def test_a_denial_is_forgotten_once_the_token_has_expired(harness: Harness) -> None:
    await harness.denylist.deny("short", harness.clock.now() + timedelta(milliseconds=60))
    await harness.denylist.deny("long", harness.clock.now() + HOUR)
    await harness.elapse(timedelta(milliseconds=150))
    assert not await harness.denylist.is_denied("short")
    assert await harness.denylist.is_denied("long")


async def test_denying_twice_keeps_the_later_expiry(harness: Harness) -> None:
    await harness.denylist.deny("j", harness.clock.now() + HOUR)
    await harness.denylist.deny("j", harness.clock.now() + timedelta(milliseconds=60))
    await harness.elapse(timedelta(milliseconds=150))
    assert await harness.denylist.is_denied("j")


async def test_revoking_a_subject_kills_tokens_issued_before_only(harness: Harness) -> None:
    now = harness.clock.now()
    await harness.denylist.revoke_subject("user-1", issued_before=now, until=now + HOUR)
    assert await harness.denylist.is_revoked("a", "user-1", now - timedelta(minutes=5))
    assert not await harness.denylist.is_revoked("b", "user-1", now + timedelta(seconds=1))
    assert not await harness.denylist.is_revoked("c", "user-2", now - timedelta(minutes=5))


async def test_the_revocation_instant_is_exact_to_the_microsecond(harness: Harness) -> None:
    # A password change at 12:00:00.700000 must spare the fresh token it hands out at that
    # very instant, yet kill one issued 1 µs earlier in the same second.
    now = harness.clock.now().replace(microsecond=700_000)
    await harness.denylist.revoke_subject("u", issued_before=now, until=now + HOUR)
    assert not await harness.denylist.is_revoked("fresh", "u", now)
    assert await harness.denylist.is_revoked("older", "u", now - timedelta(microseconds=1))


async def test_an_earlier_revocation_never_undoes_a_later_one(harness: Harness) -> None:
    now = harness.clock.now()
    await harness.denylist.revoke_subject("u", issued_before=now, until=now + HOUR)
    await harness.denylist.revoke_subject(
        "u", issued_before=now - timedelta(minutes=30), until=now + HOUR
    )
    assert await harness.denylist.is_revoked("a", "u", now - timedelta(minutes=5))


async def test_is_revoked_also_honours_the_jti_denylist(harness: Harness) -> None:
    now = harness.clock.now()
    await harness.denylist.deny("logged-out", now + HOUR)
    assert await harness.denylist.is_revoked("logged-out", "u", now)
    assert not await harness.denylist.is_revoked("fresh", "u", now)


async def test_revoking_a_session_kills_its_tokens_whenever_issued(harness: Harness) -> None:
    now = harness.clock.now()
    await harness.denylist.revoke_session("sid-1", now + HOUR)
    assert await harness.denylist.is_revoked("a", "u", now - HOUR, session_id="sid-1")
    assert await harness.denylist.is_revoked("b", "u", now + HOUR, session_id="sid-1")
    assert not await harness.denylist.is_revoked("c", "u", now, session_id="sid-2")
    assert not await harness.denylist.is_revoked("d", "u", now)  # no session named


async def test_a_session_revocation_is_forgotten_after_its_until_and_never_shortened(
    harness: Harness,
) -> None:
    now = harness.clock.now()
    await harness.denylist.revoke_session("short", now + timedelta(milliseconds=60))
    await harness.denylist.revoke_session("long", now + HOUR)
    await harness.denylist.revoke_session("long", now + timedelta(milliseconds=60))
    await harness.denylist.revoke_session("past", now - timedelta(seconds=1))
    await harness.elapse(timedelta(milliseconds=150))
    later = harness.clock.now()
    assert not await harness.denylist.is_revoked("a", "u", later, session_id="short")
    assert await harness.denylist.is_revoked("b", "u", later, session_id="long")
    assert not await harness.denylist.is_revoked("c", "u", later, session_id="past")
