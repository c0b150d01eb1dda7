"""The OpenAPI document of every service tells the truth about errors and constraints.

Before: only 2xx and 400 were documented, the 400 schema (``status_code, detail, extra``) was
not what is sent, ``display_name`` was optional with default "" (which answers 422), bulk
create said 1,000 items (the domain allows 100), and email format, minimum scopes and sizes
were missing.
"""

from __future__ import annotations

from typing import Any

import pytest

from apps.contracts import openapi_documents

PROBLEM_REF = "#/components/schemas/Problem"


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    return {
        name.removeprefix("openapi/").removesuffix(".json"): doc
        for name, doc in openapi_documents().items()
    }


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                found.append((method.upper(), path, operation))
    return found


def statuses(doc: dict[str, Any], method: str, path: str) -> set[int]:
    return {int(code) for code in doc["paths"][path][method.lower()]["responses"]}


def test_every_error_of_every_operation_is_one_problem_schema(
    documents: dict[str, dict[str, Any]],
) -> None:
    assert {"auth", "quest"} <= documents.keys()
    for doc in documents.values():
        for method, path, operation in operations(doc):
            errors = {c: r for c, r in operation["responses"].items() if int(c) >= 400}
            assert {"400", "503"} <= errors.keys(), (method, path)
            for code, response in errors.items():
                assert list(response["content"]) == ["application/problem+json"], (path, code)
                schema = response["content"]["application/problem+json"]["schema"]
                assert schema == {"$ref": PROBLEM_REF}, (method, path, code)


def test_the_problem_schema_is_rfc_9457_with_field_errors(
    documents: dict[str, dict[str, Any]],
) -> None:
    schemas = documents["quest"]["components"]["schemas"]
    problem = schemas["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert {"instance", "errors"} <= problem["properties"].keys()
    error = schemas["FieldError"]
    assert set(error["required"]) == {"field", "reason"}
    assert {"allowed", "position"} <= error["properties"].keys()


@pytest.mark.parametrize(
    ("service", "method", "path", "expected"),
    [
        ("auth", "POST", "/api/v1/auth/login", {400, 401, 413, 415, 422, 429, 503}),
        ("auth", "GET", "/api/v1/auth/profile", {400, 401, 403, 503}),
        ("auth", "PUT", "/api/v1/auth/profile", {400, 401, 403, 409, 412, 413, 415, 422, 503}),
        ("quest", "GET", "/api/v1/quests/{quest_id}", {400, 401, 403, 404, 503}),
        (
            "quest",
            "PATCH",
            "/api/v1/quests/{quest_id}",
            {400, 401, 403, 404, 409, 412, 413, 415, 422, 503},
        ),
        (
            "quest",
            "POST",
            "/api/v1/quests/{quest_id}/complete",
            {400, 401, 403, 404, 409, 422, 503},
        ),
        ("quest", "GET", "/api/v1/files/{key}", {400, 403, 404, 422, 503}),
    ],
)
def test_each_route_declares_the_statuses_its_kind_can_send(
    documents: dict[str, dict[str, Any]],
    service: str,
    method: str,
    path: str,
    expected: set[int],
) -> None:
    assert statuses(documents[service], method, path) - {200, 201, 202, 204} == expected


def test_request_bodies_refuse_unknown_fields_in_the_document(
    documents: dict[str, dict[str, Any]],
) -> None:
    for doc in documents.values():
        for _, _, operation in operations(doc):
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                ref = media["schema"].get("$ref", "")
                if ref:
                    body = doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]
                    assert body.get("additionalProperties") is False, ref


def test_the_constraints_the_code_enforces_are_stated(
    documents: dict[str, dict[str, Any]],
) -> None:
    auth = documents["auth"]["components"]["schemas"]
    register = auth["RegisterIn"]
    assert "display_name" in register["required"]
    assert register["properties"]["display_name"]["minLength"] == 1
    assert register["properties"]["email"]["format"] == "email"
    assert register["properties"]["email"]["maxLength"] == 254
    assert register["properties"]["password"]["minLength"] == 8
    scopes = auth["ApiTokenIn"]["properties"]["scopes"]
    assert scopes["minItems"] == 1
    assert "quests:read" in scopes["items"]["enum"]
    assert auth["RoleIn"]["properties"]["role"]["enum"] == ["user", "admin"]
    quest = documents["quest"]["components"]["schemas"]
    assert quest["BulkQuestsIn"]["properties"]["quests"]["maxItems"] == 100
    assert quest["BulkQuestsIn"]["properties"]["quests"]["minItems"] == 1
    assert quest["QuestIn"]["properties"]["title"]["maxLength"] == 200
    assert quest["QuestIn"]["properties"]["priority"]["minimum"] == 0
    assert quest["QuestIn"]["properties"]["priority"]["maximum"] == 4
    assert quest["QuestIn"]["properties"]["tags"]["maxItems"] == 20
    assert quest["QuestIn"]["properties"]["tags"]["items"]["maxLength"] == 40
    assert set(quest["QuestIn"]["properties"]["difficulty"]["enum"]) == {
        "trivial",
        "easy",
        "medium",
        "hard",
        "epic",
    }
    assert quest["ProgressIn"]["properties"]["progress"]["maximum"] == 100
