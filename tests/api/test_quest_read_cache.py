"""GET one quest is served through the read-aside cache; a write is never followed by a stale read.

Each test reads the quest first (so it is cached), writes it through one route, and reads it
again at once: the read shows the write. Runs on the in-memory database and on SQLite, with
the in-process cache of the all-in-one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from .conftest import MakeUser

Client = TestClient[Litestar]
Headers = dict[str, str]
QUESTS = "/api/v1/quests"


def create(client: Client, headers: Headers, **fields: Any) -> dict[str, Any]:
    fields.setdefault("title", "Slay the dragon")
    response = client.post(QUESTS, json=fields, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def read(client: Client, headers: Headers, quest_id: str) -> dict[str, Any]:
    response = client.get(f"{QUESTS}/{quest_id}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == f'"v{response.json()["version"]}"'
    body: dict[str, Any] = response.json()
    return body


def ok(response: Any) -> None:
    assert response.status_code in {200, 201, 204}, response.text


@pytest.fixture
def alice(client: Client, make_user: MakeUser) -> Headers:
    return make_user(client)


Write = Callable[[Client, Headers, str], None]


def _patch(c: Client, h: Headers, q: str) -> None:
    ok(c.patch(f"{QUESTS}/{q}", json={"title": "Befriend the dragon"}, headers=h))


def _post(action: str) -> Write:
    def write(c: Client, h: Headers, q: str) -> None:
        ok(c.post(f"{QUESTS}/{q}/{action}", headers=h))

    return write


def _progress(c: Client, h: Headers, q: str) -> None:
    ok(c.put(f"{QUESTS}/{q}/progress", json={"progress": 40}, headers=h))


def _reopen(c: Client, h: Headers, q: str) -> None:
    ok(c.post(f"{QUESTS}/{q}/complete", headers=h))
    read(c, h, q)  # cache the completed state too
    ok(c.post(f"{QUESTS}/{q}/reopen", headers=h))


#: (route, write, what the next read must show)
WRITES: list[tuple[str, Write, dict[str, Any]]] = [
    ("patch", _patch, {"title": "Befriend the dragon"}),
    ("start", _post("start"), {"status": "active"}),
    ("complete", _post("complete"), {"status": "done", "progress": 100}),
    ("abandon", _post("abandon"), {"status": "abandoned"}),
    ("archive", _post("archive"), {"status": "archived"}),
    ("progress", _progress, {"progress": 40}),
    ("reopen", _reopen, {"status": "todo"}),
]


@pytest.mark.parametrize(("route", "write", "expected"), WRITES, ids=[w[0] for w in WRITES])
def test_a_read_right_after_a_write_shows_the_write(
    client: Client, alice: Headers, route: str, write: Write, expected: dict[str, Any]
) -> None:
    quest = create(client, alice)
    before = read(client, alice, quest["id"])
    write(client, alice, quest["id"])
    after = read(client, alice, quest["id"])
    assert {k: after[k] for k in expected} == expected
    assert after["version"] > before["version"]


def test_ticking_a_checklist_item_shows_at_once(client: Client, alice: Headers) -> None:
    quest = create(client, alice, checklist=["find map", "cross river"])
    read(client, alice, quest["id"])
    ok(client.put(f"{QUESTS}/{quest['id']}/checklist/0", json={}, headers=alice))
    after = read(client, alice, quest["id"])
    assert after["checklist"][0] == {"text": "find map", "done": True}
    assert after["progress"] == 50


def test_a_deleted_quest_is_gone_at_once(client: Client, alice: Headers) -> None:
    quest = create(client, alice)
    read(client, alice, quest["id"])
    ok(client.delete(f"{QUESTS}/{quest['id']}", headers=alice))
    assert client.get(f"{QUESTS}/{quest['id']}", headers=alice).status_code == 404


def test_a_new_quest_reads_back_at_once_one_by_one_and_in_bulk(
    client: Client, alice: Headers
) -> None:
    quest = create(client, alice, title="First")
    assert read(client, alice, quest["id"])["title"] == "First"
    bulk = client.post(
        f"{QUESTS}/bulk", json={"quests": [{"title": "Second"}, {"title": "Third"}]}, headers=alice
    )
    ok(bulk)
    for item in bulk.json()["items"]:
        assert read(client, alice, item["id"])["title"] == item["title"]


def test_a_sub_quest_becomes_top_level_at_once_when_its_parent_is_deleted(
    client: Client, alice: Headers
) -> None:
    parent = create(client, alice, title="Parent")
    child = create(client, alice, title="Child", parent_id=parent["id"])
    assert read(client, alice, child["id"])["parent_id"] == parent["id"]
    ok(client.delete(f"{QUESTS}/{parent['id']}", headers=alice))
    assert read(client, alice, child["id"])["parent_id"] is None


def test_renaming_a_category_relabels_even_archived_quests_at_once(
    client: Client, alice: Headers
) -> None:
    category = client.post("/api/v1/categories", json={"name": "work"}, headers=alice)
    ok(category)
    quest = create(client, alice, category="work")
    ok(client.post(f"{QUESTS}/{quest['id']}/archive", headers=alice))
    assert read(client, alice, quest["id"])["category"] == "work"
    renamed = client.patch(
        f"/api/v1/categories/{category.json()['id']}", json={"name": "job"}, headers=alice
    )
    ok(renamed)
    assert read(client, alice, quest["id"])["category"] == "job"


def test_a_cached_quest_is_still_another_users_404(
    client: Client, alice: Headers, make_user: MakeUser
) -> None:
    quest = create(client, alice)
    read(client, alice, quest["id"])
    mallory = make_user(client)
    assert client.get(f"{QUESTS}/{quest['id']}", headers=mallory).status_code == 404
    assert client.get(f"{QUESTS}/{quest['id']}", headers=alice).status_code == 200


def test_a_failed_write_leaves_the_cached_read_as_it_was(client: Client, alice: Headers) -> None:
    quest = create(client, alice)
    read(client, alice, quest["id"])
    stale = client.patch(
        f"{QUESTS}/{quest['id']}",
        json={"title": "Nope"},
        headers={**alice, "If-Match": '"v7"'},
    )
    assert stale.status_code == 412
    assert read(client, alice, quest["id"])["title"] == "Slay the dragon"


# -- pages of the listing ----------------------------------------------------------------------


def listed(client: Client, headers: Headers, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"{QUESTS}{query}", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.mark.parametrize(("route", "write", "expected"), WRITES, ids=[w[0] for w in WRITES])
def test_a_listing_right_after_a_write_shows_the_write(
    client: Client, alice: Headers, route: str, write: Write, expected: dict[str, Any]
) -> None:
    quest = create(client, alice)
    query = "?status=todo,active,done,abandoned,archived&limit=50"
    assert [q["id"] for q in listed(client, alice, query)] == [quest["id"]]  # cached now
    write(client, alice, quest["id"])
    (after,) = listed(client, alice, query)
    assert {k: after[k] for k in expected} == expected


def test_a_listing_shows_new_and_deleted_quests_at_once(client: Client, alice: Headers) -> None:
    first = create(client, alice, title="First")
    assert [q["title"] for q in listed(client, alice)] == ["First"]
    ok(client.post(f"{QUESTS}/bulk", json={"quests": [{"title": "Second"}]}, headers=alice))
    assert [q["title"] for q in listed(client, alice)] == ["First", "Second"]
    ok(client.delete(f"{QUESTS}/{first['id']}", headers=alice))
    assert [q["title"] for q in listed(client, alice)] == ["Second"]


def test_a_blocked_listing_follows_its_prerequisites_status(client: Client, alice: Headers) -> None:
    before = create(client, alice, title="Gather wood")
    after = create(client, alice, title="Build the raft")
    ok(
        client.post(
            f"{QUESTS}/{after['id']}/dependencies",
            json={"prerequisite_id": before["id"]},
            headers=alice,
        )
    )
    assert [q["title"] for q in listed(client, alice, "?blocked=true")] == ["Build the raft"]
    ok(client.post(f"{QUESTS}/{before['id']}/complete", headers=alice))
    assert listed(client, alice, "?blocked=true") == []


def test_a_category_rename_relabels_a_cached_listing(client: Client, alice: Headers) -> None:
    category = client.post("/api/v1/categories", json={"name": "work"}, headers=alice)
    ok(category)
    create(client, alice, category="work")
    assert [q["category"] for q in listed(client, alice)] == ["work"]
    ok(
        client.patch(
            f"/api/v1/categories/{category.json()['id']}", json={"name": "job"}, headers=alice
        )
    )
    assert [q["category"] for q in listed(client, alice)] == ["job"]


def test_the_same_query_never_shows_another_users_cached_page(
    client: Client, alice: Headers, make_user: MakeUser
) -> None:
    create(client, alice, title="Alice's secret")
    assert len(listed(client, alice, "?limit=50")) == 1
    mallory = make_user(client)
    assert listed(client, mallory, "?limit=50") == []


def test_a_second_listing_is_served_from_the_cache(client: Client, alice: Headers) -> None:
    create(client, alice)
    pages = client.app.state.container.quest_pages()
    listed(client, alice, "?limit=50")
    hits = pages.stats.hits
    assert listed(client, alice, "?limit=50")[0]["title"] == "Slay the dragon"
    assert pages.stats.hits == hits + 1
