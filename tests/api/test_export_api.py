"""Moving out over HTTP: ``GET /api/v1/quests/export`` (Questlog JSON or Taskwarrior JSON) and
``GET /api/v1/gamification/export``, each of the caller's own data only.

The round trip is what a user moving between accounts (or to Taskwarrior and back) notices:
exporting as Taskwarrior JSON and importing that file into a fresh account gives the same
quests, with the same dependencies.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from .conftest import MakeUser

ALL_STATUSES = "todo,active,done,abandoned,archived"


def create(client: TestClient[Litestar], user: dict[str, str], **fields: Any) -> str:
    made = client.post("/api/v1/quests", json=fields, headers=user)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def seed(client: TestClient[Litestar], user: dict[str, str]) -> dict[str, str]:
    """A small but varied quest log: priorities, due dates, tags, notes, statuses, a chain."""
    due = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0).isoformat()
    ids = {
        "plan": create(
            client,
            user,
            title="Plan the trip",
            priority=3,
            category="travel",
            tags=["summer", "family"],
            notes="Ask about the dates\nCheck the budget",
        ),
        "book": create(
            client,
            user,
            title="Book the flights",
            priority=2,
            due=due,
            category="travel",
            tags=["summer"],
        ),
        "pack": create(client, user, title="Pack the bags", priority=1, difficulty="easy"),
        "visa": create(client, user, title="Renew the visa", priority=4),
        "old": create(client, user, title="Old idea"),
    }
    for prerequisite, dependent in (("plan", "book"), ("book", "pack"), ("visa", "book")):
        linked = client.post(
            f"/api/v1/quests/{ids[dependent]}/dependencies",
            json={"prerequisite_id": ids[prerequisite]},
            headers=user,
        )
        assert linked.status_code == 201, linked.text
    assert client.post(f"/api/v1/quests/{ids['plan']}/complete", headers=user).status_code == 200
    assert client.post(f"/api/v1/quests/{ids['visa']}/start", headers=user).status_code == 200
    assert client.post(f"/api/v1/quests/{ids['old']}/abandon", headers=user).status_code == 200
    return ids


def listing(client: TestClient[Litestar], user: dict[str, str]) -> dict[str, dict[str, Any]]:
    page = client.get("/api/v1/quests", params={"status": ALL_STATUSES, "limit": 200}, headers=user)
    assert page.status_code == 200
    return {q["title"]: q for q in page.json()["items"]}


def edges(client: TestClient[Litestar], user: dict[str, str]) -> set[tuple[str, str]]:
    quests = listing(client, user)
    titles = {q["id"]: title for title, q in quests.items()}
    found = set()
    for title, quest in quests.items():
        view = client.get(f"/api/v1/quests/{quest['id']}/dependencies", headers=user).json()
        found |= {(titles[p], title) for p in view["prerequisites"]}
    return found


def test_the_questlog_export_holds_every_quest_and_dependency(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    user = make_user(client)
    ids = seed(client, user)
    assert client.post(f"/api/v1/quests/{ids['old']}/archive", headers=user).status_code == 200
    exported = client.get("/api/v1/quests/export", headers=user)
    assert exported.status_code == 200, exported.text
    assert "attachment" in exported.headers["content-disposition"]
    body = exported.json()
    assert body["format"] == "questlog.quests.export.v1"
    assert {q["id"] for q in body["quests"]} == set(ids.values())  # archived included
    assert {(e["prerequisite_id"], e["dependent_id"]) for e in body["dependencies"]} == {
        (ids["plan"], ids["book"]),
        (ids["book"], ids["pack"]),
        (ids["visa"], ids["book"]),
    }
    assert body["templates"] == []
    assert body["categories"] == []


def test_taskwarrior_export_round_trips_into_a_fresh_account(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    ada, bob = make_user(client), make_user(client)
    seed(client, ada)
    exported = client.get("/api/v1/quests/export", params={"format": "taskwarrior"}, headers=ada)
    assert exported.status_code == 200
    tasks = exported.json()
    assert {t["status"] for t in tasks} == {"pending", "completed", "deleted"}
    assert all(len(t["entry"]) == 16 and t["entry"].endswith("Z") for t in tasks)

    imported = client.post(
        "/api/v1/quests/import?from=taskwarrior",
        content=exported.content,
        headers={**bob, "Content-Type": "application/json"},
    )
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert report["created"] == 5
    assert report["edges_created"] == 3
    assert report["unmapped"] == []

    before, after = listing(client, ada), listing(client, bob)
    assert set(after) == set(before)
    for title, original in before.items():
        copy = after[title]
        assert copy["id"] != original["id"]
        for field in ("category", "tags", "due"):
            assert copy[field] == original[field], (title, field)
        # Taskwarrior has no "critical": it comes back as high
        assert copy["priority"] == min(original["priority"], 3), title
        assert copy["created_at"][:19] == original["created_at"][:19]
        for line in original["notes"].splitlines():
            assert line in copy["notes"]
    # open work stays open (active stays active); finished work is finished history
    assert after["Renew the visa"]["status"] == "active"
    assert after["Book the flights"]["status"] == "todo"
    assert after["Plan the trip"]["status"] == "archived"
    assert after["Plan the trip"]["completed_at"] is not None
    assert after["Old idea"]["status"] == "abandoned"
    assert edges(client, bob) == edges(client, ada)


def test_an_export_holds_only_the_callers_data(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    ada, bob = make_user(client), make_user(client)
    seed(client, ada)
    for params in ({}, {"format": "taskwarrior"}):
        body = client.get("/api/v1/quests/export", params=params, headers=bob).json()
        quests = body if params else body["quests"]
        assert quests == []
    game = client.get("/api/v1/gamification/export", headers=bob)
    assert game.status_code == 200
    assert game.json()["ledger"] == []


def test_the_game_export_has_profile_streak_achievements_and_ledger(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    user = make_user(client)
    exported = client.get("/api/v1/gamification/export", headers=user)
    assert exported.status_code == 200, exported.text
    body = exported.json()
    assert body["format"] == "questlog.gamification.export.v1"
    assert body["profile"]["level"] == 1
    assert set(body) >= {"streak", "achievements", "ledger"}
    assert body["achievements"]["items"]


def test_an_unknown_export_format_is_refused(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    user = make_user(client)
    refused = client.get("/api/v1/quests/export", params={"format": "csv"}, headers=user)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
