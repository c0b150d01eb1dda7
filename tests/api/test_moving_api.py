"""Moving in over HTTP: ``POST /api/v1/quests/import?from=...`` into the caller's own quests.

What a user notices: their file's tasks appear as quests, a second upload of the same file adds
nothing, a file that is not what they said is a 422 naming ``file``, a huge one a 413, and
nothing they send can reach another account. Runs on memory and SQLite (the ``settings``
fixture), the samples of ``tests/fixtures/imports``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from .conftest import MakeUser

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"
SAMPLES = [
    ("taskwarrior", "taskwarrior.json", "application/json"),
    ("todoist", "todoist.csv", "text/csv"),
    ("todoist", "todoist.json", "application/json"),
    ("habitica", "habitica.json", "application/json"),
    ("ical", "ical.ics", "text/calendar"),
]


def upload(
    client: TestClient[Litestar],
    headers: dict[str, str],
    source: str,
    name: str,
    media: str = "application/json",
) -> Any:
    return client.post(
        f"/api/v1/quests/import?from={source}",
        content=(FIXTURES / name).read_bytes(),
        headers={**headers, "Content-Type": media, "X-Timezone": "Europe/Berlin"},
    )


def count_quests(client: TestClient[Litestar], headers: dict[str, str]) -> int:
    total, cursor = 0, None
    while True:
        # finished history arrives archived, which the listing hides unless asked
        params: dict[str, Any] = {"limit": 200, "status": "todo,active,done,abandoned,archived"}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/quests", params=params, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        total += len(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            return total


@pytest.mark.parametrize(("source", "name", "media"), SAMPLES)
def test_a_sample_export_imports_once_however_often_it_is_sent(
    client: TestClient[Litestar], make_user: MakeUser, source: str, name: str, media: str
) -> None:
    user = make_user(client)
    first = upload(client, user, source, name, media)
    assert first.status_code == 200, first.text
    report = first.json()
    assert report["source"] == source
    assert report["created"] > 200
    assert report["failed_batches"] == 0
    assert report["unmapped"], "every sample holds records that cannot map"
    assert all(set(u) == {"record", "field", "reason"} for u in report["unmapped"])
    assert count_quests(client, user) == report["created"]

    again = upload(client, user, source, name, media).json()
    assert again["created"] == 0
    assert again["skipped"] == report["created"]
    assert again["edges_created"] == 0
    assert count_quests(client, user) == report["created"]


def test_imported_dependencies_block_like_any_other(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    user = make_user(client)
    report = upload(client, user, "taskwarrior", "taskwarrior.json").json()
    assert report["edges_created"] > 50
    blocked = client.get("/api/v1/quests", params={"blocked": "true", "limit": 200}, headers=user)
    assert blocked.status_code == 200
    assert blocked.json()["items"]


def test_one_users_import_never_reaches_another(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    ada, bob = make_user(client), make_user(client)
    made = upload(client, ada, "habitica", "habitica.json").json()["created"]
    assert count_quests(client, bob) == 0
    # the same file for Bob is all new for Bob, and Ada's quests stay as they were
    assert upload(client, bob, "habitica", "habitica.json").json()["created"] == made
    assert count_quests(client, ada) == made
    assert count_quests(client, bob) == made


def test_a_read_only_token_cannot_import(client: TestClient[Litestar], make_user: MakeUser) -> None:
    user = make_user(client)
    created = client.post(
        "/api/v1/auth/tokens", headers=user, json={"name": "ro", "scopes": ["quests:read"]}
    )
    assert created.status_code == 201, created.text
    read_only = {"Authorization": f"Bearer {created.json()['token']}"}
    refused = upload(client, read_only, "taskwarrior", "taskwarrior.json")
    assert refused.status_code == 403
    assert refused.json()["permission"] == "quests:write"
    assert count_quests(client, user) == 0
    assert upload(client, {}, "taskwarrior", "taskwarrior.json").status_code == 401


@pytest.mark.parametrize(
    ("source", "body"),
    [
        ("taskwarrior", b'{"not": "an array"}'),
        ("taskwarrior", b"[{broken"),
        ("habitica", b'{"todos": []}'),
        ("todoist", b"name,when\nx,y\n"),
        ("todoist", b"\xff\xfe not text"),
        ("taskwarrior", b"   "),
    ],
)
def test_a_file_that_is_not_such_an_export_is_a_422_naming_the_file(
    client: TestClient[Litestar], make_user: MakeUser, source: str, body: bytes
) -> None:
    user = make_user(client)
    refused = client.post(
        f"/api/v1/quests/import?from={source}",
        content=body,
        headers={**user, "Content-Type": "application/octet-stream"},
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["field"] == "file"
    assert count_quests(client, user) == 0


def test_an_unknown_source_is_refused(client: TestClient[Litestar], make_user: MakeUser) -> None:
    user = make_user(client)
    refused = client.post("/api/v1/quests/import?from=trello", content=b"[]", headers=user)
    assert refused.status_code in {400, 422}
    assert refused.headers["content-type"].startswith("application/problem+json")
    missing = client.post("/api/v1/quests/import", content=b"[]", headers=user)
    assert missing.status_code == 400


def test_an_oversized_file_is_a_413(client: TestClient[Litestar], make_user: MakeUser) -> None:
    user = make_user(client)
    refused = client.post(
        "/api/v1/quests/import?from=taskwarrior",
        content=b"[" + b" " * (20 * 1024 * 1024) + b"]",
        headers=user,
    )
    assert refused.status_code == 413
    assert count_quests(client, user) == 0
