"""``/api/v1/search`` over HTTP on the all-in-one (memory, SQLite, PostgreSQL).

Quests are created through the quest service's own API. On SQL the all-in-one's in-process
worker indexes the quest service's events (relay, broker, search consumer) and the test waits
for it; the in-memory database has no outbox relay, so there the test delivers the quest
service's events to the index itself, the way the consumer does.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from apps.http.problems import PROBLEM_MEDIA_TYPE
from questlog_core.search.projection import CONSUMER, INDEXED_EVENTS, index_quest_event
from questlog_core.services.auth import AuthService
from tests.support.service_events import delivered, quest_service_events

from .conftest import ON_EVERY_DATABASE, PASSWORD, MakeUser

Client = TestClient[Litestar]
S = "/api/v1/search"
_emails = itertools.count(1)


def index_everything(app: Litestar, client: Client) -> None:
    """Every event the quest service committed is in the search index once this returns."""
    events = [e for e in quest_service_events(app, client) if isinstance(e, INDEXED_EVENTS)]
    delivered(
        app,
        client,
        events,
        service="search",
        consumer=CONSUMER,
        handle=lambda event, container: index_quest_event(event, container.search_uow()),
        seconds=10,
    )


def create(client: Client, headers: dict[str, str], **fields: Any) -> str:
    made = client.post("/api/v1/quests", json=fields, headers=headers)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def titles(client: Client, headers: dict[str, str], **params: Any) -> list[str]:
    found = client.get(S, params=params, headers=headers)
    assert found.status_code == 200, found.text
    return [item["title"] for item in found.json()["items"]]


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_the_caller_finds_their_quests_by_words_prefix_and_filters(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    me = make_user(client)
    fence = create(client, me, title="Paint the fence", tags=["garden"], notes="white paint")
    create(client, me, title="Pack for Paris", tags=["travel"], category="trips")
    create(client, me, title="Call mum", notes="ask about the fence posts")
    # indexed before it is started: the consumer applies a quest's events in the order they
    # arrive, and worker threads may take two of one quest at once (docs/search.md, limits)
    index_everything(app, client)
    client.post(f"/api/v1/quests/{fence}/start", headers=me)
    index_everything(app, client)

    assert titles(client, me, q="fence") == ["Paint the fence", "Call mum"]
    assert titles(client, me, q="pa", prefix="true") == ["Pack for Paris", "Paint the fence"]
    assert titles(client, me, q="pa") == []
    assert titles(client, me, q="fence", status="active") == ["Paint the fence"]
    assert titles(client, me, q="fence", status="todo,done") == ["Call mum"]
    assert titles(client, me, q="p", prefix="true", tags="travel") == ["Pack for Paris"]
    assert titles(client, me, q="pack", category="trips") == ["Pack for Paris"]

    body = client.get(S, params={"q": "Paint!!"}, headers=me).json()
    assert body["words"] == ["paint"]
    assert body["items"][0]["quest_id"] == fence
    assert body["items"][0]["tags"] == ["garden"]
    assert body["next_cursor"] is None

    suggested = client.get(f"{S}/suggest", params={"q": "fen"}, headers=me)
    assert suggested.status_code == 200, suggested.text
    assert [s["title"] for s in suggested.json()["items"]] == ["Paint the fence", "Call mum"]


def test_pages_are_reached_through_the_cursor(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    me = make_user(client)
    for n in range(5):
        create(client, me, title=f"Chore {n}")
    index_everything(app, client)
    first = client.get(S, params={"q": "chore", "limit": 3}, headers=me).json()
    assert len(first["items"]) == 3
    second = client.get(
        S, params={"q": "chore", "limit": 3, "cursor": first["next_cursor"]}, headers=me
    ).json()
    assert second["next_cursor"] is None
    seen = [i["title"] for i in first["items"] + second["items"]]
    assert sorted(seen) == [f"Chore {n}" for n in range(5)]


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_nobody_ever_finds_another_users_quests(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    alice, bob = make_user(client), make_user(client)
    create(client, alice, title="Secret surprise party", tags=["secret"])
    create(client, bob, title="Party playlist")
    index_everything(app, client)

    assert titles(client, bob, q="party") == ["Party playlist"]
    assert titles(client, bob, q="secret") == []
    assert titles(client, bob, q="surp", prefix="true") == []
    assert titles(client, bob, q="party", tags="secret") == []
    bob_suggest = client.get(f"{S}/suggest", params={"q": "sec"}, headers=bob).json()
    assert bob_suggest["items"] == []
    assert titles(client, alice, q="party") == ["Secret surprise party"]


def test_search_needs_a_token(client: Client) -> None:
    for path in (S, f"{S}/suggest", f"{S}/analytics"):
        response = client.get(path, params={"q": "x"})
        assert response.status_code == 401, path
        assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({}, 400, None),
        ({"q": ""}, 422, "q"),
        ({"q": "x" * 201}, 422, "q"),
        ({"q": " ".join(f"w{n}" for n in range(9))}, 422, "q"),
        ({"q": "x", "status": "late"}, 422, "status"),
        ({"q": "x", "limit": 0}, 422, "limit"),
        ({"q": "x", "limit": 101}, 422, "limit"),
        ({"q": "x", "limit": "many"}, 400, None),
        ({"q": "x", "cursor": "bm90LWEtY3Vyc29y"}, 422, "cursor"),
        ({"q": "x", "due_from": "tomorrow"}, 400, "due_from"),
        ({"q": "x", "due_before": "2026-12-01T00:00:00"}, 400, "due_before"),
        ({"q": "x", "prefix": "yes"}, 400, "prefix"),
        (
            {"q": "x", "due_from": "2026-12-02T00:00:00Z", "due_before": "2026-12-01T00:00:00Z"},
            422,
            "due_before",
        ),
    ],
)
def test_bad_input_is_a_4xx_problem(
    client: Client, make_user: MakeUser, params: dict[str, Any], status: int, field: str | None
) -> None:
    response = client.get(S, params=params, headers=make_user(client))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    if field is not None:
        body = response.json()
        fields = {e["field"] for e in body.get("errors", [])} | {body.get("field")}
        assert field in fields, body


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_query_syntax_in_the_query_is_never_an_error(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    me = make_user(client)
    create(client, me, title="Paint the fence")
    index_everything(app, client)
    for q in [
        '"',
        "paint*",
        "NEAR(paint)",
        "paint:*",
        "'",
        "!(paint | x) & -y",
        "title:paint",
        "%",
    ]:
        for prefix in ("false", "true"):
            response = client.get(S, params={"q": q, "prefix": prefix}, headers=me)
            assert response.status_code == 200, (q, response.text)
            suggest = client.get(f"{S}/suggest", params={"q": q}, headers=me)
            assert suggest.status_code == 200, (q, suggest.text)


def _admin(client: Client) -> dict[str, str]:
    email = f"search-admin{next(_emails)}@example.com"
    registered = client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": "A"}
    )
    assert registered.status_code == 202, registered.text
    auth: AuthService = client.app.state.container.auth_service()
    client.blocking_portal.call(auth.make_admin, email)
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_admins_see_top_and_zero_result_queries_players_get_403(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    alice, bob = make_user(client), make_user(client)
    create(client, alice, title="Water the plants")
    create(client, bob, title="Water the lawn")
    index_everything(app, client)
    for headers, q in [(alice, "water"), (bob, "Water!"), (alice, "WATER"), (bob, "taxes")]:
        assert client.get(S, params={"q": q}, headers=headers).status_code == 200
    # neither suggestions, later pages nor queries without words are counted
    client.get(f"{S}/suggest", params={"q": "wat"}, headers=alice)
    client.get(S, params={"q": "???"}, headers=alice)

    assert client.get(f"{S}/analytics", headers=alice).status_code == 403
    admin = _admin(client)
    response = client.get(f"{S}/analytics", params={"days": 1}, headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    top = [(s["query"], s["searches"], s["users"]) for s in body["top_queries"]]
    assert top == [("water", 3, 2), ("taxes", 1, 1)]
    assert [(s["query"], s["searches"]) for s in body["zero_result_queries"]] == [("taxes", 1)]
    assert "owner" not in str(body)
    bad = client.get(f"{S}/analytics", params={"days": 91}, headers=admin)
    assert bad.status_code == 422


def test_a_query_log_that_fails_never_fails_the_search(
    app: Litestar, client: Client, make_user: MakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    me = make_user(client)
    create(client, me, title="Oil the hinges")
    index_everything(app, client)
    container = app.state.container
    writes = container.search_uow

    class BrokenLog:
        """A unit of work whose commit fails like a full disk would."""

        def __init__(self) -> None:
            self.inner = writes()

        async def __aenter__(self) -> Any:
            await self.inner.__aenter__()
            return self

        async def __aexit__(self, *exc: object) -> None:
            await self.inner.__aexit__(*exc)

        @property
        def query_log(self) -> Any:
            return self.inner.query_log

        async def commit(self) -> None:
            raise OSError("disk full")

    container.search_uow.override(providers.Factory(BrokenLog))
    try:
        with caplog.at_level("WARNING"):
            found = client.get(S, params={"q": "hinges"}, headers=me)
        assert found.status_code == 200, found.text
        assert [i["title"] for i in found.json()["items"]] == ["Oil the hinges"]
        assert "search query not recorded" in caplog.text
    finally:
        container.search_uow.reset_override()
    admin = _admin(client)
    summary = client.get(f"{S}/analytics", headers=admin).json()
    assert summary["top_queries"] == []
