"""Hostile input is refused at the edge with a 4xx problem, never a 500, on every database.

Before the input guard (``apps/http/input_guard.py``) each of these answered 500: deeply nested
JSON (``RecursionError`` in the decoder) and invalid UTF-8 (``UnicodeDecodeError``), both before
authentication on ``/login``; a NUL character in a string stored or queried on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.api.conftest import ON_EVERY_DATABASE, MakeUser

pytestmark = pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)

LOGIN = "/api/v1/auth/login"
QUESTS = "/api/v1/quests"
JSON = {"content-type": "application/json"}


def assert_problem(response: Any, status: int, field: str) -> dict[str, Any]:
    """A problem-details body of ``status`` whose ``errors`` name ``field``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    assert field in [error["field"] for error in body["errors"]], body
    return body


def test_deeply_nested_json_is_refused_before_sign_in(client: TestClient[Litestar]) -> None:
    body = b"[" * 50_000 + b"]" * 50_000
    response = client.post(LOGIN, content=body, headers=JSON)
    assert_problem(response, 400, "body")


def test_nesting_that_fits_is_parsed_normally(client: TestClient[Litestar]) -> None:
    # 10 levels inside a string value are not nesting at all; the login itself just fails.
    response = client.post(
        LOGIN, json={"email": "[[[[[[[[[[@example.com", "password": "x" * 12}, headers=JSON
    )
    assert response.status_code in {401, 422}, response.text


def test_invalid_utf8_is_refused_before_sign_in(client: TestClient[Litestar]) -> None:
    response = client.post(
        LOGIN, content=b'{"email": "\xff\xfe@example.com", "password": "x"}', headers=JSON
    )
    body = assert_problem(response, 400, "body")
    assert body["errors"][0]["position"] == 11


def test_broken_json_says_where(client: TestClient[Litestar]) -> None:
    response = client.post(LOGIN, content=b'{"email": "a@b.co",, }', headers=JSON)
    body = assert_problem(response, 400, "body")
    assert body["errors"][0]["position"] == 19


def test_json_sent_as_text_plain_is_unsupported(client: TestClient[Litestar]) -> None:
    response = client.post(
        LOGIN,
        content=b'{"email": "a@b.co", "password": "correct horse"}',
        headers={"content-type": "text/plain"},
    )
    assert_problem(response, 415, "content-type")


def test_nul_in_the_login_email_is_refused(client: TestClient[Litestar]) -> None:
    response = client.post(
        LOGIN, json={"email": "play\u0000er@example.com", "password": "correct horse battery"}
    )
    assert_problem(response, 400, "body")


@pytest.mark.parametrize(
    "field",
    [
        {"title": "Write\u0000 report"},
        {"title": "ok", "tags": ["a\u0000b"]},
        {"title": "ok", "category": "work\u0000"},
        {"title": "ok", "checklist": ["\u0000"]},
        {"title": "ok", "notes": "x\u0000"},
    ],
    ids=["title", "tags", "category", "checklist", "notes"],
)
def test_nul_in_any_quest_string_is_refused(
    client: TestClient[Litestar], make_user: MakeUser, field: dict[str, Any]
) -> None:
    headers = make_user(client)
    response = client.post(QUESTS, json=field, headers=headers)
    assert_problem(response, 400, "body")
    listed = client.get(QUESTS, headers=headers)
    assert listed.json()["items"] == []  # nothing half-written


def test_nul_in_a_query_parameter_is_refused(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client)
    for query in ("text=a%00b", "category=%00", "tag=x%00"):
        response = client.get(f"{QUESTS}?{query}", headers=headers)
        assert_problem(response, 400, query.split("=")[0])


def test_non_utf8_query_is_refused(client: TestClient[Litestar], make_user: MakeUser) -> None:
    headers = make_user(client)
    response = client.get(f"{QUESTS}?text=%ff%fe", headers=headers)
    assert_problem(response, 400, "text")


def test_nul_in_the_path_is_refused(client: TestClient[Litestar], make_user: MakeUser) -> None:
    headers = make_user(client)
    response = client.delete(
        "/api/v1/auth/users/00000000-0000-0000-0000-000000000000/roles/a%00b", headers=headers
    )
    assert_problem(response, 400, "path")


def test_nul_in_a_header_we_read_is_refused(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client)
    created = client.post(QUESTS, json={"title": "Timed"}, headers=headers).json()
    response = client.post(
        f"{QUESTS}/{created['id']}/complete", headers={**headers, "X-Timezone": "Europe/\0Berlin"}
    )
    assert_problem(response, 400, "x-timezone")
    agent = client.post(
        LOGIN,
        json={"email": "nobody@example.com", "password": "correct horse battery"},
        headers={"User-Agent": "evil\0agent"},
    )
    assert_problem(agent, 400, "user-agent")


def test_a_clean_request_still_works(client: TestClient[Litestar], make_user: MakeUser) -> None:
    headers = make_user(client)
    created = client.post(
        QUESTS,
        json={"title": "Back\\u0000slash is text", "tags": ["x"], "notes": 'say "[[{"'},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "Back\\u0000slash is text"


def test_a_value_of_the_wrong_json_type_is_refused_not_coerced(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    """The OpenAPI document says ``done`` is a boolean and ``priority`` an integer: ``0`` and
    ``"3"`` are refused as unreadable (400), never quietly read as ``false`` and 3."""
    headers = make_user(client)
    made = client.post(
        "/api/v1/quests", json={"title": "Typed", "checklist": ["step"]}, headers=headers
    )
    assert made.status_code == 201, made.text
    quest_id = made.json()["id"]
    as_string = client.post(
        "/api/v1/quests", json={"title": "Typed", "priority": "3"}, headers=headers
    )
    problem = assert_problem(as_string, 400, "priority")
    assert "expected int" in problem["errors"][0]["reason"]
    ticked = client.put(f"/api/v1/quests/{quest_id}/checklist/0", json={"done": 0}, headers=headers)
    assert_problem(ticked, 400, "done")
    # right types still pass, and a broken constraint is still the handler's 422
    assert (
        client.post("/api/v1/quests", json={"title": "x" * 500}, headers=headers).status_code == 422
    )
