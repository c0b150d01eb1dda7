"""Contract of the ``RefreshTokenStore`` port: rotation with reuse detection (RFC 9700)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.sessions import MemoryRefreshTokenStore
from adapters.redis.client import KeySpace, connect
from adapters.redis.sessions import RedisRefreshTokenStore
from questlog_core.ports.sessions import RefreshOutcome, RefreshTokenStore
from tests.contract.redis_fixtures import redis_keys  # noqa: F401

NOW = datetime.now(UTC).replace(microsecond=0)
DAY = timedelta(days=1)


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[RefreshTokenStore]:
    if request.param == "memory":
        yield MemoryRefreshTokenStore()
        return
    url: str = request.getfixturevalue("redis_url")
    keys: KeySpace = request.getfixturevalue("redis_keys")
    client = connect(url)
    yield RedisRefreshTokenStore(client, keys)
    await client.aclose()


async def login(store: RefreshTokenStore, family: str = "f1", subject: str = "u1") -> None:
    await store.start(family, subject, f"{family}-t0", NOW, NOW + 30 * DAY)


async def test_a_fresh_token_rotates_once(store: RefreshTokenStore) -> None:
    await login(store)
    rotated = await store.rotate("f1-t0", "f1-t1", NOW + timedelta(minutes=5))
    assert rotated.outcome is RefreshOutcome.ROTATED
    assert rotated.session is not None
    assert rotated.session.family_id == "f1"
    assert rotated.session.last_used_at == NOW + timedelta(minutes=5)
    assert (await store.rotate("f1-t1", "f1-t2", NOW)).outcome is RefreshOutcome.ROTATED


async def test_replaying_a_spent_token_revokes_the_whole_family(store: RefreshTokenStore) -> None:
    await login(store)
    await store.rotate("f1-t0", "f1-t1", NOW)
    replay = await store.rotate("f1-t0", "attacker", NOW)
    assert replay.outcome is RefreshOutcome.REUSED
    assert replay.session is not None
    assert replay.session.revoked
    assert (await store.rotate("f1-t1", "f1-t2", NOW)).outcome is RefreshOutcome.REVOKED
    assert (await store.rotate("attacker", "x", NOW)).outcome is RefreshOutcome.UNKNOWN


async def test_of_two_concurrent_refreshes_exactly_one_wins(store: RefreshTokenStore) -> None:
    await login(store)
    results = await asyncio.gather(*(store.rotate("f1-t0", f"f1-new-{i}", NOW) for i in range(5)))
    outcomes = sorted(r.outcome for r in results)
    assert outcomes.count(RefreshOutcome.ROTATED) == 1
    assert set(outcomes) - {RefreshOutcome.ROTATED} <= {
        RefreshOutcome.REUSED,
        RefreshOutcome.REVOKED,
    }


async def test_an_unknown_token_is_unknown(store: RefreshTokenStore) -> None:
    rotation = await store.rotate("never-issued", "x", NOW)
    assert rotation.outcome is RefreshOutcome.UNKNOWN
    assert rotation.session is None


async def test_a_family_past_its_absolute_lifetime_is_expired(store: RefreshTokenStore) -> None:
    await login(store)
    await store.rotate("f1-t0", "f1-t1", NOW + 10 * DAY)
    late = await store.rotate("f1-t1", "f1-t2", NOW + 30 * DAY)
    assert late.outcome is RefreshOutcome.EXPIRED


async def test_logout_revokes_one_session_only(store: RefreshTokenStore) -> None:
    await login(store, "f1")
    await login(store, "f2")
    await store.revoke_family("f1")
    assert (await store.rotate("f1-t0", "x1", NOW)).outcome is RefreshOutcome.REVOKED
    assert (await store.rotate("f2-t0", "x2", NOW)).outcome is RefreshOutcome.ROTATED
    await store.revoke_family("no-such-family")


async def test_revoking_a_subject_revokes_all_and_only_their_sessions(
    store: RefreshTokenStore,
) -> None:
    await login(store, "f1", "u1")
    await login(store, "f2", "u1")
    await login(store, "f3", "u2")
    await store.revoke_subject("u1")
    assert await store.sessions("u1", NOW) == []
    assert [s.family_id for s in await store.sessions("u2", NOW)] == ["f3"]
    assert (await store.rotate("f2-t0", "x", NOW)).outcome is RefreshOutcome.REVOKED


async def test_sessions_lists_live_ones_newest_first(store: RefreshTokenStore) -> None:
    await store.start("old", "u1", "old-t0", NOW, NOW + DAY)
    await store.start("new", "u1", "new-t0", NOW + timedelta(hours=1), NOW + 30 * DAY)
    listed = await store.sessions("u1", NOW + timedelta(hours=2))
    assert [s.family_id for s in listed] == ["new", "old"]
    assert listed[0].created_at == NOW + timedelta(hours=1)
    assert [s.family_id for s in await store.sessions("u1", NOW + 2 * DAY)] == ["new"]
