"""Sign-in lockout over HTTP: the device cookie, and whose address counts as the client's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from apps.auth.controllers import DEVICE_COOKIE
from apps.container import close_container
from apps.gateway import create_app
from apps.http.client_address import client_address, parse_networks
from apps.settings import Settings, SettingsError

from .conftest import PASSWORD, cheap_hasher

Client = TestClient[Litestar]
EMAIL = "owner@example.com"
LOGIN = "/api/v1/auth/login"


def _register(client: Client | httpx.Client) -> None:
    answer = client.post(
        "/api/v1/auth/register",
        json={"email": EMAIL, "password": PASSWORD, "display_name": "Owner"},
    )
    assert answer.status_code == 202


def _set_cookie(response: httpx.Response) -> str:
    headers = response.headers.get_list("set-cookie")
    mine = [h for h in headers if h.startswith(f"{DEVICE_COOKIE}=")]
    assert len(mine) == 1
    return mine[0]


def test_a_sign_in_sets_an_httponly_strict_device_cookie_for_the_auth_paths(
    client: Client,
) -> None:
    _register(client)
    answer = client.post(LOGIN, json={"email": EMAIL, "password": PASSWORD})
    assert answer.status_code == 200
    assert answer.json()["access_token"]
    cookie = _set_cookie(answer).lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "path=/api/v1/auth" in cookie
    assert "max-age=31536000" in cookie
    assert "secure" not in cookie  # the test server's public URL is plain http


def test_the_device_cookie_is_secure_when_the_public_url_is_https(settings: Settings) -> None:
    app = create_app(settings.replace(public_url="https://questlog.example"))
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    with TestClient(app=app, base_url="https://questlog.example") as client:
        _register(client)
        answer = client.post(LOGIN, json={"email": EMAIL, "password": PASSWORD})
        assert "secure" in _set_cookie(answer).lower()


def test_an_attackers_failures_do_not_lock_out_the_owners_browser(client: Client) -> None:
    _register(client)
    first = client.post(LOGIN, json={"email": EMAIL, "password": PASSWORD})
    device = first.cookies[DEVICE_COOKIE]
    client.cookies.clear()  # the attacker has no device cookie
    statuses = [
        client.post(LOGIN, json={"email": EMAIL, "password": "a wrong guess"}).status_code
        for _ in range(105)
    ]
    assert statuses[:100] == [401] * 100
    assert set(statuses[100:]) == {429}
    locked = client.post(LOGIN, json={"email": EMAIL, "password": PASSWORD})
    assert locked.status_code == 429  # untrusted: the shared budget is spent
    client.cookies.set(DEVICE_COOKIE, device, path="/api/v1/auth")
    owner = client.post(LOGIN, json={"email": EMAIL, "password": PASSWORD})
    assert owner.status_code == 200
    assert owner.json()["access_token"]


def test_successful_sign_ins_do_not_count_towards_the_lockout(client: Client) -> None:
    _register(client)
    for _ in range(110):
        client.cookies.clear()
        assert client.post(LOGIN, json={"email": EMAIL, "password": PASSWORD}).status_code == 200


# --- the client address: X-Forwarded-For only from a trusted proxy -----------------------------


@pytest.fixture
async def behind_proxy(settings: Settings) -> AsyncIterator[Litestar]:
    app = create_app(settings.replace(trusted_proxies="10.0.0.0/8, 192.0.2.1"))
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    yield app
    await close_container(app.state.container)  # no lifespan runs under ASGITransport


async def _session_ip(app: Litestar, peer: str, forwarded_for: str | None) -> str | None:
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        await c.post(
            "/api/v1/auth/register",
            json={"email": EMAIL, "password": PASSWORD, "display_name": "Owner"},
        )
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        login = await c.post(LOGIN, json={"email": EMAIL, "password": PASSWORD}, headers=headers)
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        sessions = await c.get(
            "/api/v1/auth/sessions", headers={"Authorization": f"Bearer {token}"}
        )
        ip: str | None = next(s["ip"] for s in sessions.json() if s["current"])
        return ip


async def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(
    behind_proxy: Litestar,
) -> None:
    assert await _session_ip(behind_proxy, "198.51.100.7", "203.0.113.5") == "198.51.100.7"


async def test_forwarded_for_from_a_trusted_proxy_names_the_client(behind_proxy: Litestar) -> None:
    assert await _session_ip(behind_proxy, "10.1.2.3", "203.0.113.5") == "203.0.113.5"


async def test_without_trusted_proxies_the_header_is_never_used(settings: Settings) -> None:
    app = create_app(settings)
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    try:
        assert await _session_ip(app, "10.1.2.3", "203.0.113.5") == "10.1.2.3"
    finally:
        await close_container(app.state.container)


PROXIES = parse_networks("10.0.0.0/8, 192.0.2.1, 2001:db8::/32")


@pytest.mark.parametrize(
    ("peer", "header", "client"),
    [
        ("10.0.0.1", "203.0.113.5", "203.0.113.5"),
        # a client-written entry left of the real one is never believed
        ("10.0.0.1", "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        # a chain of our own proxies is walked through
        ("10.0.0.1", "203.0.113.5, 192.0.2.1, 10.9.9.9", "203.0.113.5"),
        ("2001:db8::1", "2001:db8:ffff::5, 203.0.113.5", "203.0.113.5"),
        # garbage ends the walk at the last address we can vouch for
        ("10.0.0.1", "203.0.113.5, not-an-ip", "10.0.0.1"),
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", None, "10.0.0.1"),
        # an untrusted peer's header is ignored
        ("198.51.100.7", "203.0.113.5", "198.51.100.7"),
        ("testclient", "203.0.113.5", "testclient"),
    ],
)
def test_the_client_address_is_read_from_the_right_past_trusted_proxies(
    peer: str, header: str | None, client: str
) -> None:
    assert client_address(peer, header, PROXIES) == client


def test_a_bad_trusted_proxies_setting_fails_at_start_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="QUESTLOG_TRUSTED_PROXIES"):
        Settings.from_env({"QUESTLOG_TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"})
