"""``/health`` is liveness (no dependency), ``/ready`` is readiness (database, cache, broker).

Every service app gets both from the shared edge. "Down" here is a closed port on this
machine: nothing listens there, so each probe fails at once; the probes' timeouts are covered
by the hung-server test. A real stopped PostgreSQL and Redis are in ``tests/e2e/test_outages.py``.
"""

from __future__ import annotations

import asyncio
import importlib
import socket
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.readiness import probe_amqp, probe_redis_url
from apps.settings import Settings


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def base_settings(tmp_path: Path, **changes: Any) -> Settings:
    return Settings(
        database_url="memory://",
        migrate_on_start=False,
        jwt_private_key_path=str(tmp_path / "keys" / "jwt.pem"),
        storage_dir=str(tmp_path / "files"),
        environment="test",
    ).replace(**changes)


@pytest.fixture(params=["apps.gateway", "apps.quest.app", "apps.auth.app"])
def service(request: pytest.FixtureRequest) -> Any:
    """The factory of each service app (and the all-in-one)."""
    return importlib.import_module(request.param).create_app


def test_every_service_is_ready_on_the_embedded_defaults(service: Any, tmp_path: Path) -> None:
    settings = base_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'q.db'}")
    with TestClient(service(settings)) as client:
        response = client.get("/ready")
        assert client.get("/health").status_code == 200
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["degraded"] == []
    assert body["checks"] == {
        "database": {"status": "up", "kind": "sqlite"},
        "cache": {"status": "up", "kind": "memory"},
        "broker": {"status": "up", "kind": "stub"},
    }


def test_a_database_that_cannot_be_reached_makes_the_service_unready_not_dead(
    service: Any, tmp_path: Path
) -> None:
    url = f"postgresql://nobody@127.0.0.1:{closed_port()}/nothing"
    with TestClient(service(base_settings(tmp_path, database_url=url))) as client:
        ready = client.get("/ready")
        health = client.get("/health")
    assert health.status_code == 200  # liveness looks at no dependency
    assert ready.status_code == 503
    assert int(ready.headers["retry-after"]) >= 1
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["degraded"] == ["database"]
    assert body["checks"]["database"]["status"] == "down"
    assert body["checks"]["database"]["kind"] == "postgresql"
    assert "nobody" not in ready.text  # no URL or credentials in the report


def test_each_degraded_part_is_named(tmp_path: Path) -> None:
    from apps.gateway import create_app

    port = closed_port()
    settings = base_settings(
        tmp_path,
        cache="redis",
        redis_url=f"redis://127.0.0.1:{port}/0",
        broker="rabbitmq",
        amqp_url=f"amqp://guest:guest@127.0.0.1:{port}/",
    )
    with TestClient(create_app(settings)) as client:
        ready = client.get("/ready")
    assert ready.status_code == 503
    body = ready.json()
    assert body["degraded"] == ["cache", "broker"]
    assert body["checks"]["database"] == {"status": "up", "kind": "memory"}
    assert body["checks"]["cache"]["kind"] == "redis"
    assert body["checks"]["broker"]["kind"] == "rabbitmq"


@pytest.mark.redis
def test_a_reachable_redis_cache_and_broker_are_ready(redis_url: str, tmp_path: Path) -> None:
    from apps.gateway import create_app

    settings = base_settings(tmp_path, cache="redis", redis_url=redis_url, broker="redis")
    with TestClient(create_app(settings)) as client:
        ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["cache"] == {"status": "up", "kind": "redis"}
    assert ready.json()["checks"]["broker"] == {"status": "up", "kind": "redis"}


@pytest.mark.amqp
async def test_the_broker_probe_speaks_amqp_to_rabbitmq(amqp_url: str) -> None:
    assert (await probe_amqp(amqp_url)).status == "up"


@pytest.mark.redis
async def test_the_amqp_probe_refuses_a_server_that_is_not_amqp(redis_url: str) -> None:
    assert (await probe_redis_url(redis_url)).status == "up"
    part = await probe_amqp(redis_url.replace("redis://", "amqp://"))
    assert part.status == "down"


async def test_a_hung_dependency_costs_the_probe_its_timeout_not_a_hang() -> None:
    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # accept, never answer

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        amqp = await probe_amqp(f"amqp://127.0.0.1:{port}/", within=0.2)
        redis = await probe_redis_url(f"redis://127.0.0.1:{port}/0", within=0.2)
    finally:
        server.close()
        await server.wait_closed()
    assert amqp.status == "down"
    assert redis.status == "down"


async def test_the_database_probe_does_not_wait_for_a_sqlite_writer(tmp_path: Path) -> None:
    from adapters.readiness import probe_database
    from adapters.sql.engine import make_engine

    # A probe that queued for the write lock would wait the whole busy timeout (30 s) and be
    # cut off at 5 s; one that does not answers at once. The margin is wide so that a loaded
    # machine (a CI run measured over 0.5 s to open a connection) cannot blur the two.
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}", sqlite_busy_timeout_ms=30_000)
    try:
        async with engine.connect() as writer:
            await writer.begin()  # BEGIN IMMEDIATE: holds the write lock
            part = await probe_database(engine, within=5.0)
        assert part.status == "up"
    finally:
        await engine.dispose()
