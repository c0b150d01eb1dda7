"""While Redis is down, reads are checked on the last synced copy of the revocation feed for a
bounded grace period; everything else fails closed at once.

"Auth" writes revocations through one ``RedisTokenDenylist``; "the quest service" checks tokens
through another (its own process in production, with its own local copy). Time is a
``FixedClock`` moved by hand, so the grace period is exact and no test waits for it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from adapters.memory.clock import FixedClock
from adapters.redis.client import KeySpace, connect
from adapters.redis.sessions import SYNC_BATCH, RedisTokenDenylist
from questlog_core.errors import ServiceUnavailable
from tests.contract.redis_fixtures import redis_keys  # noqa: F401
from tests.integration.test_redis_down import (  # noqa: F401
    ThrowawayRedis,
    throwaway_redis,
)

pytestmark = [pytest.mark.timeout(60), pytest.mark.redis]

GRACE = timedelta(seconds=60)
HOUR = timedelta(hours=1)


async def test_reads_use_the_synced_copy_within_the_grace_then_fail_closed(
    throwaway_redis: ThrowawayRedis,  # noqa: F811
) -> None:
    clock = FixedClock(datetime.now(UTC))
    auth_client, quest_client = connect(throwaway_redis.url), connect(throwaway_redis.url)
    try:
        auth = RedisTokenDenylist(auth_client, clock=clock)
        quests = RedisTokenDenylist(quest_client, clock=clock, grace=GRACE)
        issued = clock.now() - timedelta(minutes=1)
        await auth.revoke_session("logged-out-session", clock.now() + HOUR)
        await auth.revoke_subject("changed-password", clock.now(), clock.now() + HOUR)
        await auth.deny("denied-jti", clock.now() + HOUR)
        # An ordinary signed-in read: the quest service syncs its copy on the way.
        assert not await quests.is_revoked("j1", "ana", issued, "live", reading=True)

        throwaway_redis.kill()
        clock.advance(timedelta(seconds=30))

        # Reads within the grace: the copy knows every revocation made before the outage.
        assert not await quests.is_revoked("j1", "ana", issued, "live", reading=True)
        assert await quests.is_revoked("j2", "bob", issued, "logged-out-session", reading=True)
        assert await quests.is_revoked("j3", "changed-password", issued, reading=True)
        assert await quests.is_revoked("denied-jti", "cy", issued, reading=True)
        # Anything that is not a read fails closed at once, and so does every revocation.
        with pytest.raises(ServiceUnavailable) as write:
            await quests.is_revoked("j1", "ana", issued, "live")
        assert write.value.extra["retry_after_seconds"] > 0
        with pytest.raises(ServiceUnavailable):
            await auth.revoke_session("live", clock.now() + HOUR)
        with pytest.raises(ServiceUnavailable):
            await auth.revoke_subject("ana", clock.now(), clock.now() + HOUR)
        with pytest.raises(ServiceUnavailable):
            await auth.deny("j1", clock.now() + HOUR)

        # Past the grace (counted from the last sync), reads fail closed too.
        clock.advance(timedelta(seconds=31))
        with pytest.raises(ServiceUnavailable):
            await quests.is_revoked("j1", "ana", issued, "live", reading=True)

        throwaway_redis.start()  # empty: no persistence
        for _ in range(5):  # a freshly started server may miss one short deadline
            try:
                assert not await quests.is_revoked("j1", "ana", issued, "live", reading=True)
                break
            except ServiceUnavailable:
                clock.advance(timedelta(seconds=1))
        assert not await quests.is_revoked("j1", "ana", issued, "live")
        await auth.revoke_session("live", clock.now() + HOUR)  # revocations work again
        assert await quests.is_revoked("j1", "ana", issued, "live")
    finally:
        await auth_client.aclose()
        await quest_client.aclose()


async def test_a_process_that_never_synced_fails_closed_even_for_reads(
    throwaway_redis: ThrowawayRedis,  # noqa: F811
) -> None:
    clock = FixedClock(datetime.now(UTC))
    client = connect(throwaway_redis.url)
    try:
        quests = RedisTokenDenylist(client, clock=clock, grace=GRACE)
        throwaway_redis.kill()
        with pytest.raises(ServiceUnavailable):
            await quests.is_revoked("j1", "ana", clock.now(), reading=True)
    finally:
        await client.aclose()


async def test_without_a_grace_reads_fail_closed_at_once(
    throwaway_redis: ThrowawayRedis,  # noqa: F811
) -> None:
    clock = FixedClock(datetime.now(UTC))
    client = connect(throwaway_redis.url)
    try:
        quests = RedisTokenDenylist(client, clock=clock)  # grace 0, the adapter's default
        assert not await quests.is_revoked("j1", "ana", clock.now(), reading=True)
        throwaway_redis.kill()
        with pytest.raises(ServiceUnavailable):
            await quests.is_revoked("j1", "ana", clock.now(), reading=True)
    finally:
        await client.aclose()


async def test_a_new_process_copies_the_whole_feed_and_then_only_what_is_new(
    redis_url: str,
    redis_keys: KeySpace,  # noqa: F811
) -> None:
    clock = FixedClock(datetime.now(UTC))
    writer_client, reader_client = connect(redis_url), connect(redis_url)
    try:
        auth = RedisTokenDenylist(writer_client, redis_keys, clock=clock)
        sessions = [str(uuid4()) for _ in range(SYNC_BATCH + 5)]
        for session in sessions:  # more than one round trip's worth of log entries
            await auth.revoke_session(session, clock.now() + HOUR)
        quests = RedisTokenDenylist(reader_client, redis_keys, clock=clock, grace=GRACE)
        await quests.sync()
        assert len(quests.mirror.copy) == len(sessions)
        first_cursor = quests.mirror.cursor

        await auth.revoke_subject("ana", clock.now(), clock.now() + HOUR)
        clock.advance(timedelta(seconds=2))  # past the sync interval: the next check syncs
        assert await quests.is_revoked("j", "ana", clock.now() - HOUR, reading=True)
        assert quests.mirror.cursor != first_cursor
        assert len(quests.mirror.copy) == len(sessions) + 1
        assert await quests.mirror.copy.is_revoked("j", "u", clock.now(), sessions[0])
    finally:
        await writer_client.aclose()
        await reader_client.aclose()


async def test_the_feed_log_forgets_entries_past_its_horizon(
    redis_url: str,
    redis_keys: KeySpace,  # noqa: F811
) -> None:
    clock = FixedClock(datetime.now(UTC))
    client = connect(redis_url)
    try:
        auth = RedisTokenDenylist(client, redis_keys, clock=clock, log_horizon=HOUR)
        for _ in range(300):
            await auth.deny(str(uuid4()), clock.now() + timedelta(minutes=10))
        clock.advance(2 * HOUR)  # MINID trims by the entry ids' (Redis's) time: move past it
        await auth.deny("late", clock.now() + timedelta(minutes=10))
        # Approximate trimming frees whole nodes (100 entries each by default), never more.
        assert await client.xlen(redis_keys.key("deny", "log")) < 300
    finally:
        await client.aclose()
