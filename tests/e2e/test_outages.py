"""Outages over real processes: ``questlog serve`` against a private PostgreSQL or Redis that the
test stops and starts again (never the shared servers).

What a user notices: while the database is down, quest requests get a 503 problem with
``Retry-After`` (never a 500, never a hang), ``/ready`` says the database is degraded and
``/health`` still says the process is alive; after the database is back, everything works
again. While Redis is down, signed-in reads keep working on the last synced copy of the
revocation feed for the grace period, then fail closed with 503; a logout fails closed at once,
and after Redis is back a logout works and ends the token.

Timeouts and the grace are short here (settings), so each test takes seconds. No assertion is
about time: the grace test asserts the order of answers (200 first, then only 503).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.test_redis_down import ThrowawayRedis
from tests.support.server import RunningServer, start_server, stop_server
from tests.support.throwaway import ThrowawayPostgres, skip_or_fail, throwaway_postgres, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

PASSWORD = "a long and unusual passphrase"
#: short timeouts so an outage is noticed, and recovered from, within seconds
FAST_TIMEOUTS = {
    "QUESTLOG_DATABASE_POOL_TIMEOUT_SECONDS": "2",
    "QUESTLOG_DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
    "QUESTLOG_DATABASE_STATEMENT_TIMEOUT_MS": "5000",
}
GRACE_SECONDS = 5


def sign_up(client: httpx.Client, email: str) -> dict[str, str]:
    registered = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": "Outage tester"},
    )
    assert registered.status_code == 202, registered.text
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def assert_outage(response: httpx.Response) -> None:
    """A 503 problem that says when to come back."""
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["status"] == 503


@pytest.fixture
def private_postgres() -> Iterator[ThrowawayPostgres]:
    server = throwaway_postgres()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def private_redis() -> Iterator[ThrowawayRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        skip_or_fail("redis-server binary not found on PATH")
        raise AssertionError("unreachable")
    server = ThrowawayRedis(binary)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    started: list[RunningServer] = []

    def run(env: dict[str, str]) -> RunningServer:
        server = start_server(tmp_path, env)
        started.append(server)
        return server

    yield run
    for server in started:
        stop_server(server)


@pytest.mark.postgres
def test_a_postgres_outage_is_a_503_with_retry_after_and_the_service_recovers(
    private_postgres: ThrowawayPostgres, serve: Any
) -> None:
    server = serve({"QUESTLOG_DATABASE_URL": private_postgres.url, **FAST_TIMEOUTS})
    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        headers = sign_up(client, "pg-outage@example.com")
        created = client.post("/api/v1/quests", json={"title": "Before"}, headers=headers)
        assert created.status_code == 201, created.text
        assert client.get("/ready").status_code == 200

        private_postgres.stop()

        listed = client.get("/api/v1/quests", headers=headers)
        assert_outage(listed)
        assert listed.json()["dependency"] == "database"
        assert_outage(client.post("/api/v1/quests", json={"title": "During"}, headers=headers))
        assert_outage(
            client.post(f"/api/v1/quests/{created.json()['id']}/complete", headers=headers)
        )
        assert_outage(
            client.post("/api/v1/auth/login", json={"email": "x@example.com", "password": "y" * 12})
        )
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["degraded"] == ["database"]
        assert ready.json()["checks"]["database"]["status"] == "down"
        health = client.get("/health")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"

        private_postgres.start()

        # The pool drops the dead connections on first use; until then an answer may still
        # be a 503, never anything else.
        def recovered() -> bool:
            response = client.get("/api/v1/quests", headers=headers)
            assert response.status_code in (200, 503), response.text
            return response.status_code == 200

        assert wait_until(recovered)
        assert client.get("/ready").status_code == 200
        again = client.post("/api/v1/quests", json={"title": "After"}, headers=headers)
        assert again.status_code == 201, again.text
        titles = {q["title"] for q in client.get("/api/v1/quests", headers=headers).json()["items"]}
        assert titles == {"Before", "After"}  # nothing half-written during the outage
    assert "Traceback" not in server.output()


@pytest.mark.redis
def test_a_redis_outage_keeps_reads_for_the_grace_then_fails_closed_and_recovers(
    private_redis: ThrowawayRedis, serve: Any
) -> None:
    server = serve(
        {
            "QUESTLOG_CACHE": "redis",
            "QUESTLOG_REDIS_URL": private_redis.url,
            "QUESTLOG_REVOCATION_GRACE_SECONDS": str(GRACE_SECONDS),
        }
    )
    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        headers = sign_up(client, "redis-outage@example.com")
        created = client.post("/api/v1/quests", json={"title": "Read me"}, headers=headers)
        assert created.status_code == 201, created.text
        quest = f"/api/v1/quests/{created.json()['id']}"
        assert client.get(quest, headers=headers).status_code == 200  # syncs the feed's copy

        private_redis.kill()

        # Within the grace: reads work (checked on the synced copy of the revocation feed).
        assert client.get(quest, headers=headers).status_code == 200
        assert client.get("/api/v1/quests", headers=headers).status_code == 200
        assert client.get("/api/v1/auth/profile", headers=headers).status_code == 200
        # Anything that changes state, a logout above all, fails closed at once.
        assert_outage(client.post("/api/v1/auth/logout", headers=headers))
        assert_outage(client.post("/api/v1/quests", json={"title": "No"}, headers=headers))
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["degraded"] == ["cache"]
        assert client.get("/health").status_code == 200

        # After the grace, reads fail closed too: 200s, then only 503s.
        answers: list[int] = []

        def closed() -> bool:
            response = client.get(quest, headers=headers)
            answers.append(response.status_code)
            if response.status_code == 503:
                assert_outage(response)
            return response.status_code == 503

        assert wait_until(closed, attempts=4 * GRACE_SECONDS * 5)
        assert set(answers) <= {200, 503}
        assert_outage(client.get(quest, headers=headers))

        private_redis.start()  # same port, empty

        def recovered() -> bool:
            response = client.get(quest, headers=headers)
            assert response.status_code in (200, 503), response.text
            return response.status_code == 200

        assert wait_until(recovered)
        assert client.get("/ready").status_code == 200
        logout = client.post("/api/v1/auth/logout", headers=headers)
        assert logout.status_code == 204, logout.text
        assert client.get(quest, headers=headers).status_code == 401
    assert "Traceback" not in server.output()
