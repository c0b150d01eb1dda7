"""The whole system as a user meets it: a real ``questlog serve`` process, driven over HTTP.

Two users register and sign in; one refreshes (and a replayed refresh token ends the session);
quests with dependencies are created and completed in dependency order (a blocked one is a
409); every id route is tried as the other user (404); logging out kills the access token.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.server import RunningServer

pytestmark = pytest.mark.e2e

PASSWORD = "a long and unusual passphrase"


def sign_up(client: httpx.Client, email: str) -> dict[str, Any]:
    registered = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": email.split("@")[0]},
    )
    assert registered.status_code == 202, registered.text
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens: dict[str, Any] = login.json()
    return tokens


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def create_quest(client: httpx.Client, headers: dict[str, str], title: str, **extra: Any) -> str:
    response = client.post("/api/v1/quests", json={"title": title, **extra}, headers=headers)
    assert response.status_code == 201, response.text
    quest_id: str = response.json()["id"]
    return quest_id


def test_two_users_plan_and_finish_work_without_seeing_each_other(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        ann = sign_up(client, "ann@example.com")
        bob = sign_up(client, "bob@example.com")

        # Refresh rotates; replaying the old refresh token revokes the whole session.
        rotated = client.post("/api/v1/auth/refresh", json={"refresh_token": ann["refresh_token"]})
        assert rotated.status_code == 200, rotated.text
        replay = client.post("/api/v1/auth/refresh", json={"refresh_token": ann["refresh_token"]})
        assert replay.status_code == 401
        assert replay.headers["content-type"].startswith("application/problem+json")
        assert client.get("/api/v1/auth/profile", headers=bearer(rotated.json())).status_code == 401
        ann = client.post(
            "/api/v1/auth/login", json={"email": "ann@example.com", "password": PASSWORD}
        ).json()
        headers = bearer(ann)

        # A chain: design -> build -> ship.
        design = create_quest(client, headers, "Design the feature", difficulty="medium")
        build = create_quest(client, headers, "Build the feature", difficulty="hard")
        ship = create_quest(client, headers, "Ship the feature", difficulty="easy")
        for prerequisite, dependent in ((design, build), (build, ship)):
            added = client.post(
                f"/api/v1/quests/{dependent}/dependencies",
                json={"prerequisite_id": prerequisite},
                headers=headers,
            )
            assert added.status_code in (200, 201), added.text

        # Out of order: blocked, and the answer names what blocks it.
        blocked = client.post(f"/api/v1/quests/{ship}/complete", headers=headers)
        assert blocked.status_code == 409
        assert build in blocked.text

        for quest_id in (design, build, ship):
            done = client.post(f"/api/v1/quests/{quest_id}/complete", headers=headers)
            assert done.status_code == 200, done.text
        shipped = client.get(f"/api/v1/quests/{ship}", headers=headers).json()
        assert shipped["status"] == "done"

        # Bob sees none of it: every id route is a 404 for him.
        other = bearer(bob)
        probes = [
            ("GET", f"/api/v1/quests/{design}", None),
            ("PATCH", f"/api/v1/quests/{design}", {"title": "mine now"}),
            ("DELETE", f"/api/v1/quests/{design}", None),
            ("POST", f"/api/v1/quests/{design}/complete", None),
            ("POST", f"/api/v1/quests/{design}/reopen", None),
            ("POST", f"/api/v1/quests/{design}/start", None),
            ("PUT", f"/api/v1/quests/{design}/progress", {"progress": 50}),
            ("GET", f"/api/v1/quests/{build}/dependencies", None),
            ("POST", f"/api/v1/quests/{build}/dependencies", {"prerequisite_id": design}),
            ("DELETE", f"/api/v1/quests/{build}/dependencies/{design}", None),
        ]
        for method, path, body in probes:
            answer = client.request(method, path, json=body, headers=other)
            assert answer.status_code == 404, f"{method} {path} -> {answer.status_code}"
        assert client.get("/api/v1/quests", headers=other).json()["items"] == []
        assert client.get(f"/api/v1/quests/{design}", headers=headers).status_code == 200

        # Logging out ends the access token at once.
        assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
        assert client.get("/api/v1/quests", headers=headers).status_code == 401


def test_bad_input_is_a_problem_not_a_crash(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        headers = bearer(sign_up(client, "carol@example.com"))
        malformed = client.post(
            "/api/v1/quests",
            content=b"{not json",
            headers={**headers, "Content-Type": "application/json"},
        )
        assert malformed.status_code == 400
        assert malformed.json()["type"].startswith("https://questlog.dev/problems/")
        too_long = client.post("/api/v1/quests", json={"title": "x" * 5000}, headers=headers)
        assert too_long.status_code in (400, 422)
        huge = client.post(
            "/api/v1/quests",
            content=b'{"title": "' + b"y" * 2_000_000 + b'"}',
            headers={**headers, "Content-Type": "application/json"},
        )
        assert huge.status_code == 413
    assert "Traceback" not in server.output()
