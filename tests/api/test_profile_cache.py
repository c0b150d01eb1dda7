"""GET /api/v1/auth/profile is served from a cache: every write to the user shows at once.

Each test reads the profile first (so it is cached), writes, then reads again immediately and
expects the written state, on the in-memory database and on SQLite.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.api.conftest import PASSWORD, MakeUser

PROFILE = "/api/v1/auth/profile"


def read_profile(client: TestClient[Litestar], headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(PROFILE, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == f'"v{response.json()["version"]}"'
    profile: dict[str, Any] = response.json()
    return profile


def sign_in(client: TestClient[Litestar], email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def admin_and_target(
    client: TestClient[Litestar], make_user: MakeUser
) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    """An admin's headers, a target user's headers and the target's (cached) profile."""
    make_user(client, "root@example.com")
    container = client.app.state.container
    client.blocking_portal.call(container.auth_service().make_admin, "root@example.com")
    admin = sign_in(client, "root@example.com")
    target = make_user(client, "target@example.com")
    return admin, target, read_profile(client, target)


def test_a_profile_update_is_read_back_at_once(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    user = make_user(client)
    before = read_profile(client, user)
    updated = client.put(PROFILE, headers=user, json={"display_name": "Renamed", "timezone": "UTC"})
    assert updated.status_code == 200, updated.text

    after = read_profile(client, user)
    assert after["display_name"] == "Renamed"
    assert after["version"] == updated.json()["version"] > before["version"]


def test_a_password_change_is_read_back_at_once(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    user = make_user(client)
    before = read_profile(client, user)
    changed = client.post(
        "/api/v1/auth/password",
        headers=user,
        json={"current_password": PASSWORD, "new_password": "a different passphrase 42"},
    )
    assert changed.status_code == 200, changed.text

    fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert read_profile(client, fresh)["version"] > before["version"]


def test_a_granted_and_a_revoked_role_are_read_back_at_once(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    admin, target, before = admin_and_target(client, make_user)
    assert before["roles"] == ["user"]

    granted = client.post(
        f"/api/v1/auth/users/{before['id']}/roles", headers=admin, json={"role": "admin"}
    )
    assert granted.status_code == 200, granted.text
    target = sign_in(client, "target@example.com")  # the grant ended the old access tokens
    with_role = read_profile(client, target)
    assert with_role["roles"] == ["admin", "user"]
    assert with_role["version"] == granted.json()["version"]

    revoked = client.delete(f"/api/v1/auth/users/{before['id']}/roles/admin", headers=admin)
    assert revoked.status_code == 200, revoked.text
    target = sign_in(client, "target@example.com")
    without_role = read_profile(client, target)
    assert without_role["roles"] == ["user"]
    assert without_role["version"] == revoked.json()["version"]


def test_disabling_and_enabling_are_read_back_at_once(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    admin, target, before = admin_and_target(client, make_user)

    disabled = client.post(f"/api/v1/auth/users/{before['id']}/disable", headers=admin, json={})
    assert disabled.status_code == 200, disabled.text
    assert client.get(PROFILE, headers=target).status_code == 401
    enabled = client.post(f"/api/v1/auth/users/{before['id']}/enable", headers=admin)
    assert enabled.status_code == 200, enabled.text

    after = read_profile(client, sign_in(client, "target@example.com"))
    assert after["disabled"] is False
    assert after["version"] == enabled.json()["version"] == before["version"] + 2
