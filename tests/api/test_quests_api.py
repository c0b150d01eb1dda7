"""The quest service over HTTP: each endpoint's happy path and the 4xx a client can cause.

Runs on the in-memory database and on SQLite (the ``settings`` fixture).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from adapters.memory.quests import InMemoryQuestStore
from adapters.sql.engine import make_engine
from adapters.sql.tables import quest as quest_tables
from adapters.storage.local import LocalFileStorage
from apps.quest.controllers import owner_timezone
from apps.settings import Settings
from questlog_core.events import decode_event
from questlog_core.events.quests import QuestCompleted
from questlog_core.ports.messaging import OutboxRecord

from .conftest import BASE_URL, MakeUser

Client = TestClient[Litestar]
PROBLEM = "https://questlog.dev/problems/"


def create(client: Client, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    fields.setdefault("title", "Slay the dragon")
    response = client.post("/api/v1/quests", json=fields, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def problem_type(response: Any) -> str:
    assert response.headers["content-type"].startswith("application/problem+json")
    return str(response.json()["type"]).removeprefix(PROBLEM)


def local_path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL
    return f"{parts.path}?{parts.query}"


@pytest.fixture
def alice(client: Client, make_user: MakeUser) -> dict[str, str]:
    return make_user(client)


# -- create, read --------------------------------------------------------------------------


def test_a_created_quest_has_a_location_an_etag_and_reads_back(
    client: Client, alice: dict[str, str]
) -> None:
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    response = client.post(
        "/api/v1/quests",
        json={
            "title": "  Write the saga ",
            "tags": ["writing", "epic"],
            "difficulty": "hard",
            "priority": 3,
            "due": due,
            "estimate_minutes": 90,
            "checklist": ["outline", "draft"],
            "recurrence": {"rule": "FREQ=WEEKLY;BYDAY=MO", "timezone": "Europe/Berlin"},
        },
        headers=alice,
    )
    assert response.status_code == 201
    quest = response.json()
    assert response.headers["location"] == f"/api/v1/quests/{quest['id']}"
    assert response.headers["etag"] == '"v1"'
    assert (quest["title"], quest["status"], quest["difficulty"], quest["priority"]) == (
        "Write the saga",
        "todo",
        "hard",
        3,
    )
    assert quest["checklist"] == [
        {"text": "outline", "done": False},
        {"text": "draft", "done": False},
    ]
    assert quest["recurrence"]["timezone"] == "Europe/Berlin"
    got = client.get(f"/api/v1/quests/{quest['id']}", headers=alice)
    assert got.status_code == 200
    assert got.headers["etag"] == '"v1"'
    assert got.json() == quest


@pytest.mark.parametrize(
    "body",
    [
        {"title": "x", "owner": "00000000-0000-0000-0000-000000000001"},
        {"title": "x", "status": "done"},
        {"title": "x", "version": 7},
        {"title": "x", "recurrence": {"rule": "FREQ=DAILY", "dtstart": "now"}},
    ],
    ids=["owner", "status", "version", "nested"],
)
def test_unknown_fields_are_refused_never_assigned(
    client: Client, alice: dict[str, str], body: dict[str, Any]
) -> None:
    response = client.post("/api/v1/quests", json=body, headers=alice)
    assert response.status_code == 400
    assert problem_type(response) == "invalid-request"
    assert client.get("/api/v1/quests", headers=alice).json()["items"] == []


def test_a_malformed_body_is_400(client: Client, alice: dict[str, str]) -> None:
    for content in (b"{not json", b'{"title": 5}', b"[]"):
        response = client.post(
            "/api/v1/quests",
            content=content,
            headers={**alice, "Content-Type": "application/json"},
        )
        assert response.status_code == 400, content
        assert problem_type(response) == "invalid-request"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "x", "difficulty": "legendary"}, "difficulty"),
        ({"title": "x", "priority": 9}, "priority"),
        ({"title": "x", "due": "2030-01-01T10:00:00"}, "due"),
        ({"title": "x", "due": "2001-01-01T10:00:00Z"}, "due"),
        ({"title": "x", "estimate_minutes": -5}, "estimate_minutes"),
        ({"title": "x", "tags": ["two words"]}, "tags"),
        ({"title": "x", "recurrence": {"rule": "FREQ=SECONDLY"}}, "recurrence"),
        ({"title": "x", "parent_id": "00000000-0000-0000-0000-000000000001"}, "parent_id"),
    ],
)
def test_a_broken_rule_is_422_naming_the_field(
    client: Client, alice: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = client.post("/api/v1/quests", json=body, headers=alice)
    assert response.status_code == 422, response.text
    assert problem_type(response) == "validation-failed"
    assert response.json()["field"] == field


def test_without_a_valid_token_it_is_401(client: Client) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic eDp5"}):
        listed = client.get("/api/v1/quests", headers=headers)
        assert listed.status_code == 401
        assert listed.headers["www-authenticate"].startswith("Bearer")
        created = client.post("/api/v1/quests", json={"title": "x"}, headers=headers)
        assert created.status_code == 401


def test_a_body_over_the_limit_is_413(client: Client, alice: dict[str, str]) -> None:
    huge = b'{"title": "x", "notes": "' + b"a" * 2_000_000 + b'"}'
    response = client.post(
        "/api/v1/quests", content=huge, headers={**alice, "Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_an_unknown_quest_is_404(client: Client, alice: dict[str, str]) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    response = client.get(f"/api/v1/quests/{missing}", headers=alice)
    assert response.status_code == 404
    assert problem_type(response) == "quest-not-found"
    assert client.get("/api/v1/quests/not-a-uuid", headers=alice).status_code in {400, 404}


# -- listing --------------------------------------------------------------------------------


def test_listing_filters_sorts_and_pages_with_a_cursor(
    client: Client, alice: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    soon = create(
        client, alice, title="Pay rent", tags=["home"], due=(now + timedelta(days=1)).isoformat()
    )
    later = create(
        client,
        alice,
        title="Renew passport",
        category="Admin",
        due=(now + timedelta(days=30)).isoformat(),
    )
    plain = create(client, alice, title="Learn the lute", notes="rent a lute first")
    done = create(client, alice, title="Old chore")
    assert client.post(f"/api/v1/quests/{done['id']}/complete", headers=alice).status_code == 200
    link = client.post(
        f"/api/v1/quests/{later['id']}/dependencies",
        json={"prerequisite_id": soon["id"]},
        headers=alice,
    )
    assert link.status_code == 201

    def titles(**params: Any) -> list[str]:
        response = client.get("/api/v1/quests", params=params, headers=alice)
        assert response.status_code == 200, response.text
        return [q["title"] for q in response.json()["items"]]

    client.post(f"/api/v1/quests/{done['id']}/archive", headers=alice)
    assert titles() == ["Pay rent", "Renew passport", "Learn the lute"]  # archived are hidden
    assert titles(status="archived") == ["Old chore"]
    assert titles(status="todo,archived") == [
        "Pay rent",
        "Renew passport",
        "Learn the lute",
        "Old chore",
    ]
    assert titles(status=["todo", "archived"]) == titles(status="todo,archived")
    assert titles(tag="home") == ["Pay rent"]
    assert titles(category="Admin") == ["Renew passport"]
    assert titles(text="RENT") == ["Pay rent", "Learn the lute"]
    assert titles(blocked="true") == ["Renew passport"]
    assert titles(blocked="false") == ["Pay rent", "Learn the lute"]
    assert titles(due_after=(now + timedelta(days=7)).isoformat()) == ["Renew passport"]
    assert titles(due_before=(now + timedelta(days=7)).isoformat()) == ["Pay rent"]
    assert titles(sort="due", descending="true") == ["Renew passport", "Pay rent", "Learn the lute"]
    assert plain["id"] not in {soon["id"], later["id"]}

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 1, "sort": "due"}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/quests", params=params, headers=alice).json()
        assert len(page["items"]) <= 1
        seen += [q["title"] for q in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Pay rent", "Renew passport", "Learn the lute"]
    # A silly page size is clamped, not refused.
    assert len(titles(limit=0)) == 1
    assert len(titles(limit=100_000)) == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "colour"}, "sort"),
        ({"status": "sleeping"}, "status"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"due_after": "2030-01-01T00:00:00"}, "due_after"),
    ],
)
def test_bad_listing_parameters_are_422(
    client: Client, alice: dict[str, str], params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/quests", params=params, headers=alice)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_unparseable_listing_parameters_are_400(client: Client, alice: dict[str, str]) -> None:
    for params in ({"limit": "many"}, {"blocked": "perhaps"}, {"parent_id": "nope"}):
        assert client.get("/api/v1/quests", params=params, headers=alice).status_code == 400


# -- update and delete with ETags -----------------------------------------------------------


def test_an_update_with_if_match_applies_once_and_a_stale_one_is_412(
    client: Client, alice: dict[str, str]
) -> None:
    quest = create(client, alice, due=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    url = f"/api/v1/quests/{quest['id']}"
    first = client.patch(
        url, json={"title": "Slay two dragons"}, headers={**alice, "If-Match": '"v1"'}
    )
    assert first.status_code == 200
    assert first.headers["etag"] == '"v2"'
    assert first.json()["title"] == "Slay two dragons"
    stale = client.patch(url, json={"title": "Lost update"}, headers={**alice, "If-Match": '"v1"'})
    assert stale.status_code == 412
    assert problem_type(stale) == "concurrency-conflict"
    # Without If-Match the change applies to the current version; null clears a field.
    cleared = client.patch(url, json={"due": None, "tags": ["a", "b"]}, headers=alice)
    assert cleared.status_code == 200
    assert (cleared.json()["due"], cleared.json()["tags"], cleared.json()["version"]) == (
        None,
        ["a", "b"],
        3,
    )
    assert client.get(url, headers=alice).json()["title"] == "Slay two dragons"
    assert (
        client.patch(url, json={"title": "x"}, headers={**alice, "If-Match": "v3"}).status_code
        == 400
    )
    assert client.patch(url, json={"status": "done"}, headers=alice).status_code == 400
    assert client.patch(url, json={"title": ""}, headers=alice).status_code == 422


def test_delete_honours_if_match_and_then_the_quest_is_gone(
    client: Client, alice: dict[str, str]
) -> None:
    quest = create(client, alice)
    child = create(client, alice, title="Sharpen sword", parent_id=quest["id"])
    url = f"/api/v1/quests/{quest['id']}"
    stale = client.delete(url, headers={**alice, "If-Match": '"v9"'})
    assert stale.status_code == 412
    assert client.delete(url, headers=alice).status_code == 204
    assert client.get(url, headers=alice).status_code == 404
    assert client.delete(url, headers=alice).status_code == 404
    # Its sub-quest stays, now top-level.
    assert client.get(f"/api/v1/quests/{child['id']}", headers=alice).json()["parent_id"] is None


# -- status changes, progress, checklist ---------------------------------------------------


def test_the_status_machine_over_http(client: Client, alice: dict[str, str]) -> None:
    quest = create(client, alice)
    base = f"/api/v1/quests/{quest['id']}"
    started = client.post(f"{base}/start", headers=alice)
    assert (started.status_code, started.json()["status"], started.headers["etag"]) == (
        200,
        "active",
        '"v2"',
    )
    again = client.post(f"{base}/start", headers=alice)
    assert again.status_code == 409
    assert problem_type(again) == "invalid-transition"
    completed = client.post(f"{base}/complete", headers=alice)
    assert completed.status_code == 200
    assert completed.json()["quest"]["status"] == "done"
    assert completed.json()["quest"]["progress"] == 100
    twice = client.post(f"{base}/complete", headers=alice)
    assert twice.status_code == 409
    reopened = client.post(f"{base}/reopen", headers=alice)
    assert reopened.json()["status"] == "todo"
    assert client.post(f"{base}/abandon", headers=alice).json()["status"] == "abandoned"
    assert client.post(f"{base}/archive", headers=alice).json()["status"] == "archived"
    locked = client.patch(base, json={"title": "x"}, headers=alice)
    assert locked.status_code == 409
    assert problem_type(locked) == "quest-locked"


def test_a_blocked_quest_cannot_be_completed_and_the_409_lists_its_prerequisites(
    client: Client, alice: dict[str, str]
) -> None:
    forge = create(client, alice, title="Forge the sword")
    slay = create(client, alice, title="Slay the dragon")
    client.post(
        f"/api/v1/quests/{slay['id']}/dependencies",
        json={"prerequisite_id": forge["id"]},
        headers=alice,
    )
    blocked = client.post(f"/api/v1/quests/{slay['id']}/complete", headers=alice)
    assert blocked.status_code == 409
    assert problem_type(blocked) == "quest-blocked"
    assert blocked.json()["prerequisites"] == [forge["id"]]
    done = client.post(f"/api/v1/quests/{forge['id']}/complete", headers=alice)
    assert done.json()["unblocked"] == [slay["id"]]
    assert client.post(f"/api/v1/quests/{slay['id']}/complete", headers=alice).status_code == 200


def test_owner_timezone_comes_from_a_valid_x_timezone_header_else_utc() -> None:
    assert owner_timezone("Europe/Berlin") == "Europe/Berlin"
    assert owner_timezone(" America/New_York ") == "America/New_York"
    for bad in (None, "", "Mars/Olympus", "localtime", "../../etc/passwd", "x" * 300):
        assert owner_timezone(bad) == "UTC"


async def _completions(settings: Settings, app: Litestar) -> list[QuestCompleted]:
    if settings.database_url.startswith("memory:"):
        store: InMemoryQuestStore = app.state.container.quest_store()
        records = store.outbox
    else:
        # Every committed event, published or not (the all-in-one's relay publishes them).
        engine = make_engine(settings.database_url)
        try:
            async with engine.connect() as connection:
                payloads = (await connection.execute(select(quest_tables.outbox.c.payload))).all()
        finally:
            await engine.dispose()
        records = [OutboxRecord.of(decode_event(p)) for (p,) in payloads]
    events = [r.event() for r in records]
    return [e for e in events if isinstance(e, QuestCompleted)]


def test_a_completion_carries_the_callers_time_zone(
    client: Client, alice: dict[str, str], settings: Settings, app: Litestar
) -> None:
    berlin, unknown = create(client, alice), create(client, alice)
    client.post(
        f"/api/v1/quests/{berlin['id']}/complete",
        headers={**alice, "X-Timezone": "Europe/Berlin"},
    )
    client.post(
        f"/api/v1/quests/{unknown['id']}/complete", headers={**alice, "X-Timezone": "Nowhere/Else"}
    )
    zones = {str(e.quest_id): e.owner_timezone for e in asyncio.run(_completions(settings, app))}
    assert zones == {berlin["id"]: "Europe/Berlin", unknown["id"]: "UTC"}


def test_progress_and_checklist(client: Client, alice: dict[str, str]) -> None:
    plain = create(client, alice)
    listed = create(client, alice, checklist=["find map", "cross river"])
    set_ = client.put(
        f"/api/v1/quests/{plain['id']}/progress", json={"progress": 40}, headers=alice
    )
    assert (set_.status_code, set_.json()["progress"]) == (200, 40)
    over = client.put(
        f"/api/v1/quests/{plain['id']}/progress", json={"progress": 101}, headers=alice
    )
    assert over.status_code == 422
    derived = client.put(
        f"/api/v1/quests/{listed['id']}/progress", json={"progress": 50}, headers=alice
    )
    assert derived.status_code == 422
    ticked = client.put(f"/api/v1/quests/{listed['id']}/checklist/0", json={}, headers=alice)
    assert ticked.status_code == 200
    assert ticked.json()["progress"] == 50
    assert ticked.json()["checklist"][0] == {"text": "find map", "done": True}
    untick = client.put(
        f"/api/v1/quests/{listed['id']}/checklist/0", json={"done": False}, headers=alice
    )
    assert untick.json()["progress"] == 0
    missing = client.put(f"/api/v1/quests/{listed['id']}/checklist/7", json={}, headers=alice)
    assert missing.status_code == 422
    assert (
        client.put(
            f"/api/v1/quests/{listed['id']}/progress", json={"progress": "half"}, headers=alice
        ).status_code
        == 400
    )


# -- dependencies and plan ------------------------------------------------------------------


def test_dependencies_add_list_remove_and_refuse_cycles(
    client: Client, alice: dict[str, str]
) -> None:
    a, b, c = (create(client, alice, title=t) for t in ("A", "B", "C"))
    add = client.post(
        f"/api/v1/quests/{b['id']}/dependencies", json={"prerequisite_id": a["id"]}, headers=alice
    )
    assert add.status_code == 201
    assert add.json() == {
        "quest_id": b["id"],
        "prerequisites": [a["id"]],
        "dependents": [],
        "unfinished_prerequisites": [a["id"]],
        "blocked": True,
    }
    client.post(
        f"/api/v1/quests/{c['id']}/dependencies", json={"prerequisite_id": b["id"]}, headers=alice
    )
    cycle = client.post(
        f"/api/v1/quests/{a['id']}/dependencies", json={"prerequisite_id": c["id"]}, headers=alice
    )
    assert cycle.status_code == 409
    assert problem_type(cycle) == "dependency-cycle"
    assert set(cycle.json()["cycle"]) == {a["id"], b["id"], c["id"]}
    self_loop = client.post(
        f"/api/v1/quests/{a['id']}/dependencies", json={"prerequisite_id": a["id"]}, headers=alice
    )
    assert self_loop.status_code == 409
    view = client.get(f"/api/v1/quests/{b['id']}/dependencies", headers=alice).json()
    assert (view["prerequisites"], view["dependents"]) == ([a["id"]], [c["id"]])
    edge = f"/api/v1/quests/{b['id']}/dependencies/{a['id']}"
    assert client.delete(edge, headers=alice).status_code == 204
    assert client.delete(edge, headers=alice).status_code == 404
    missing = client.post(
        f"/api/v1/quests/{b['id']}/dependencies",
        json={"prerequisite_id": "00000000-0000-4000-8000-000000000000"},
        headers=alice,
    )
    assert missing.status_code == 404
    assert (
        client.post(
            f"/api/v1/quests/{b['id']}/dependencies", json={"prerequisite": a["id"]}, headers=alice
        ).status_code
        == 400
    )


def test_the_plan_puts_prerequisites_first_and_names_the_critical_path(
    client: Client, alice: dict[str, str]
) -> None:
    short = create(client, alice, title="Short", estimate_minutes=10)
    long = create(client, alice, title="Long", estimate_minutes=120)
    final = create(client, alice, title="Final", estimate_minutes=30)
    loose = create(client, alice, title="Loose")
    for before in (short, long):
        client.post(
            f"/api/v1/quests/{final['id']}/dependencies",
            json={"prerequisite_id": before["id"]},
            headers=alice,
        )
    plan = client.get("/api/v1/quests/plan", headers=alice)
    assert plan.status_code == 200
    order = [q["id"] for q in plan.json()["order"]]
    assert order.index(final["id"]) > max(order.index(short["id"]), order.index(long["id"]))
    assert loose["id"] in order
    assert plan.json()["blocked"] == [final["id"]]
    assert plan.json()["critical_path"] == [long["id"], final["id"]]
    assert plan.json()["critical_minutes"] == 150


# -- bulk -----------------------------------------------------------------------------------


def test_bulk_create_is_all_or_nothing(client: Client, alice: dict[str, str]) -> None:
    made = client.post(
        "/api/v1/quests/bulk",
        json={"quests": [{"title": "One"}, {"title": "Two", "tags": ["x"]}]},
        headers=alice,
    )
    assert made.status_code == 201
    assert [q["title"] for q in made.json()["items"]] == ["One", "Two"]
    broken = client.post(
        "/api/v1/quests/bulk",
        json={"quests": [{"title": "Three"}, {"title": ""}, {"title": "Four"}]},
        headers=alice,
    )
    assert broken.status_code == 422
    assert broken.json()["field"] == "quests[1].title"
    too_many = client.post(
        "/api/v1/quests/bulk", json={"quests": [{"title": "q"}] * 101}, headers=alice
    )
    assert too_many.status_code == 422
    assert client.post("/api/v1/quests/bulk", json={"quests": []}, headers=alice).status_code == 422
    sneaky = client.post(
        "/api/v1/quests/bulk", json={"quests": [{"title": "x", "owner": "me"}]}, headers=alice
    )
    assert sneaky.status_code == 400
    titles = [q["title"] for q in client.get("/api/v1/quests", headers=alice).json()["items"]]
    assert titles == ["One", "Two"]


# -- templates ------------------------------------------------------------------------------


def test_templates_crud_and_instantiation(client: Client, alice: dict[str, str]) -> None:
    created = client.post(
        "/api/v1/templates",
        json={
            "name": "Client onboarding",
            "title_pattern": "Onboard {client}",
            "difficulty": "hard",
            "checklist": ["contract signed"],
            "steps": [
                {"title_pattern": "Kick-off with {client}"},
                {"title_pattern": "Set up accounts", "estimate_minutes": 30},
            ],
        },
        headers=alice,
    )
    assert created.status_code == 201
    template = created.json()
    url = f"/api/v1/templates/{template['id']}"
    assert created.headers["location"] == url
    assert template["placeholders"] == ["client"]
    assert client.get(url, headers=alice).json() == template
    assert [t["name"] for t in client.get("/api/v1/templates", headers=alice).json()] == [
        "Client onboarding"
    ]
    patched = client.patch(url, json={"name": "Onboarding", "tags": ["work"]}, headers=alice)
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["tags"]) == ("Onboarding", ["work"])
    bad_step = client.patch(
        url, json={"steps": [{"title_pattern": "a", "after": [3]}]}, headers=alice
    )
    assert bad_step.status_code == 422
    assert bad_step.json()["field"] == "steps"
    assert client.patch(url, json={"owner": "me"}, headers=alice).status_code == 400

    made = client.post(f"{url}/instantiate", json={"values": {"client": "ACME"}}, headers=alice)
    assert made.status_code == 201
    root = made.json()["root"]
    assert root["title"] == "Onboard ACME"
    assert [s["title"] for s in made.json()["steps"]] == ["Kick-off with ACME", "Set up accounts"]
    assert made.headers["location"] == f"/api/v1/quests/{root['id']}"
    blocked = client.post(f"/api/v1/quests/{root['id']}/complete", headers=alice)
    assert blocked.status_code == 409
    missing_value = client.post(f"{url}/instantiate", json={"values": {}}, headers=alice)
    assert missing_value.status_code == 422
    assert missing_value.json()["field"] == "values"

    assert client.delete(url, headers=alice).status_code == 204
    assert client.get(url, headers=alice).status_code == 404
    assert client.post(f"{url}/instantiate", json={}, headers=alice).status_code == 404
    # Quests made from it stay.
    assert client.get(f"/api/v1/quests/{root['id']}", headers=alice).status_code == 200


# -- categories -----------------------------------------------------------------------------


def test_categories_crud_and_a_rename_follows_to_the_quests(
    client: Client, alice: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/categories", json={"name": "Work", "color": "#1E90FF"}, headers=alice
    )
    assert created.status_code == 201
    category = created.json()
    assert category["color"] == "#1e90ff"
    url = f"/api/v1/categories/{category['id']}"
    duplicate = client.post("/api/v1/categories", json={"name": "work"}, headers=alice)
    assert duplicate.status_code == 409
    filed = create(client, alice, category="Work")
    renamed = client.patch(url, json={"name": "Job"}, headers=alice)
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Job"
    assert client.get(f"/api/v1/quests/{filed['id']}", headers=alice).json()["category"] == "Job"
    assert client.patch(url, json={"color": "red"}, headers=alice).status_code == 422
    assert client.patch(url, json={"color": None}, headers=alice).json()["color"] is None
    client.post("/api/v1/categories", json={"name": "Home"}, headers=alice)
    clash = client.patch(url, json={"name": "HOME"}, headers=alice)
    assert clash.status_code == 409
    names = [c["name"] for c in client.get("/api/v1/categories", headers=alice).json()]
    assert names == ["Home", "Job"]
    assert client.get(url, headers=alice).json()["name"] == "Job"
    assert client.delete(url, headers=alice).status_code == 204
    assert client.get(url, headers=alice).status_code == 404
    assert client.delete(url, headers=alice).status_code == 404


# -- attachments ----------------------------------------------------------------------------


def test_a_direct_upload_can_be_listed_downloaded_and_deleted(
    client: Client, alice: dict[str, str]
) -> None:
    quest = create(client, alice)
    base = f"/api/v1/quests/{quest['id']}/attachments"
    uploaded = client.post(
        base,
        params={"filename": "map.txt"},
        content=b"X marks the spot",
        headers={**alice, "Content-Type": "text/plain"},
    )
    assert uploaded.status_code == 201
    attachment = uploaded.json()
    assert (attachment["filename"], attachment["size"], attachment["state"]) == (
        "map.txt",
        16,
        "stored",
    )
    assert [a["id"] for a in client.get(base, headers=alice).json()] == [attachment["id"]]
    got = client.get(f"{base}/{attachment['id']}", headers=alice).json()
    download = client.get(local_path(got["download_url"]))
    assert download.status_code == 200
    assert download.content == b"X marks the spot"
    assert download.headers["content-disposition"] == "attachment"
    assert download.headers["x-content-type-options"] == "nosniff"
    # A tampered link is refused.
    tampered = local_path(got["download_url"]).replace("signature=", "signature=A")
    assert client.get(tampered).status_code == 403
    assert client.delete(f"{base}/{attachment['id']}", headers=alice).status_code == 204
    assert client.get(f"{base}/{attachment['id']}", headers=alice).status_code == 404
    assert client.get(local_path(got["download_url"])).status_code == 404


def test_a_presigned_upload_goes_pending_uploaded_confirmed(
    client: Client, alice: dict[str, str]
) -> None:
    quest = create(client, alice)
    base = f"/api/v1/quests/{quest['id']}/attachments"
    grant = client.post(
        f"{base}/upload-url",
        json={"filename": "scroll.pdf", "content_type": "application/pdf", "size": 1000},
        headers=alice,
    )
    assert grant.status_code == 201
    body = grant.json()
    attachment_id = body["attachment"]["id"]
    assert body["attachment"]["state"] == "pending"
    assert (body["method"], body["headers"]) == ("PUT", {"Content-Type": "application/pdf"})
    pending = client.get(f"{base}/{attachment_id}", headers=alice).json()
    assert pending["download_url"] is None
    early = client.post(f"{base}/{attachment_id}/confirm", headers=alice)
    assert early.status_code == 409
    assert problem_type(early) == "upload-incomplete"
    upload = local_path(body["upload_url"])
    wrong_type = client.put(upload, content=b"%PDF", headers={"Content-Type": "text/html"})
    assert wrong_type.status_code == 422
    as_download = client.get(upload)
    assert as_download.status_code == 403  # an upload link is not a download link
    assert (
        client.put(
            upload, content=b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"}
        ).status_code
        == 204
    )
    confirmed = client.post(f"{base}/{attachment_id}/confirm", headers=alice)
    assert confirmed.status_code == 200
    assert (confirmed.json()["state"], confirmed.json()["size"]) == ("stored", 12)
    fetched = client.get(
        local_path(client.get(f"{base}/{attachment_id}", headers=alice).json()["download_url"])
    )
    assert fetched.content == b"%PDF-1.7 ..."
    assert (
        client.post(
            f"{base}/upload-url",
            json={"filename": "a/b", "content_type": "application/pdf", "size": 10},
            headers=alice,
        ).status_code
        == 422
    )


def test_files_over_the_storage_limit_are_413(
    client: Client, alice: dict[str, str], app: Litestar, tmp_path: Path
) -> None:
    small = LocalFileStorage(tmp_path / "small", b"k" * 32, BASE_URL, max_bytes=10)
    app.state.container.file_storage.override(small)
    try:
        quest = create(client, alice)
        base = f"/api/v1/quests/{quest['id']}/attachments"
        direct = client.post(
            base, content=b"x" * 11, headers={**alice, "Content-Type": "text/plain"}
        )
        assert direct.status_code == 413
        assert problem_type(direct) == "file-too-large"
        declared = client.post(
            f"{base}/upload-url",
            json={"filename": "big.bin", "content_type": "application/octet-stream", "size": 11},
            headers=alice,
        )
        assert declared.status_code == 413
        grant = client.post(
            f"{base}/upload-url",
            json={"filename": "ok.bin", "content_type": "application/octet-stream", "size": 10},
            headers=alice,
        ).json()
        put = client.put(
            local_path(grant["upload_url"]),
            content=b"x" * 11,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert put.status_code == 413
        assert client.get(base, headers=alice).json()[0]["state"] == "pending"
    finally:
        app.state.container.file_storage.reset_override()


def test_an_attachment_larger_than_the_json_body_limit_can_still_be_uploaded(
    client: Client, alice: dict[str, str]
) -> None:
    quest = create(client, alice)
    data = b"\x00" * 2_000_000  # over the 1 MiB JSON limit, under the attachment limit
    response = client.post(
        f"/api/v1/quests/{quest['id']}/attachments",
        content=data,
        headers={**alice, "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 201
    assert response.json()["size"] == 2_000_000


def test_deleting_a_quest_removes_its_attachments(client: Client, alice: dict[str, str]) -> None:
    quest = create(client, alice)
    base = f"/api/v1/quests/{quest['id']}/attachments"
    attachment = client.post(
        base, content=b"bytes", headers={**alice, "Content-Type": "text/plain"}
    ).json()
    link = client.get(f"{base}/{attachment['id']}", headers=alice).json()["download_url"]
    assert client.delete(f"/api/v1/quests/{quest['id']}", headers=alice).status_code == 204
    assert client.get(local_path(link)).status_code == 404


def test_the_request_id_travels_onto_the_outbox_rows_of_its_events(
    client: Client, alice: dict[str, str], settings: Settings, app: Litestar
) -> None:
    """A support engineer can follow one request from the HTTP log line to the events it
    caused: the SQL outbox row carries the request's ``X-Request-ID``."""
    response = client.post(
        "/api/v1/quests", json={"title": "Traceable"}, headers={**alice, "X-Request-ID": "trace-42"}
    )
    assert response.status_code == 201
    assert response.headers["x-request-id"] == "trace-42"

    async def request_ids() -> list[str | None]:
        if settings.database_url.startswith("memory:"):
            store: InMemoryQuestStore = app.state.container.quest_store()
            return [record.request_id for record in store.outbox]
        engine = make_engine(settings.database_url)
        try:
            async with engine.connect() as connection:
                table = quest_tables.outbox
                rows = await connection.execute(select(table.c.request_id))
                return [r for (r,) in rows.all()]
        finally:
            await engine.dispose()

    assert "trace-42" in asyncio.run(request_ids())
