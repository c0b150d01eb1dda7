"""A quest created over HTTP is found by ``/api/v1/search`` within a second, on a real
``questlog serve`` process (the all-in-one: SQLite, stub broker, in-process worker and relay).

The search service never reads the quest tables: what it finds arrives as quest events
through the outbox, the relay and its consumer. Edits and deletions follow the same way.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_black_box import bearer, create_quest, sign_up
from tests.support.events import wait_for
from tests.support.server import start_server, stop_server

pytestmark = pytest.mark.e2e

#: what a user may wait between creating a quest and finding it
FINDABLE_WITHIN_SECONDS = 1.0


def _found(client: httpx.Client, headers: dict[str, str], q: str) -> list[str]:
    answer = client.get("/api/v1/search", params={"q": q}, headers=headers)
    assert answer.status_code == 200, answer.text
    return [item["quest_id"] for item in answer.json()["items"]]


def test_all_in_one_finds_a_new_quest_within_a_second_and_follows_edits(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
            me = bearer(sign_up(client, f"seeker-{uuid.uuid4().hex[:8]}@example.com"))
            other = bearer(sign_up(client, f"other-{uuid.uuid4().hex[:8]}@example.com"))
            waits = []
            for n in range(3):
                word = f"zebra{n}x{uuid.uuid4().hex[:6]}"
                started = time.monotonic()
                quest_id = create_quest(client, me, f"Feed the {word}", notes="at the zoo")
                while _found(client, me, word) != [quest_id]:
                    assert time.monotonic() - started < 10, "never indexed"
                    time.sleep(0.01)
                waits.append(time.monotonic() - started)
            assert max(waits) <= FINDABLE_WITHIN_SECONDS, waits
            assert _found(client, other, "zoo") == []

            edited = client.patch(
                f"/api/v1/quests/{quest_id}",
                json={"notes": "at the aquarium"},
                headers={
                    **me,
                    "If-Match": client.get(f"/api/v1/quests/{quest_id}", headers=me).headers[
                        "etag"
                    ],
                },
            )
            assert edited.status_code == 200, edited.text
            assert wait_for(lambda: _found(client, me, "aquarium") == [quest_id], 5)
            assert quest_id not in _found(client, me, "zoo")

            gone = client.delete(f"/api/v1/quests/{quest_id}", headers=me)
            assert gone.status_code == 204, gone.text
            assert wait_for(lambda: _found(client, me, "aquarium") == [], 5)
    finally:
        stop_server(server)
