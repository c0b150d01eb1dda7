"""``Idempotency-Key`` on the quest service's unsafe POSTs: a retried request has one effect."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from .conftest import MakeUser

Client = TestClient[Litestar]


def _titles(client: Client, headers: dict[str, str]) -> list[str]:
    items: list[dict[str, Any]] = client.get("/api/v1/quests", headers=headers).json()["items"]
    return [q["title"] for q in items]


def test_the_same_key_and_body_replay_the_first_answer_and_create_one_quest(
    client: Client, make_user: MakeUser
) -> None:
    user = make_user(client)
    headers = {**user, "Idempotency-Key": "create-dragon-1"}
    first = client.post("/api/v1/quests", json={"title": "Slay the dragon"}, headers=headers)
    again = client.post("/api/v1/quests", json={"title": "Slay the dragon"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert _titles(client, user) == ["Slay the dragon"]


def test_the_same_key_with_a_different_body_is_422(client: Client, make_user: MakeUser) -> None:
    user = make_user(client)
    headers = {**user, "Idempotency-Key": "k-1"}
    assert client.post("/api/v1/quests", json={"title": "One"}, headers=headers).status_code == 201
    reused = client.post("/api/v1/quests", json={"title": "Two"}, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["type"].endswith("/idempotency-key-reused")
    assert _titles(client, user) == ["One"]


def test_without_a_key_each_post_has_its_effect(client: Client, make_user: MakeUser) -> None:
    user = make_user(client)
    for _ in range(2):
        assert (
            client.post("/api/v1/quests", json={"title": "Twice"}, headers=user).status_code == 201
        )
    assert _titles(client, user) == ["Twice", "Twice"]


def test_keys_are_per_user(client: Client, make_user: MakeUser) -> None:
    alice, bob = make_user(client), make_user(client)
    key = {"Idempotency-Key": "shared-key"}
    a = client.post("/api/v1/quests", json={"title": "Same"}, headers={**alice, **key})
    b = client.post("/api/v1/quests", json={"title": "Same"}, headers={**bob, **key})
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    assert "idempotent-replayed" not in b.headers
    assert _titles(client, alice) == _titles(client, bob) == ["Same"]


def test_a_replayed_state_change_does_not_happen_twice(client: Client, make_user: MakeUser) -> None:
    user = make_user(client)
    quest = client.post("/api/v1/quests", json={"title": "Once"}, headers=user).json()
    headers = {**user, "Idempotency-Key": "complete-once"}
    first = client.post(f"/api/v1/quests/{quest['id']}/complete", headers=headers)
    again = client.post(f"/api/v1/quests/{quest['id']}/complete", headers=headers)
    assert first.status_code == again.status_code == 200  # not 409 "already done"
    assert again.json() == first.json()
    fresh = client.post(f"/api/v1/quests/{quest['id']}/complete", headers=user)
    assert fresh.status_code == 409


def test_a_refusal_for_a_missing_scope_is_not_replayed(client: Client, make_user: MakeUser) -> None:
    """A token without ``quests:write`` gets 403; the same user's retry with the same key and a
    token that holds it runs (the key is the user's, not the token's)."""
    user = make_user(client)
    created = client.post(
        "/api/v1/auth/tokens", headers=user, json={"name": "ro", "scopes": ["quests:read"]}
    )
    assert created.status_code == 201, created.text
    read_only = {"Authorization": f"Bearer {created.json()['token']}"}
    body = {"title": "Written once"}
    refused = client.post(
        "/api/v1/quests", json=body, headers={**read_only, "Idempotency-Key": "scoped-1"}
    )
    assert refused.status_code == 403
    retried = client.post(
        "/api/v1/quests", json=body, headers={**user, "Idempotency-Key": "scoped-1"}
    )
    assert retried.status_code == 201, retried.text
    assert "idempotent-replayed" not in retried.headers
    assert _titles(client, user) == ["Written once"]
