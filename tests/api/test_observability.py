"""One structured log line per request, and Prometheus metrics at ``/metrics``.

The log line is what an operator greps and ships: request id, method, route template, status,
duration and user id, and nothing a user would not want in a log (email, password, tokens).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families

from apps.container import close_container
from apps.gateway import create_app
from apps.settings import Settings

from .conftest import BASE_URL, PASSWORD, cheap_hasher

EMAIL = "logged@example.com"
QUEST_ROUTE = "/api/v1/quests/{quest_id}"


def _app(settings: Settings) -> Litestar:
    app = create_app(settings)
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    return app


@pytest.fixture
def production(settings: Settings) -> Settings:
    return settings.replace(environment="production")


@pytest.fixture
def json_client(production: Settings) -> Iterator[TestClient[Litestar]]:
    # created inside the test, so the request log writes to pytest's captured stdout
    with TestClient(app=_app(production), base_url=BASE_URL) as client:
        yield client


def _request_lines(out: str) -> list[dict[str, Any]]:
    lines = []
    for line in out.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("event") == "request":
                lines.append(record)
    return lines


def _sign_in(client: TestClient[Litestar] | httpx.Client) -> dict[str, Any]:
    client.post(
        "/api/v1/auth/register",
        json={"email": EMAIL, "password": PASSWORD, "display_name": "Logged"},
    )
    login = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 200
    tokens: dict[str, Any] = login.json()
    return tokens


def test_each_request_logs_one_json_line_with_its_fields(
    json_client: TestClient[Litestar], capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = _sign_in(json_client)
    me = {"Authorization": f"Bearer {tokens['access_token']}"}
    created = json_client.post("/api/v1/quests", json={"title": "Log me"}, headers=me)
    quest_id = created.json()["id"]
    capsys.readouterr()

    answer = json_client.get(f"/api/v1/quests/{quest_id}", headers=me)
    missing = json_client.get("/no/such/page")

    lines = _request_lines(capsys.readouterr().out)
    assert len(lines) == 2
    read, unmatched = lines
    assert set(read) == {
        "event", "level", "timestamp", "request_id", "method", "route", "status",
        "duration_ms", "user_id",
    }  # fmt: skip
    assert read["method"] == "GET"
    assert read["route"] == QUEST_ROUTE  # the template, never the raw path with the id
    assert read["status"] == 200
    assert read["duration_ms"] >= 0
    assert read["level"] == "info"
    profile = json_client.get("/api/v1/auth/profile", headers=me).json()
    assert read["user_id"] == profile["id"]
    assert read["request_id"] == answer.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", read["request_id"])
    assert unmatched["route"] == "(unmatched)"
    assert unmatched["status"] == missing.status_code == 404
    assert unmatched["user_id"] is None


def test_an_incoming_request_id_is_kept_and_echoed_and_a_bad_one_replaced(
    json_client: TestClient[Litestar], capsys: pytest.CaptureFixture[str]
) -> None:
    kept = json_client.get("/health", headers={"X-Request-ID": "edge-7f3a:42"})
    bad = json_client.get("/health", headers={"X-Request-ID": "a b\tc" + "x" * 200})
    lines = _request_lines(capsys.readouterr().out)
    assert kept.headers["x-request-id"] == "edge-7f3a:42"
    assert lines[0]["request_id"] == "edge-7f3a:42"
    assert re.fullmatch(r"[0-9a-f]{32}", bad.headers["x-request-id"])
    assert lines[1]["request_id"] == bad.headers["x-request-id"]


def test_the_log_never_holds_an_email_a_password_or_a_token(
    json_client: TestClient[Litestar], capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = _sign_in(json_client)
    me = {"Authorization": f"Bearer {tokens['access_token']}"}
    json_client.get("/api/v1/auth/profile", headers=me)
    json_client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    json_client.post("/api/v1/auth/login", json={"email": EMAIL, "password": "a wrong password"})
    out = capsys.readouterr().out
    assert len(_request_lines(out)) == 5  # register, login, profile, refresh, failed login
    for secret in (
        EMAIL,
        "logged%40example.com",
        PASSWORD,
        "a wrong password",
        tokens["access_token"],
        tokens["refresh_token"],
        tokens["access_token"].split(".")[1],  # not even the JWT's claims part
    ):
        assert secret not in out


def test_a_replayed_idempotent_answer_is_logged_with_its_user(
    json_client: TestClient[Litestar], capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = _sign_in(json_client)
    me = {"Authorization": f"Bearer {tokens['access_token']}", "Idempotency-Key": "log-1"}
    json_client.post("/api/v1/quests", json={"title": "Once"}, headers=me)
    capsys.readouterr()
    replay = json_client.post("/api/v1/quests", json={"title": "Once"}, headers=me)
    assert replay.headers["idempotent-replayed"] == "true"
    (line,) = _request_lines(capsys.readouterr().out)
    assert line["user_id"] is not None
    assert line["status"] == 201
    assert line["request_id"] == replay.headers["x-request-id"]


def test_development_logs_a_readable_console_line(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with TestClient(app=_app(settings.replace(environment="development")), base_url=BASE_URL) as c:
        c.get("/health", headers={"X-Request-ID": "dev-1"})
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "request_id=dev-1" in line)
    assert not line.startswith("{")
    assert "route=/health" in line
    assert "status=200" in line


def test_the_log_format_setting_overrides_the_environment(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = settings.replace(environment="development", log_format="json")
    with TestClient(app=_app(chosen), base_url=BASE_URL) as c:
        c.get("/health")
    assert len(_request_lines(capsys.readouterr().out)) == 1


def test_the_log_level_setting_leaves_request_lines_out_from_warning_up(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    quiet = settings.replace(log_format="json", log_level="warning")
    with TestClient(app=_app(quiet), base_url=BASE_URL) as c:
        c.get("/health")
        c.get("/api/v1/quests")  # a 401: still a request line, at info
    assert _request_lines(capsys.readouterr().out) == []


# --- /metrics ----------------------------------------------------------------------------------


@pytest.fixture
async def from_loopback(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = _app(settings)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client
    await close_container(app.state.container)  # no lifespan runs under ASGITransport


async def _scrape(
    client: httpx.AsyncClient,
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = await client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _get(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_requests_by_route_template_and_status(
    from_loopback: httpx.AsyncClient,
) -> None:
    tokens = await _async_sign_in(from_loopback)
    me = {"Authorization": f"Bearer {tokens['access_token']}"}
    quest = (await from_loopback.post("/api/v1/quests", json={"title": "Count"}, headers=me)).json()
    before = await _scrape(from_loopback)
    for _ in range(3):
        await from_loopback.get(f"/api/v1/quests/{quest['id']}", headers=me)
    await from_loopback.get(f"/api/v1/quests/{quest['id']}")  # no token: 401
    after = await _scrape(from_loopback)

    ok = {"method": "GET", "route": QUEST_ROUTE, "status": "200"}
    denied = {**ok, "status": "401"}
    assert (
        _get(after, "questlog_http_requests_total", **ok)
        - _get(before, "questlog_http_requests_total", **ok)
        == 3
    )
    assert _get(after, "questlog_http_requests_total", **denied) == 1
    latency = {"method": "GET", "route": QUEST_ROUTE}
    count_before = _get(before, "questlog_http_request_duration_seconds_count", **latency)
    assert (
        _get(after, "questlog_http_request_duration_seconds_count", **latency) == count_before + 4
    )
    assert _get(after, "questlog_http_request_duration_seconds_bucket", le="+Inf", **latency) == (
        count_before + 4
    )
    # never the raw path: no series names a quest id
    assert not any(quest["id"] in str(key) for key in after)


async def _async_sign_in(client: httpx.AsyncClient) -> dict[str, Any]:
    await client.post(
        "/api/v1/auth/register",
        json={"email": EMAIL, "password": PASSWORD, "display_name": "Logged"},
    )
    login = await client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 200
    tokens: dict[str, Any] = login.json()
    return tokens


async def test_metrics_show_the_read_caches_hit_ratio(from_loopback: httpx.AsyncClient) -> None:
    tokens = await _async_sign_in(from_loopback)
    me = {"Authorization": f"Bearer {tokens['access_token']}"}
    quest = (await from_loopback.post("/api/v1/quests", json={"title": "Cache"}, headers=me)).json()
    before = await _scrape(from_loopback)
    for _ in range(4):  # one load, then served from the cache
        assert (
            await from_loopback.get(f"/api/v1/quests/{quest['id']}", headers=me)
        ).status_code == 200
    after = await _scrape(from_loopback)
    hits = _get(after, "questlog_cache_reads_total", cache="quest", result="hit")
    misses = _get(after, "questlog_cache_reads_total", cache="quest", result="miss")
    assert hits - _get(before, "questlog_cache_reads_total", cache="quest", result="hit") == 3
    assert misses - _get(before, "questlog_cache_reads_total", cache="quest", result="miss") == 1
    assert _get(after, "questlog_cache_hit_ratio", cache="quest") == pytest.approx(
        hits / (hits + misses)
    )
    assert ("questlog_cache_hit_ratio", (("cache", "profile"),)) in after


async def test_metrics_show_the_database_pool(
    settings: Settings, from_loopback: httpx.AsyncClient
) -> None:
    await _async_sign_in(from_loopback)
    samples = await _scrape(from_loopback)
    if settings.database_url.startswith("memory:"):
        assert ("questlog_db_pool_size", ()) not in samples  # no SQL pool to show
        return
    assert samples[("questlog_db_pool_size", ())] == 10
    assert 0 <= samples[("questlog_db_pool_connections_in_use", ())] <= 10
    assert not math.isnan(samples[("questlog_db_pool_connections_in_use", ())])


async def test_metrics_are_refused_to_peers_outside_the_allowed_networks(
    settings: Settings,
) -> None:
    app = _app(settings)
    try:
        for peer in ("203.0.113.9", "10.0.0.5"):
            transport = httpx.ASGITransport(app=app, client=(peer, 50000))
            async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
                # a forwarded-for header naming loopback changes nothing
                answer = await client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
                assert answer.status_code == 404
                assert "questlog_http" not in answer.text
    finally:
        await close_container(app.state.container)


async def test_metrics_can_be_turned_off_or_opened_to_a_network(settings: Settings) -> None:
    for allow, peer, status in (("", "127.0.0.1", 404), ("10.0.0.0/8", "10.0.0.5", 200)):
        app = _app(settings.replace(metrics_allow=allow))
        try:
            transport = httpx.ASGITransport(app=app, client=(peer, 50000))
            async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
                assert (await client.get("/metrics")).status_code == status
        finally:
            await close_container(app.state.container)


def test_metrics_are_not_part_of_the_public_api_document(client: TestClient[Litestar]) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert "/metrics" not in paths
