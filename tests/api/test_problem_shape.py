"""A 400 and a 422 name what failed the same way: ``errors: [{field, reason, allowed?}]``.

Before: a 400 listed Litestar's ``{message, key, source}``, a 422 only a top-level
``field``/``reason``, and neither gave the allowed values of a closed set.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.api.conftest import MakeUser

QUESTS = "/api/v1/quests"


def errors_of(response: Any, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    errors: list[dict[str, Any]] = body["errors"]
    assert all({"field", "reason"} <= e.keys() for e in errors)
    return errors


def test_an_unknown_or_missing_field_is_a_400_naming_it(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    alice = make_user(client)
    unknown = client.post(QUESTS, json={"title": "x", "owner": "me"}, headers=alice)
    assert errors_of(unknown, 400)[0]["field"] == "owner"
    missing = client.post(QUESTS, json={"notes": "no title"}, headers=alice)
    assert errors_of(missing, 400)[0]["field"] == "title"
    nested = client.post(
        QUESTS, json={"title": "x", "recurrence": {"rule": "FREQ=DAILY", "x": 1}}, headers=alice
    )
    assert errors_of(nested, 400)[0]["field"] == "recurrence.x"
    wrong_type = client.post(QUESTS, json={"title": 5}, headers=alice)
    assert errors_of(wrong_type, 400)[0]["field"] == "title"


def test_a_value_out_of_bounds_is_a_422_naming_it_like_a_domain_rule(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    alice = make_user(client)
    too_long = client.post(QUESTS, json={"title": "x" * 201}, headers=alice)
    assert errors_of(too_long, 422) == [
        {"field": "title", "reason": "must be at most 200 characters"}
    ]
    past = client.post(QUESTS, json={"title": "x", "due": "2001-01-01T10:00:00Z"}, headers=alice)
    assert errors_of(past, 422)[0]["field"] == "due"
    assert too_long.json()["type"] == past.json()["type"]


def test_a_closed_set_lists_what_is_allowed(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    alice = make_user(client)
    response = client.post(QUESTS, json={"title": "x", "difficulty": "legendary"}, headers=alice)
    [error] = errors_of(response, 422)
    assert error["field"] == "difficulty"
    assert error["allowed"] == ["trivial", "easy", "medium", "hard", "epic"]
    listed = client.get(f"{QUESTS}?sort=colour", headers=alice)
    assert errors_of(listed, 422)[0]["allowed"] == ["created", "updated", "due", "priority"]


def test_a_required_query_parameter_left_out_is_named(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    alice = make_user(client)
    missing = client.get("/api/v1/search", headers=alice)
    assert errors_of(missing, 400) == [{"field": "q", "reason": "the query parameter is required"}]
