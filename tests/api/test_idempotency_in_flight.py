"""``Idempotency-Key`` under concurrency: one request runs, the others get 409 or its replay.

The claim is atomic on every cache adapter (``Cache.add``), so the guarantee holds for requests
racing in one process and across processes sharing Redis.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar, post
from litestar.params import JSONBody
from litestar.testing import TestClient
from litestar.types import Scope
from redis.asyncio import Redis

from adapters.memory.cache import MemoryCache
from adapters.redis.client import KeySpace
from apps.gateway import create_app
from apps.http.idempotency import IdempotencyMiddleware
from apps.settings import Settings
from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.platform import Cache
from tests.contract.redis_fixtures import redis_keys  # noqa: F401

from .conftest import BASE_URL, MakeUser, cheap_hasher

Client = TestClient[Litestar]


def _twenty_concurrent_posts_create_one_quest(client: Client, make_user: MakeUser) -> None:
    user = make_user(client)
    headers = {**user, "Idempotency-Key": "one-dragon"}

    def create(_: int) -> httpx.Response:
        return client.post("/api/v1/quests", json={"title": "Slay the dragon"}, headers=headers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(create, range(20)))

    originals = [
        a for a in answers if a.status_code == 201 and "idempotent-replayed" not in a.headers
    ]
    replays = [a for a in answers if a.status_code == 201 and "idempotent-replayed" in a.headers]
    in_flight = [a for a in answers if a.status_code == 409]
    statuses = [a.status_code for a in answers]
    assert len(originals) == 1, statuses
    assert len(originals) + len(replays) + len(in_flight) == 20, statuses
    for replay in replays:
        assert replay.json() == originals[0].json()
    for conflict in in_flight:
        assert conflict.headers["content-type"] == "application/problem+json"
        assert conflict.json()["type"].endswith("/idempotency-key-in-progress")
        assert int(conflict.headers["retry-after"]) >= 1
    listed = client.get("/api/v1/quests", headers=user).json()["items"]
    assert [q["title"] for q in listed] == ["Slay the dragon"]


def test_twenty_concurrent_posts_with_one_key_create_one_quest(
    client: Client, make_user: MakeUser
) -> None:
    _twenty_concurrent_posts_create_one_quest(client, make_user)


def test_twenty_concurrent_posts_with_one_key_on_redis_create_one_quest(
    request: pytest.FixtureRequest, settings: Settings, make_user: MakeUser
) -> None:
    url: str = request.getfixturevalue("redis_url")
    keys: KeySpace = request.getfixturevalue("redis_keys")
    on_redis = settings.replace(cache="redis", redis_url=url, redis_key_prefix=keys.prefix)
    app = create_app(on_redis)
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    with TestClient(app=app, base_url=BASE_URL) as client:
        client.blocking_portal.call(_warm, app.state.container.redis(), 20)
        _twenty_concurrent_posts_create_one_quest(client, make_user)


async def _warm(client: Redis, connections: int) -> None:
    """Open the pooled connections one by one, as a running service already has them: twenty
    simultaneous first connects on a starved CI host can miss the 0.5 s connect timeout (and
    get a 503), while the contract under test is the claim, not connection setup."""
    pool = client.connection_pool
    held = [await pool.get_connection() for _ in range(connections)]  # type: ignore[no-untyped-call]
    for connection in held:
        await pool.release(connection)


# --- the middleware alone, with a request held in flight --------------------------------------


class Gate:
    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.runs = 0


def _app(cache: Cache, gate: Gate) -> Litestar:
    @post("/things", status_code=201)
    async def create(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        gate.runs += 1
        gate.entered.set()
        await gate.release.wait()
        return {"created": data, "run": gate.runs}

    async def identify(scope: Scope) -> str | None:
        return "user-1"

    return Litestar(
        route_handlers=[create],
        middleware=[IdempotencyMiddleware(cache_of=lambda scope: cache, identify=identify)],
    )


@pytest.fixture
async def gated() -> AsyncIterator[tuple[httpx.AsyncClient, Gate]]:
    gate = Gate()
    app = _app(MemoryCache(), gate)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http, gate


KEY = {"Idempotency-Key": "k"}


async def test_a_repeat_while_the_first_runs_is_409_with_retry_after(
    gated: tuple[httpx.AsyncClient, Gate],
) -> None:
    http, gate = gated
    first = asyncio.create_task(http.post("/things", json={"a": 1}, headers=KEY))
    await gate.entered.wait()
    repeat = await http.post("/things", json={"a": 1}, headers=KEY)
    assert repeat.status_code == 409
    assert repeat.json()["type"].endswith("/idempotency-key-in-progress")
    assert repeat.json()["status"] == 409
    assert repeat.headers["retry-after"] == "1"
    gate.release.set()
    assert (await first).status_code == 201
    later = await http.post("/things", json={"a": 1}, headers=KEY)
    assert later.status_code == 201
    assert later.headers["idempotent-replayed"] == "true"
    assert later.json() == (await first).json()
    assert gate.runs == 1


async def test_a_different_body_while_the_first_runs_is_422(
    gated: tuple[httpx.AsyncClient, Gate],
) -> None:
    http, gate = gated
    first = asyncio.create_task(http.post("/things", json={"a": 1}, headers=KEY))
    await gate.entered.wait()
    other = await http.post("/things", json={"a": 2}, headers=KEY)
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")
    gate.release.set()
    await first
    assert gate.runs == 1


class UnreachableCache(MemoryCache):
    async def add(self, key: str, value: bytes, ttl: Any) -> bool:
        raise ServiceUnavailable("cache unavailable")


async def test_an_unreachable_cache_refuses_with_503_instead_of_running_unguarded() -> None:
    gate = Gate()
    gate.release.set()
    transport = httpx.ASGITransport(app=_app(UnreachableCache(), gate))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        answer = await http.post("/things", json={"a": 1}, headers=KEY)
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.headers["content-type"] == "application/problem+json"
    assert gate.runs == 0
