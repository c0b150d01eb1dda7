"""Revoked access tokens stop working before they expire, in the all-in-one and in a quest
service standing alone (JWKS verification plus the shared revocation feed).

The all-in-one runs on memory and SQLite (the ``client`` fixture); the standalone pair (an
auth app and a quest app with ``jwks_url`` set, the JWKS served to it through ``respx``) shares
one revocation feed: in process, or a real Redis.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import respx
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from adapters.memory.sessions import MemoryTokenDenylist
from adapters.security.jwks_auth import API_TOKENS_NOT_HERE
from apps.auth.app import create_app as create_auth_app
from apps.quest.app import create_app as create_quest_app
from apps.settings import Settings
from tests.api.conftest import BASE_URL, PASSWORD, MakeUser

NEW_PASSWORD = "an entirely new passphrase"
JWKS_URL = "http://auth.internal/.well-known/jwks.json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client: TestClient[Litestar], email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def can_use(client: TestClient[Litestar], headers: dict[str, str]) -> bool:
    """Whether ``headers`` still open both the auth and the quest endpoints (else both 401)."""
    profile = client.get("/api/v1/auth/profile", headers=headers)
    quests = client.get("/api/v1/quests", headers=headers)
    assert {profile.status_code, quests.status_code} <= {200, 401}, (profile.text, quests.text)
    assert profile.status_code == quests.status_code
    return profile.status_code == 200


# -- the all-in-one ----------------------------------------------------------------------------


def test_logout_ends_the_access_token_at_once(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client, "ana@example.com")
    other_device = bearer(login(client, "ana@example.com")["access_token"])
    assert can_use(client, headers)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert not can_use(client, headers)
    assert can_use(client, other_device)  # only that session ended


def test_a_password_change_ends_the_other_sessions_tokens(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    laptop = make_user(client, "bo@example.com")
    phone = bearer(login(client, "bo@example.com")["access_token"])
    changed = client.post(
        "/api/v1/auth/password",
        headers=laptop,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200, changed.text
    assert not can_use(client, phone)
    assert not can_use(client, laptop)
    assert can_use(client, bearer(changed.json()["access_token"]))  # this device's fresh pair


def test_an_admin_disabling_a_user_ends_their_tokens(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    make_user(client, "root@example.com")
    container = client.app.state.container
    client.blocking_portal.call(container.auth_service().make_admin, "root@example.com")
    admin = bearer(login(client, "root@example.com")["access_token"])
    target = make_user(client, "cy@example.com")
    target_id = client.get("/api/v1/auth/profile", headers=target).json()["id"]
    disabled = client.post(f"/api/v1/auth/users/{target_id}/disable", headers=admin, json={})
    assert disabled.status_code == 200, disabled.text
    assert not can_use(client, target)
    assert can_use(client, admin)


# -- a quest service standing alone ------------------------------------------------------------


def service_settings(tmp_path: Path, name: str, **changes: Any) -> Settings:
    return Settings(
        database_url="memory://",
        migrate_on_start=False,
        storage_dir=str(tmp_path / name / "files"),
        email="outbox",
        email_outbox_dir=str(tmp_path / name / "outbox"),
        jwt_private_key_path=str(tmp_path / "auth" / "jwt-ed25519.pem"),
        public_url=BASE_URL,
        environment="test",
        **changes,
    )


@pytest.fixture(params=["memory", "redis"])
def feed(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """Settings that make the two services share one revocation feed.

    On Redis each test gets its own key prefix (and its keys are deleted after), so rate-limit
    counts and revocations of earlier runs never leak into this one."""
    if request.param != "redis":
        yield {"cache": "memory"}
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"qltest-{uuid.uuid4().hex[:12]}"
    yield {"cache": "redis", "redis_url": url, "redis_key_prefix": prefix}
    client = redis.Redis.from_url(url)
    try:
        stale = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if stale:
            client.delete(*stale)
    finally:
        client.close()


@pytest.fixture
def standalone(
    tmp_path: Path, feed: dict[str, Any]
) -> Iterator[tuple[TestClient[Litestar], TestClient[Litestar]]]:
    """An auth app and a quest app that verifies tokens with the auth app's JWKS."""
    auth_app = create_auth_app(service_settings(tmp_path, "auth", **feed))
    quest_app = create_quest_app(service_settings(tmp_path, "quest", jwks_url=JWKS_URL, **feed))
    if feed["cache"] == "memory":  # one process standing in for two: hand both the same feed
        shared = MemoryTokenDenylist()
        for app in (auth_app, quest_app):
            app.state.container.token_denylist.override(providers.Object(shared))
    with (
        TestClient(app=auth_app, base_url=BASE_URL) as auth,
        TestClient(app=quest_app, base_url=BASE_URL) as quest,
        respx.mock(assert_all_mocked=False, assert_all_called=False) as mock,
    ):
        jwks = auth.get("/.well-known/jwks.json")
        assert jwks.status_code == 200
        mock.get(JWKS_URL).respond(200, json=jwks.json())
        yield auth, quest


def test_a_standalone_quest_service_accepts_auth_tokens_until_logout(
    standalone: tuple[TestClient[Litestar], TestClient[Litestar]], make_user: MakeUser
) -> None:
    auth, quest = standalone
    headers = make_user(auth, "dee@example.com")
    created = quest.post("/api/v1/quests", headers=headers, json={"title": "Water the plants"})
    assert created.status_code == 201, created.text
    assert quest.get("/api/v1/quests", headers=headers).status_code == 200

    assert auth.post("/api/v1/auth/logout", headers=headers).status_code == 204

    refused = quest.get("/api/v1/quests", headers=headers)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]


def test_a_standalone_quest_service_refuses_api_tokens_with_a_clear_reason(
    standalone: tuple[TestClient[Litestar], TestClient[Litestar]], make_user: MakeUser
) -> None:
    auth, quest = standalone
    headers = make_user(auth, "eve@example.com")
    token = auth.post(
        "/api/v1/auth/tokens", headers=headers, json={"name": "cli", "scopes": ["profile:read"]}
    )
    assert token.status_code == 201, token.text
    assert (
        auth.get("/api/v1/auth/profile", headers=bearer(token.json()["token"])).status_code == 200
    )
    refused = quest.get("/api/v1/quests", headers=bearer(token.json()["token"]))
    assert refused.status_code == 401
    assert refused.json()["detail"] == API_TOKENS_NOT_HERE
