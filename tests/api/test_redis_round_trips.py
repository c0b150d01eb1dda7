"""On Redis, an authenticated cached read costs one round trip: the revocation check fetches
the cache keys the route reads in the same ``MGET`` (see :mod:`adapters.redis.read_ahead`).

Checked through the all-in-one app with ``cache=redis``: GET one quest sends one Redis
command once warm, and still honour logout, other owners and the writer's own writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from apps.gateway import create_app
from apps.settings import Settings

from .conftest import BASE_URL, MakeUser, cheap_hasher

pytestmark = pytest.mark.redis

QUESTS = "/api/v1/quests"


class CommandLog:
    """Counts the commands the app's Redis client sends (each one round trip)."""

    def __init__(self) -> None:
        self.names: list[str] = []


@pytest.fixture
def redis_app(tmp_path: Path, redis_url: str) -> Iterator[tuple[TestClient[Litestar], CommandLog]]:
    prefix = f"qltest-{uuid.uuid4().hex[:12]}"
    settings = Settings(
        database_url="memory://",
        migrate_on_start=False,
        cache="redis",
        redis_url=redis_url,
        redis_key_prefix=prefix,
        storage_dir=str(tmp_path / "files"),
        email="outbox",
        email_outbox_dir=str(tmp_path / "outbox"),
        jwt_private_key_path=str(tmp_path / "keys" / "jwt-ed25519.pem"),
        public_url=BASE_URL,
        environment="test",
    )
    app = create_app(settings)
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    log = CommandLog()
    client = app.state.container.redis()
    send = client.execute_command

    async def counted(*args: Any, **options: Any) -> Any:
        log.names.append(str(args[0]))
        return await send(*args, **options)

    client.execute_command = counted
    try:
        with TestClient(app=app, base_url=BASE_URL) as test_client:
            yield test_client, log
    finally:
        cleanup = redis.Redis.from_url(redis_url)
        stale = list(cleanup.scan_iter(match=f"{prefix}:*", count=500))
        if stale:
            cleanup.delete(*stale)
        cleanup.close()


def test_get_one_quest_once_cached_is_one_redis_round_trip(
    redis_app: tuple[TestClient[Litestar], CommandLog], make_user: MakeUser
) -> None:
    client, log = redis_app
    headers = make_user(client)
    created = client.post(QUESTS, json={"title": "Feed the cat"}, headers=headers)
    assert created.status_code == 201, created.text
    quest_id = created.json()["id"]
    assert client.get(f"{QUESTS}/{quest_id}", headers=headers).status_code == 200  # warm

    log.names.clear()
    again = client.get(f"{QUESTS}/{quest_id}", headers=headers)

    assert again.status_code == 200, again.text
    assert again.json()["title"] == "Feed the cat"
    assert again.headers["etag"] == f'"v{again.json()["version"]}"'
    assert [n.upper() for n in log.names] == ["MGET"]


def test_a_read_ahead_read_shows_the_writers_own_write_at_once(
    redis_app: tuple[TestClient[Litestar], CommandLog], make_user: MakeUser
) -> None:
    client, _ = redis_app
    headers = make_user(client)
    quest_id = client.post(QUESTS, json={"title": "Old title"}, headers=headers).json()["id"]
    assert client.get(f"{QUESTS}/{quest_id}", headers=headers).json()["title"] == "Old title"

    patched = client.patch(f"{QUESTS}/{quest_id}", json={"title": "New title"}, headers=headers)
    assert patched.status_code == 200, patched.text

    read = client.get(f"{QUESTS}/{quest_id}", headers=headers)
    assert read.json()["title"] == "New title"
    assert read.json()["version"] == patched.json()["version"]


def test_a_read_ahead_read_still_refuses_a_logged_out_token(
    redis_app: tuple[TestClient[Litestar], CommandLog], make_user: MakeUser
) -> None:
    client, _ = redis_app
    headers = make_user(client)
    quest_id = client.post(QUESTS, json={"title": "Secret"}, headers=headers).json()["id"]
    assert client.get(f"{QUESTS}/{quest_id}", headers=headers).status_code == 200  # cached

    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204

    refused = client.get(f"{QUESTS}/{quest_id}", headers=headers)
    assert refused.status_code == 401
    assert "Secret" not in refused.text


def test_a_read_ahead_never_serves_another_owners_cached_quest(
    redis_app: tuple[TestClient[Litestar], CommandLog], make_user: MakeUser
) -> None:
    client, _ = redis_app
    alice, mallory = make_user(client), make_user(client)
    quest_id = client.post(QUESTS, json={"title": "Alice's"}, headers=alice).json()["id"]
    assert client.get(f"{QUESTS}/{quest_id}", headers=alice).status_code == 200  # cached

    stolen = client.get(f"{QUESTS}/{quest_id}", headers=mallory)

    assert stolen.status_code == 404
    assert "Alice" not in stolen.text


def test_a_write_invalidates_with_one_delete_and_the_next_reads_see_it(
    redis_app: tuple[TestClient[Litestar], CommandLog], make_user: MakeUser
) -> None:
    client, log = redis_app
    headers = make_user(client)
    quest_id = client.post(QUESTS, json={"title": "Feed the cat"}, headers=headers).json()["id"]
    assert client.get(f"{QUESTS}/{quest_id}", headers=headers).status_code == 200  # cached

    log.names.clear()
    done = client.post(f"{QUESTS}/{quest_id}/complete", headers=headers)
    assert done.status_code == 200, done.text
    written = [n.upper() for n in log.names]

    # The revocation lookup, then deletes of the owner's generation (the writer's own after
    # its commit; the event consumer's for the events it relays may land now too): no new
    # generation is written on the write path, the next read starts one.
    assert written[0] == "MGET"
    assert "DEL" in written
    assert "SET" not in written

    first = client.get(f"{QUESTS}/{quest_id}", headers=headers)
    assert first.json()["status"] == "done"
    assert first.headers["etag"] == f'"v{done.json()["quest"]["version"]}"'
    log.names.clear()
    again = client.get(f"{QUESTS}/{quest_id}", headers=headers)
    assert again.json()["status"] == "done"
    assert [n.upper() for n in log.names] == ["MGET"]  # served from the cache again


def test_a_cached_listing_page_is_one_redis_round_trip_and_follows_writes(
    redis_app: tuple[TestClient[Litestar], CommandLog], make_user: MakeUser
) -> None:
    client, log = redis_app
    headers = make_user(client)
    created = client.post(QUESTS, json={"title": "Feed the cat"}, headers=headers)
    assert created.status_code == 201, created.text
    assert client.get(f"{QUESTS}?limit=50", headers=headers).status_code == 200  # warm

    log.names.clear()
    again = client.get(f"{QUESTS}?limit=50", headers=headers)
    assert again.status_code == 200, again.text
    assert [q["title"] for q in again.json()["items"]] == ["Feed the cat"]
    assert [n.upper() for n in log.names] == ["MGET"]

    quest_id = created.json()["id"]
    assert client.post(f"{QUESTS}/{quest_id}/complete", headers=headers).status_code == 200
    (after,) = client.get(f"{QUESTS}?limit=50", headers=headers).json()["items"]
    assert after["status"] == "done"
