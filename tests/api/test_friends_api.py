"""Friends and share links over HTTP on the all-in-one: invite by email or link, accept,
remove, block; the friends leaderboard; a public share link. And the BOLA side: no player can
read another's friends, remove or accept someone else's friendship, or revoke another's link.

Invitations by email need the game to know each account's address digest, which it learns
from ``UserRegistered`` through the in-process worker: those tests run on SQL databases.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from .conftest import PASSWORD

Client = TestClient[Litestar]
G = "/api/v1/gamification"
ON_SQL = pytest.mark.parametrize(
    "settings", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
_numbers = itertools.count(1)


class Player:
    def __init__(self, client: Client, name: str, *, wait_for_game: bool = True) -> None:
        self.client = client
        self.name = name
        self.email = f"{name.lower()}{next(_numbers)}-{uuid4().hex[:6]}@example.com"
        body = {"email": self.email, "password": PASSWORD, "display_name": name}
        assert client.post("/api/v1/auth/register", json=body).status_code == 202
        login = client.post("/api/v1/auth/login", json={"email": self.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        self.headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        self.id = client.get("/api/v1/auth/profile", headers=self.headers).json()["id"]
        if wait_for_game:
            assert until(lambda: self.get("/profile")["display_name"] == name)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.request(method, f"{G}{path}", headers=self.headers, **kwargs)

    def get(self, path: str, **params: Any) -> Any:
        response = self.call("GET", path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def friends(self) -> dict[str, list[str]]:
        body = self.get("/friends")
        return {k: [f["display_name"] for f in body[k]] for k in body}


def until(check: Callable[[], Any], seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (answer := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return answer


def befriend_by_link(inviter: Player, invitee: Player) -> None:
    link = inviter.call("POST", "/friends/links")
    assert link.status_code == 201, link.text
    accepted = invitee.call("POST", "/friends/links/accept", json={"token": link.json()["token"]})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"user_id": inviter.id}


def complete_quest(player: Player, difficulty: str) -> None:
    created = player.client.post(
        "/api/v1/quests",
        json={"title": f"A {difficulty} quest", "difficulty": difficulty},
        headers=player.headers,
    )
    assert created.status_code == 201, created.text
    quest = created.json()["id"]
    done = player.client.post(f"/api/v1/quests/{quest}/complete", headers=player.headers)
    assert done.status_code == 200, done.text


@ON_SQL
def test_invite_by_email_accept_and_remove(client: Client) -> None:
    ann, bob = Player(client, "Ann"), Player(client, "Bob")
    invited = ann.call("POST", "/friends/invitations", json={"email": bob.email.upper()})
    assert (invited.status_code, invited.json()) == (202, {"status": "invited"})
    unknown = ann.call("POST", "/friends/invitations", json={"email": "nobody@example.com"})
    assert (unknown.status_code, unknown.json()) == (202, {"status": "invited"})  # same answer

    assert bob.friends()["incoming"] == ["Ann"]
    assert ann.friends()["outgoing"] == ["Bob"]
    assert bob.call("POST", f"/friends/{ann.id}/accept").status_code == 204
    assert ann.friends()["friends"] == ["Bob"]
    assert bob.email not in str(ann.get("/friends"))

    assert ann.call("DELETE", f"/friends/{bob.id}").status_code == 204
    assert bob.friends()["friends"] == []
    assert ann.call("DELETE", f"/friends/{bob.id}").status_code == 404


@ON_SQL
def test_an_invitation_waits_for_the_address_to_register(client: Client) -> None:
    ann = Player(client, "Ann")
    email = f"cleo-{uuid4().hex[:6]}@example.com"
    assert ann.call("POST", "/friends/invitations", json={"email": email}).status_code == 202
    body = {"email": email, "password": PASSWORD, "display_name": "Cleo"}
    assert client.post("/api/v1/auth/register", json=body).status_code == 202
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    cleo_headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    def incoming() -> list[str]:
        answer = client.get(f"{G}/friends", headers=cleo_headers).json()
        return [f["display_name"] for f in answer["incoming"]]

    assert until(incoming) == ["Ann"]


@ON_SQL
def test_a_blocked_player_cannot_invite_again(client: Client) -> None:
    ann, bob = Player(client, "Ann"), Player(client, "Bob")
    befriend_by_link(bob, ann)
    assert ann.call("POST", f"/friends/{bob.id}/block").status_code == 204
    assert ann.friends() == {"friends": [], "incoming": [], "outgoing": [], "blocked": ["Bob"]}

    again = bob.call("POST", "/friends/invitations", json={"email": ann.email})
    assert again.status_code == 202  # told nothing
    assert ann.friends()["incoming"] == []
    link = bob.call("POST", "/friends/links").json()["token"]
    refused = ann.call("POST", "/friends/links/accept", json={"token": link})
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("player-blocked")
    ann_link = ann.call("POST", "/friends/links").json()["token"]
    hidden = bob.call("POST", "/friends/links/accept", json={"token": ann_link})
    assert hidden.status_code == 404  # like any dead link

    assert ann.call("DELETE", f"/friends/{bob.id}/block").status_code == 204
    assert bob.call("POST", "/friends/invitations", json={"email": ann.email}).status_code == 202
    assert ann.friends()["incoming"] == ["Bob"]


@ON_SQL
def test_the_friends_leaderboard_ranks_me_among_my_friends(client: Client) -> None:
    ann, bob, stranger = Player(client, "Ann"), Player(client, "Bob"), Player(client, "Zed")
    befriend_by_link(ann, bob)
    complete_quest(ann, "easy")
    complete_quest(bob, "hard")
    complete_quest(stranger, "epic")

    def board() -> Any:
        # both completions scored, and the names learnt from the sign-up events (each arrives
        # on its own event, so under load one can lag the other)
        answer = ann.get("/leaderboard", period="all-time", scope="friends")
        named = {r["display_name"] for r in answer["rows"]} == {"Ann", "Bob"}
        return answer if named else None

    seen = until(board)
    assert seen, ann.get("/leaderboard", period="all-time", scope="friends")
    assert [(r["rank"], r["display_name"], r["me"]) for r in seen["rows"]] == [
        (1, "Bob", False),
        (2, "Ann", True),
    ]
    assert seen["me"]["rank"] == 2

    def everyone() -> list[str]:
        return [r["display_name"] for r in ann.get("/leaderboard", period="all-time")["rows"]]

    assert until(lambda: sorted(everyone()) == ["Ann", "Bob", "Zed"])
    assert everyone() == ["Zed", "Bob", "Ann"]  # the stranger is only on the everyone board
    assert ann.call("GET", "/leaderboard", params={"scope": "enemies"}).status_code == 400


@ON_SQL
def test_a_share_link_works_signed_out_shows_only_what_was_chosen_and_can_be_revoked(
    client: Client,
) -> None:
    ann = Player(client, "Ann")
    locked = ann.call("POST", "/share/achievements/first-quest", json={})
    assert locked.status_code == 422  # not unlocked yet
    complete_quest(ann, "easy")
    assert until(lambda: ann.get("/profile")["total_xp"] > 0)
    assert ann.call("POST", "/share/achievements/no-such-badge", json={}).status_code == 404

    made = ann.call(
        "POST", "/share/achievements/first-quest", json={"level": True, "unlocked_at": False}
    )
    assert made.status_code == 201, made.text
    token, url = made.json()["token"], made.json()["url"]
    assert url.endswith(f"/share/{token}"), "the link opens the web client's page"
    page = client.get(f"/share/{token}", headers={"accept": "text/html"})  # signed out
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "Ann" in page.text
    assert ann.email not in page.text

    shown = client.get(f"{G}/share/{token}")  # no Authorization header
    assert shown.status_code == 200, shown.text
    assert shown.json() == {
        "key": "first-quest",
        "title": shown.json()["title"],
        "description": shown.json()["description"],
        "unlocked_at": None,
        "display_name": "Ann",
        "level": 1,
    }
    assert ann.email not in shown.text
    assert ann.id not in shown.text
    assert client.get(f"{G}/share/qls_{'x' * 43}").status_code == 404

    [link] = ann.get("/share/links")
    assert "token" not in link or link["token"] is None
    eve = Player(client, "Eve")
    assert eve.call("DELETE", f"/share/links/{link['link_id']}").status_code == 404
    assert client.get(f"{G}/share/{token}").status_code == 200
    assert ann.call("DELETE", f"/share/links/{link['link_id']}").status_code == 204
    assert client.get(f"{G}/share/{token}").status_code == 404
    gone = client.get(f"/share/{token}", headers={"accept": "text/html"})
    assert gone.status_code == 404
    assert "Ann" not in gone.text


def test_no_player_reaches_another_players_friends(client: Client) -> None:
    """BOLA on every friends route (memory and SQLite: invitation links need no worker)."""
    ann = Player(client, "Ann", wait_for_game=False)
    bob = Player(client, "Bob", wait_for_game=False)
    eve = Player(client, "Eve", wait_for_game=False)
    befriend_by_link(ann, bob)
    request = eve.call("POST", "/friends/links")
    ann_link = ann.call("POST", "/friends/links").json()

    assert eve.get("/friends") == {"friends": [], "incoming": [], "outgoing": [], "blocked": []}
    assert eve.call("DELETE", f"/friends/{ann.id}").status_code == 404  # Ann–Bob stays
    assert eve.call("POST", f"/friends/{ann.id}/accept").status_code == 404
    assert eve.call("DELETE", f"/friends/{ann.id}/block").status_code == 404
    assert eve.call("DELETE", f"/friends/links/{ann_link['link_id']}").status_code == 404
    assert eve.get("/friends/links")[0]["link_id"] == request.json()["link_id"]
    assert len(eve.get("/friends/links")) == 1
    assert [f["user_id"] for f in ann.get("/friends")["friends"]] == [bob.id]
    assert [f["user_id"] for f in bob.get("/friends")["friends"]] == [ann.id]

    assert ann.call("POST", f"/friends/{ann.id}/block").status_code == 422
    assert client.get(f"{G}/friends").status_code == 401
    assert client.post(f"{G}/friends/invitations", json={"email": "a@b.co"}).status_code == 401
    assert client.post(f"{G}/share/achievements/first-quest", json={}).status_code == 401
    bad = ann.call("POST", "/friends/invitations", json={"email": "x@y.z", "admin": True})
    assert bad.status_code == 400
