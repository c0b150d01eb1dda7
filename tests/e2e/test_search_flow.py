"""A quest created over HTTP is found by ``/api/v1/search`` within a second, on a real
``questlog serve`` process (the all-in-one: SQLite, stub broker, in-process worker and relay),
and through separate processes on PostgreSQL with Redis as the broker.

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
from tests.e2e.test_event_flow import _forget_redis_keys, database, run_id
from tests.support.events import wait_for
from tests.support.server import start_server, start_worker, stop_server, stop_worker

__all__ = ["database"]  # the fixture, imported for the PostgreSQL test below

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


def test_separate_services_on_postgres_and_redis_find_a_new_quest(
    tmp_path: Path, database: str, redis_url: str
) -> None:
    """``serve auth``, ``serve quest``, ``serve search`` and ``questlog worker`` as separate
    processes on one PostgreSQL database with Redis between the relay and the consumers."""
    from adapters.security.jwt_tokens import load_signing_key

    prefix = run_id()
    env = {
        "QUESTLOG_MIGRATE_ON_START": "false",
        "QUESTLOG_DATABASE_URL": database,
        "QUESTLOG_BROKER": "redis",
        "QUESTLOG_REDIS_URL": redis_url,
        "QUESTLOG_REDIS_KEY_PREFIX": prefix,
        "QUESTLOG_QUEUE_PREFIX": prefix,
    }
    load_signing_key(tmp_path / "keys" / "jwt.pem", create_if_missing=True)
    auth = start_server(tmp_path, env, service="auth")
    quest = start_server(tmp_path, env, service="quest")
    search = start_server(tmp_path, env, service="search")
    worker = start_worker(tmp_path, env)
    try:
        with httpx.Client(base_url=auth.base_url, timeout=30.0) as client:
            me = bearer(sign_up(client, f"seeker-{uuid.uuid4().hex[:8]}@example.com"))
        word = f"okapi{uuid.uuid4().hex[:6]}"
        with httpx.Client(base_url=quest.base_url, timeout=30.0) as client:
            quest_id = create_quest(client, me, f"Photograph the {word}", tags=["safari"])
        with httpx.Client(base_url=search.base_url, timeout=30.0) as client:
            assert wait_for(lambda: _found(client, me, word) == [quest_id], 10)
            suggested = client.get("/api/v1/search/suggest", params={"q": word[:4]}, headers=me)
            assert [s["quest_id"] for s in suggested.json()["items"]] == [quest_id]
    finally:
        stop_worker(worker)
        stop_server(search)
        stop_server(quest)
        stop_server(auth)
        _forget_redis_keys(redis_url, prefix)
