"""What users still get when Redis is down, unreachable or hung.

Cached reads fall back to the source of truth and still answer; the login limiter keeps
limiting on its fallback store; revocation checks fail closed. Each Redis call gives up after
the client's 0.5 s timeout (these tests assert the behaviour, never the time it took).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import msgspec
import pytest
import redis

from adapters.caching import CachedQuestReads
from adapters.memory.clock import FixedClock, RandomIds
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.rate_limiting import FallbackRateLimiter, RateRule, RouteClassLimits
from adapters.redis.cache import RedisCache
from adapters.redis.client import KeySpace, connect
from adapters.redis.leaderboard import RedisLeaderboard
from adapters.redis.rate_limit import RedisRateLimiter
from adapters.redis.sessions import RedisTokenDenylist
from questlog_core.errors import RateLimited, ServiceUnavailable
from questlog_core.gamification.leaderboards import Board
from questlog_core.ids import UserId

pytestmark = pytest.mark.timeout(60)

HOUR = timedelta(hours=1)
LOGIN = {"login.account": RateRule(limit=3, window=HOUR)}


class Quest(msgspec.Struct, frozen=True):
    id: UUID
    title: str


class QuestTable:
    """The source of truth (SQL in production), counting reads."""

    def __init__(self) -> None:
        self.rows: dict[UUID, Quest] = {}
        self.loads = 0

    async def get(self, owner: UUID, quest_id: UUID) -> Quest:
        self.loads += 1
        return self.rows[quest_id]


def on_fallback(limiter: FallbackRateLimiter) -> bool:
    """Whether the limiter currently counts on its fallback store."""
    return limiter.using_fallback


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# --- Redis unreachable: a closed port ------------------------------------------------------


@pytest.fixture
def closed_port_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


async def test_cached_reads_still_answer_when_redis_is_unreachable(closed_port_url: str) -> None:
    client = connect(closed_port_url)
    try:
        cache = RedisCache(client, KeySpace())
        assert await cache.get("anything") is None
        await cache.set("anything", b"dropped", HOUR)  # dropped, not raised
        await cache.delete("anything")  # queued for replay, not raised
        table = QuestTable()
        quest = Quest(id=uuid4(), title="Water the plants")
        table.rows[quest.id] = quest
        reads = CachedQuestReads(table, cache, RandomIds(), Quest)
        owner = uuid4()
        assert await reads.get(owner, quest.id) == quest
        assert await reads.get(owner, quest.id) == quest
        assert table.loads == 2  # every read went to the source of truth
    finally:
        await client.aclose()


async def test_the_login_limiter_falls_back_instead_of_going_unlimited(
    closed_port_url: str,
) -> None:
    client = connect(closed_port_url)
    try:
        redis_limiter = RedisRateLimiter(client, KeySpace())
        with pytest.raises(ServiceUnavailable):
            await redis_limiter.hit("login.account:ana", 3, HOUR)
        limits = RouteClassLimits(FallbackRateLimiter(redis_limiter, MemoryRateLimiter()), LOGIN)
        for _ in range(3):
            await limits.enforce("login.account", "ana@example.com")
        with pytest.raises(RateLimited):
            await limits.enforce("login.account", "ana@example.com")
    finally:
        await client.aclose()


async def test_revocation_checks_fail_closed_when_redis_is_unreachable(
    closed_port_url: str,
) -> None:
    client = connect(closed_port_url)
    now = datetime.now(UTC)
    try:
        denylist = RedisTokenDenylist(client, KeySpace())
        with pytest.raises(ServiceUnavailable):
            await denylist.is_denied("jti")
        with pytest.raises(ServiceUnavailable):
            await denylist.is_revoked("jti", "user", now)
        with pytest.raises(ServiceUnavailable):
            await denylist.deny("jti", now + HOUR)  # a logout never pretends to have worked
        with pytest.raises(ServiceUnavailable):
            await denylist.revoke_subject("user", issued_before=now, until=now + HOUR)
        board = RedisLeaderboard(client, KeySpace())
        with pytest.raises(ServiceUnavailable):
            await board.top(Board.ALL_TIME, "all")
        with pytest.raises(ServiceUnavailable):
            await board.rank_of(Board.ALL_TIME, "all", UserId(uuid4()))
    finally:
        await client.aclose()


# --- Redis hung: accepts connections, never answers -----------------------------------------


async def test_a_hung_redis_costs_a_timeout_then_the_same_fallbacks() -> None:
    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # read until the client gives up; never reply

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = connect(f"redis://127.0.0.1:{port}/0")
    try:
        assert await RedisCache(client).get("k") is None
        limiter = FallbackRateLimiter(RedisRateLimiter(client), MemoryRateLimiter())
        assert (await limiter.hit("k", 1, HOUR)).allowed
        assert not (await limiter.hit("k", 1, HOUR)).allowed
        with pytest.raises(ServiceUnavailable):
            await RedisTokenDenylist(client).is_denied("jti")
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()


# --- A real Redis stopped in the middle of a test --------------------------------------------


class ThrowawayRedis:
    """A private ``redis-server`` on a free port, without persistence."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = redis.Redis.from_url(self.url, socket_timeout=0.2, socket_connect_timeout=0.2)
        try:
            for _ in range(100):
                try:
                    if probe.ping():
                        return
                except redis.exceptions.ConnectionError:
                    time.sleep(0.05)
            raise RuntimeError("redis-server did not start")
        finally:
            probe.close()

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def throwaway_redis() -> Iterator[ThrowawayRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server binary not found on PATH"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: service tests may not be skipped)")
        pytest.skip(reason)
    server = ThrowawayRedis(binary)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.resume()
        server.kill()


async def test_killing_redis_mid_test_degrades_and_restarting_recovers(
    throwaway_redis: ThrowawayRedis,
) -> None:
    clock = FixedClock(datetime.now(UTC))
    client = connect(throwaway_redis.url)
    try:
        table = QuestTable()
        quest = Quest(id=uuid4(), title="Read a book")
        table.rows[quest.id] = quest
        owner = uuid4()
        reads = CachedQuestReads(table, RedisCache(client), RandomIds(), Quest)
        primary = RedisRateLimiter(client, clock=clock)
        limiter = FallbackRateLimiter(primary, MemoryRateLimiter(clock), clock=clock)
        limits = RouteClassLimits(limiter, LOGIN)
        denylist = RedisTokenDenylist(client, clock=clock)

        # Up: cached, limited on Redis, revocations visible.
        await reads.get(owner, quest.id)
        await reads.get(owner, quest.id)
        assert table.loads == 1
        await limits.enforce("login.account", "ana")
        await denylist.deny("logged-out", clock.now() + HOUR)
        assert await denylist.is_denied("logged-out")

        throwaway_redis.kill()

        # Down: reads answer from the source, the limiter still limits, revocation fails closed.
        assert await reads.get(owner, quest.id) == quest
        assert table.loads == 2
        for _ in range(3):
            await limits.enforce("login.account", "bob")
        with pytest.raises(RateLimited):
            await limits.enforce("login.account", "bob")
        assert on_fallback(limiter)
        with pytest.raises(ServiceUnavailable):
            await denylist.is_denied("logged-out")

        throwaway_redis.start()  # same port, empty (no persistence)

        # Back: caching resumes, the limiter returns to Redis after its pause, checks answer.
        # (A freshly started server on a loaded host may still miss one 0.5 s deadline, so
        # recovery is allowed a few attempts; it must happen, and it must stick.)
        for _ in range(5):
            loads = table.loads
            assert await reads.get(owner, quest.id) == quest
            if table.loads == loads:
                break  # served from the cache again
        assert table.loads == loads
        for attempt in range(5):
            clock.advance(timedelta(seconds=5))
            subject = f"cy-{attempt}"
            await limits.enforce("login.account", subject)
            if not on_fallback(limiter):
                break
        assert not on_fallback(limiter)
        assert await client.exists(f"ql:v1:rl:login.account:{subject}") == 1  # on Redis again
        assert not await denylist.is_denied("other")
    finally:
        await client.aclose()


async def test_a_hung_redis_never_serves_the_writer_stale_and_recovers(
    throwaway_redis: ThrowawayRedis,
) -> None:
    writer_client, other_client = connect(throwaway_redis.url), connect(throwaway_redis.url)
    try:
        table = QuestTable()
        quest = Quest(id=uuid4(), title="Old title")
        table.rows[quest.id] = quest
        owner = uuid4()
        writer = CachedQuestReads(table, RedisCache(writer_client), RandomIds(), Quest)
        other_process = CachedQuestReads(table, RedisCache(other_client), RandomIds(), Quest)
        assert await writer.get(owner, quest.id) == quest
        assert await other_process.get(owner, quest.id) == quest  # both see the cached entry

        throwaway_redis.pause()  # hung: connections open, no answers
        renamed = Quest(id=quest.id, title="New title")
        table.rows[quest.id] = renamed
        await writer.written(owner, quest.id)  # the invalidation times out and is queued
        assert await writer.get(owner, quest.id) == renamed  # the writer never reads stale

        throwaway_redis.resume()
        assert await writer.get(owner, quest.id) == renamed  # replays the invalidation first
        assert await other_process.get(owner, quest.id) == renamed  # so nobody reads stale
    finally:
        await writer_client.aclose()
        await other_client.aclose()


class PartitionProxy:
    """A TCP proxy to Redis that can cut this process off while Redis itself keeps its data."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.partitioned = False
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.url = ""

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"redis://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/0"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.partitioned:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        self._writers |= {writer, up_writer}

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    if self.partitioned:
                        break  # nothing crosses a partition
                    dst.write(data)
                    await dst.drain()
            except ConnectionError:
                pass
            finally:
                dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

    def cut(self) -> None:
        self.partitioned = True
        for w in self._writers:
            w.close()
        self._writers.clear()

    def heal(self) -> None:
        self.partitioned = False

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


async def test_an_invalidation_lost_to_a_partition_is_replayed_before_anything_else(
    throwaway_redis: ThrowawayRedis,
) -> None:
    proxy = PartitionProxy(throwaway_redis.port)
    await proxy.start()
    writer_client, other_client = connect(proxy.url), connect(throwaway_redis.url)
    try:
        table = QuestTable()
        quest = Quest(id=uuid4(), title="Old title")
        table.rows[quest.id] = quest
        owner = uuid4()
        writer = CachedQuestReads(table, RedisCache(writer_client), RandomIds(), Quest)
        other_process = CachedQuestReads(table, RedisCache(other_client), RandomIds(), Quest)
        assert await writer.get(owner, quest.id) == quest
        assert await other_process.get(owner, quest.id) == quest

        proxy.cut()  # this process loses Redis; Redis keeps the cached old entry
        renamed = Quest(id=quest.id, title="New title")
        table.rows[quest.id] = renamed
        await writer.written(owner, quest.id)  # the invalidation cannot reach Redis: queued
        assert await writer.get(owner, quest.id) == renamed

        proxy.heal()
        assert await writer.get(owner, quest.id) == renamed  # replays the invalidation first
        assert await other_process.get(owner, quest.id) == renamed
    finally:
        await writer_client.aclose()
        await other_client.aclose()
        await proxy.stop()


async def test_the_deployed_login_limiter_counts_in_sql_while_redis_is_unreachable(
    closed_port_url: str, tmp_path: Path
) -> None:
    # The container's wiring for cache=redis on a SQL database: Redis, then the SQL counter.
    from adapters.sql.migrations import upgrade_async
    from adapters.sql.rate_limit import SqlRateLimiter
    from apps.container import build_container, close_container
    from apps.settings import Settings

    url = f"sqlite:///{tmp_path / 'questlog.db'}"
    await upgrade_async(url)
    container = build_container(
        Settings(database_url=url, cache="redis", redis_url=closed_port_url, environment="test")
    )
    try:
        limiter = container.rate_limiter()
        assert isinstance(limiter, FallbackRateLimiter)
        limits = RouteClassLimits(limiter, LOGIN)
        for _ in range(3):
            await limits.enforce("login.account", "ana@example.com")
        with pytest.raises(RateLimited):
            await limits.enforce("login.account", "ana@example.com")
        assert on_fallback(limiter)
        # Another process (another limiter on the same database) sees the same count.
        other = SqlRateLimiter(container.engine())
        assert not (await other.hit("login.account:ana@example.com", 3, HOUR)).allowed
    finally:
        await close_container(container)
