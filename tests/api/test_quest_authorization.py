"""One user never sees or changes another's quests, templates, categories or attachments.

Every route with an id under ``/api/v1/quests``, ``/api/v1/templates`` and
``/api/v1/categories`` is read from the app's route table and tried as another user with the
owner's ids: each answers 404 (never 403, which would confirm the id exists), and afterwards
the owner's data is exactly as it was. A route added later without an entry in
:data:`REQUESTS` fails :func:`test_every_route_with_an_id_is_covered`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from .conftest import MakeUser

Client = TestClient[Litestar]
PREFIXES = ("/api/v1/quests", "/api/v1/templates", "/api/v1/categories")
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}

#: (method, route path) -> (path to fill with the owner's ids, keyword arguments of the request)
REQUESTS: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("GET", "/api/v1/quests/{quest_id:uuid}"): ("/api/v1/quests/{quest}", {}),
    ("PATCH", "/api/v1/quests/{quest_id:uuid}"): (
        "/api/v1/quests/{quest}",
        {"json": {"title": "mine now"}},
    ),
    ("DELETE", "/api/v1/quests/{quest_id:uuid}"): ("/api/v1/quests/{quest}", {}),
    ("POST", "/api/v1/quests/{quest_id:uuid}/start"): ("/api/v1/quests/{quest}/start", {}),
    ("POST", "/api/v1/quests/{quest_id:uuid}/complete"): ("/api/v1/quests/{quest}/complete", {}),
    ("POST", "/api/v1/quests/{quest_id:uuid}/reopen"): ("/api/v1/quests/{done}/reopen", {}),
    ("POST", "/api/v1/quests/{quest_id:uuid}/abandon"): ("/api/v1/quests/{quest}/abandon", {}),
    ("POST", "/api/v1/quests/{quest_id:uuid}/archive"): ("/api/v1/quests/{quest}/archive", {}),
    ("PUT", "/api/v1/quests/{quest_id:uuid}/progress"): (
        "/api/v1/quests/{plain}/progress",
        {"json": {"progress": 99}},
    ),
    ("PUT", "/api/v1/quests/{quest_id:uuid}/checklist/{index:int}"): (
        "/api/v1/quests/{quest}/checklist/0",
        {"json": {"done": True}},
    ),
    ("GET", "/api/v1/quests/{quest_id:uuid}/dependencies"): (
        "/api/v1/quests/{quest}/dependencies",
        {},
    ),
    ("POST", "/api/v1/quests/{quest_id:uuid}/dependencies"): (
        "/api/v1/quests/{quest}/dependencies",
        {"json": {"prerequisite_id": "{plain}"}},
    ),
    ("DELETE", "/api/v1/quests/{quest_id:uuid}/dependencies/{prerequisite_id:uuid}"): (
        "/api/v1/quests/{quest}/dependencies/{prerequisite}",
        {},
    ),
    ("GET", "/api/v1/quests/{quest_id:uuid}/attachments"): (
        "/api/v1/quests/{quest}/attachments",
        {},
    ),
    ("POST", "/api/v1/quests/{quest_id:uuid}/attachments"): (
        "/api/v1/quests/{quest}/attachments",
        {"content": b"intruder", "headers": {"Content-Type": "text/plain"}},
    ),
    ("POST", "/api/v1/quests/{quest_id:uuid}/attachments/upload-url"): (
        "/api/v1/quests/{quest}/attachments/upload-url",
        {"json": {"filename": "x.txt", "content_type": "text/plain", "size": 5}},
    ),
    ("GET", "/api/v1/quests/{quest_id:uuid}/attachments/{attachment_id:uuid}"): (
        "/api/v1/quests/{quest}/attachments/{attachment}",
        {},
    ),
    ("DELETE", "/api/v1/quests/{quest_id:uuid}/attachments/{attachment_id:uuid}"): (
        "/api/v1/quests/{quest}/attachments/{attachment}",
        {},
    ),
    ("POST", "/api/v1/quests/{quest_id:uuid}/attachments/{attachment_id:uuid}/confirm"): (
        "/api/v1/quests/{quest}/attachments/{pending}/confirm",
        {},
    ),
    ("GET", "/api/v1/templates/{template_id:uuid}"): ("/api/v1/templates/{template}", {}),
    ("PATCH", "/api/v1/templates/{template_id:uuid}"): (
        "/api/v1/templates/{template}",
        {"json": {"name": "stolen"}},
    ),
    ("DELETE", "/api/v1/templates/{template_id:uuid}"): ("/api/v1/templates/{template}", {}),
    ("POST", "/api/v1/templates/{template_id:uuid}/instantiate"): (
        "/api/v1/templates/{template}/instantiate",
        {"json": {"values": {"who": "me"}}},
    ),
    ("GET", "/api/v1/categories/{category_id:uuid}"): ("/api/v1/categories/{category}", {}),
    ("PATCH", "/api/v1/categories/{category_id:uuid}"): (
        "/api/v1/categories/{category}",
        {"json": {"name": "stolen"}},
    ),
    ("DELETE", "/api/v1/categories/{category_id:uuid}"): ("/api/v1/categories/{category}", {}),
}


def routes_with_ids(app: Litestar) -> set[tuple[str, str]]:
    """Every (method, path) of the app under the quest service's prefixes that takes an id."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if "{" not in route.path or not route.path.startswith(PREFIXES):
            continue
        for method in getattr(route, "methods", set()):
            if method in METHODS:
                found.add((method, route.path))
    return found


def test_every_route_with_an_id_is_covered(app: Litestar) -> None:
    routes = routes_with_ids(app)
    assert routes, "the quest routes are mounted"
    assert routes == set(REQUESTS), (
        f"not tried as another user: {sorted(routes - set(REQUESTS))}; "
        f"stale entries: {sorted(set(REQUESTS) - routes)}"
    )


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], value)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _post(client: Client, path: str, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    response = client.post(path, headers=headers, **kwargs)
    assert response.status_code in {200, 201}, response.text
    body: dict[str, Any] = response.json()
    return body


def _owner_world(client: Client, owner: dict[str, str]) -> dict[str, str]:
    """One of everything an id can point at, all belonging to ``owner``."""
    quest = _post(client, "/api/v1/quests", owner, json={"title": "Secret", "checklist": ["a"]})
    plain = _post(client, "/api/v1/quests", owner, json={"title": "Plain"})
    prerequisite = _post(client, "/api/v1/quests", owner, json={"title": "Before"})
    done = _post(client, "/api/v1/quests", owner, json={"title": "Done"})
    _post(client, f"/api/v1/quests/{done['id']}/complete", owner)
    _post(
        client,
        f"/api/v1/quests/{quest['id']}/dependencies",
        owner,
        json={"prerequisite_id": prerequisite["id"]},
    )
    attachment = _post(
        client,
        f"/api/v1/quests/{quest['id']}/attachments",
        {**owner, "Content-Type": "text/plain"},
        content=b"secret map",
    )
    pending = _post(
        client,
        f"/api/v1/quests/{quest['id']}/attachments/upload-url",
        owner,
        json={"filename": "p.txt", "content_type": "text/plain", "size": 5},
    )["attachment"]
    template = _post(
        client,
        "/api/v1/templates",
        owner,
        json={"name": "T", "title_pattern": "For {who}", "steps": [{"title_pattern": "s"}]},
    )
    category = _post(client, "/api/v1/categories", owner, json={"name": "Private"})
    return {
        "quest": quest["id"],
        "plain": plain["id"],
        "prerequisite": prerequisite["id"],
        "done": done["id"],
        "attachment": attachment["id"],
        "pending": pending["id"],
        "template": template["id"],
        "category": category["id"],
    }


def _snapshot(client: Client, owner: dict[str, str], ids: dict[str, str]) -> list[Any]:
    """Everything the owner can see, to compare before and after the intrusions."""
    quests = client.get("/api/v1/quests", params={"limit": 200}, headers=owner).json()
    return [
        quests,
        client.get(f"/api/v1/quests/{ids['quest']}/dependencies", headers=owner).json(),
        client.get(f"/api/v1/quests/{ids['quest']}/attachments", headers=owner).json(),
        client.get("/api/v1/templates", headers=owner).json(),
        client.get("/api/v1/categories", headers=owner).json(),
    ]


def test_another_user_gets_404_on_every_route_with_an_id_and_changes_nothing(
    client: Client, app: Litestar, make_user: MakeUser
) -> None:
    owner, intruder = make_user(client), make_user(client)
    ids = _owner_world(client, owner)
    before = _snapshot(client, owner, ids)
    # The intruder has quests of their own, so "not found" is about ownership, not emptiness.
    _post(client, "/api/v1/quests", intruder, json={"title": "Mine"})

    answers: dict[tuple[str, str], int] = {}
    for (method, route), (path, kwargs) in sorted(REQUESTS.items()):
        extra = dict(_fill(kwargs, ids))
        headers = {**intruder, **extra.pop("headers", {})}
        response = client.request(method, _fill(path, ids), headers=headers, **extra)
        answers[(method, route)] = response.status_code
        if response.status_code == 404:
            assert response.headers["content-type"].startswith("application/problem+json")
    assert {k: v for k, v in answers.items() if v != 404} == {}
    assert _snapshot(client, owner, ids) == before
    assert routes_with_ids(app) <= set(answers)


def test_another_users_ids_in_a_body_or_filter_are_not_found(
    client: Client, make_user: MakeUser
) -> None:
    owner, intruder = make_user(client), make_user(client)
    ids = _owner_world(client, owner)
    mine = _post(client, "/api/v1/quests", intruder, json={"title": "Mine"})
    link = client.post(
        f"/api/v1/quests/{mine['id']}/dependencies",
        json={"prerequisite_id": ids["quest"]},
        headers=intruder,
    )
    assert link.status_code == 404
    unlink = client.delete(
        f"/api/v1/quests/{mine['id']}/dependencies/{ids['quest']}", headers=intruder
    )
    assert unlink.status_code == 404
    adopt = client.post(
        "/api/v1/quests", json={"title": "Child", "parent_id": ids["quest"]}, headers=intruder
    )
    assert adopt.status_code == 422  # "no quest <id>": the same answer as for a made-up id
    move = client.patch(
        f"/api/v1/quests/{mine['id']}", json={"parent_id": ids["quest"]}, headers=intruder
    )
    assert move.status_code == 422
    peek = client.get("/api/v1/quests", params={"parent_id": ids["quest"]}, headers=intruder)
    assert peek.json()["items"] == []
    listing = client.get("/api/v1/quests", headers=intruder).json()["items"]
    assert [q["title"] for q in listing] == ["Mine"]
    assert client.get("/api/v1/templates", headers=intruder).json() == []
    assert client.get("/api/v1/categories", headers=intruder).json() == []
    plan = client.get("/api/v1/quests/plan", headers=intruder).json()
    assert [q["title"] for q in plan["order"]] == ["Mine"]


@pytest.mark.parametrize("route", sorted(REQUESTS), ids=lambda r: f"{r[0]} {r[1]}")
def test_each_route_with_an_id_needs_a_token(client: Client, route: tuple[str, str]) -> None:
    method, _ = route
    path, kwargs = REQUESTS[route]
    ids = dict.fromkeys(
        ("quest", "plain", "prerequisite", "done", "attachment", "pending", "template", "category"),
        "00000000-0000-4000-8000-000000000000",
    )
    extra = dict(_fill(kwargs, ids))
    extra.pop("headers", None)
    response = client.request(method, _fill(path, ids), **extra)
    assert response.status_code == 401
