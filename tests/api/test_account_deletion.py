"""Deleting an account leaves nothing of it anywhere: every table of every service is checked.

The all-in-one on SQLite and on PostgreSQL, with its in-process worker: a user gets data in
every service (quests, dependencies, a template, a category, an attachment, import links; XP,
a player, achievements and a board score from a completion; the AI read model and token
usage; the search index (on SQLite its FTS5 table too, searched by the owner's token) and the
search query log; a webhook endpoint with a delivery and its attempts; an experiment
exposure; sessions, an API token, a reset token; events in the outboxes). ``DELETE
/api/v1/auth/account`` with the password; then, once the ``AccountDeleted`` event has reached
every service, **every table of the SQL metadata** is searched generically: no UUID column
equal to the user's id, no text or JSON column mentioning the id (either spelling) or the email.
Another user's data is untouched. The attachment's bytes leave the file storage too. The
tables are read from the metadata, so a table added later is searched too. What each service
keeps on purpose is checked apart: its tombstone of the account (the id and when, nothing
else). Then events of the deleted account arrive late at every consumer (a quest created and
completed, a registration): still not one row of it anywhere.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import JSON, String, Text, Uuid, cast, func, or_, select
from sqlalchemy import text as sql
from sqlalchemy.sql.type_api import TypeEngine

from adapters.sql.engine import make_engine
from adapters.sql.erasure import KEPT_TO_HONOUR_ERASURE
from adapters.sql.search import owner_token
from adapters.sql.tables import metadata
from adapters.sql.tables.search import FTS_TABLE
from apps.settings import Settings
from questlog_core.identity.second_factor import totp
from questlog_core.ids import UserId
from questlog_core.ports.ai import TokenUsageRecord

from .conftest import PASSWORD

SQL_DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
DELIVERY_SECONDS = 60.0


def _is_text(kind: TypeEngine[Any]) -> bool:
    variants = [kind, *getattr(kind, "_variant_mapping", {}).values()]
    return any(isinstance(k, String | Text | JSON) for k in variants)


def references(settings: Settings, user_id: uuid.UUID, email: str) -> dict[str, int]:
    """Rows of every table that name the user: by id in a UUID column, by id (with or without
    dashes) or email in a text or JSON column."""
    needles = [str(user_id), user_id.hex, email]

    async def count() -> dict[str, int]:
        engine = make_engine(settings.database_url, pool_size=1)
        found: dict[str, int] = {}
        try:
            async with engine.connect() as connection:
                for table in metadata.sorted_tables:
                    if table.name in KEPT_TO_HONOUR_ERASURE:
                        continue  # the tombstones: see erased_in
                    conditions = []
                    for column in table.columns:
                        if isinstance(column.type, Uuid):
                            conditions.append(column == user_id)
                        elif _is_text(column.type):
                            text = cast(column, Text)
                            conditions += [text.contains(n, autoescape=True) for n in needles]
                    if not conditions:
                        continue
                    query = select(func.count()).select_from(table).where(or_(*conditions))
                    rows = int(await connection.scalar(query) or 0)
                    if rows:
                        found[table.name] = rows
                if connection.dialect.name == "sqlite":
                    # the search words live beside the metadata, in an FTS5 table
                    query = sql(f"SELECT count(*) FROM {FTS_TABLE} WHERE owner = :token")
                    token = owner_token(UserId(user_id))
                    rows = int(await connection.scalar(query, {"token": token}) or 0)
                    if rows:
                        found[FTS_TABLE] = rows
        finally:
            await engine.dispose()
        return found

    return asyncio.run(count())


def erased_in(settings: Settings, user_id: uuid.UUID) -> set[str]:
    """The tombstone tables holding the account (as its id and when, nothing else)."""

    async def find() -> set[str]:
        engine = make_engine(settings.database_url, pool_size=1)
        found: set[str] = set()
        try:
            async with engine.connect() as connection:
                for table in metadata.sorted_tables:
                    if table.name not in KEPT_TO_HONOUR_ERASURE:
                        continue
                    assert [c.name for c in table.columns] == ["owner", "erased_at"]
                    query = select(func.count()).where(table.c.owner == user_id)
                    if await connection.scalar(query.select_from(table)):
                        found.add(table.name)
        finally:
            await engine.dispose()
        return found

    return asyncio.run(find())


async def deliver_late(container: Any, user_id: uuid.UUID) -> None:
    """Events of the account reaching every consumer after its erasure (from a queue, a
    redelivery, another service's outbox relayed late)."""
    from apps.services import consumers
    from questlog_core.events import DomainEvent
    from questlog_core.events.identity import UserRegistered
    from questlog_core.events.quests import QuestCompleted, QuestCreated
    from questlog_core.ids import EventId, QuestId

    now, owner, quest = datetime.now(UTC), UserId(user_id), QuestId(uuid.uuid4())

    def ids() -> dict[str, Any]:
        return {"event_id": EventId(uuid.uuid4()), "occurred_at": now, "owner": owner}

    late: list[DomainEvent] = [
        UserRegistered(
            **ids(), email="late@example.com", display_name="L", timezone="UTC", day_start_hour=0
        ),
        QuestCreated(**ids(), quest_id=quest, title="Late", difficulty="easy", due=now),
        QuestCompleted(
            **ids(), quest_id=quest, occurrence=0, difficulty="easy", priority=0, due=now,
            completed_at=now, created_at=now, on_time=True, owner_timezone="UTC",
        ),
    ]  # fmt: skip
    for consumer in consumers().values():
        bus = consumer.bus(container)
        for event in late:
            if type(event) in consumer.events:
                await bus.dispatch(event)


def stored_files(settings: Settings, user_id: uuid.UUID) -> list[Path]:
    """Files in the local file storage under the user's id (attachments)."""
    root = Path(settings.storage_dir)
    return [p for p in root.rglob("*") if p.is_file() and str(user_id) in str(p)]


def sign_up(client: TestClient[Litestar], email: str) -> tuple[dict[str, str], uuid.UUID]:
    registered = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": "Mover"},
    )
    assert registered.status_code == 202, registered.text
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    profile = client.get("/api/v1/auth/profile", headers=headers).json()
    return headers, uuid.UUID(profile["id"])


WEBHOOK_URL = "https://hooks.questlog.invalid/in"


class _PublicResolver:
    async def resolve(self, host: str, port: int) -> list[str]:
        return ["93.184.216.34"]


def live_in_every_service(
    client: TestClient[Litestar], headers: dict[str, str], user_id: uuid.UUID, email: str
) -> None:
    """Give the user rows in every service's tables."""

    def ok(response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    # a webhook endpoint for completions (its name resolves to a public address for the API,
    # stubbed at the resolver port; the worker's real resolver finds no address for a name
    # under .invalid, so its deliveries are attempted, logged and retried, never sent)
    client.app.state.container.webhook_resolver.override(providers.Object(_PublicResolver()))
    ok(
        client.post(
            "/api/v1/integrations/webhooks",
            json={"url": WEBHOOK_URL, "event_types": ["quest.completed.v1"]},
            headers=headers,
        ),
        201,
    )
    # the player first: the completion below makes one too, and the two would race
    ok(
        client.put(
            "/api/v1/gamification/settings/display-name",
            json={"display_name": "Mover"},
            headers=headers,
        )
    )
    first = ok(client.post("/api/v1/quests", json={"title": "Write"}, headers=headers), 201)
    second = ok(client.post("/api/v1/quests", json={"title": "Ship"}, headers=headers), 201)
    ok(
        client.post(
            f"/api/v1/quests/{second['id']}/dependencies",
            json={"prerequisite_id": first["id"]},
            headers=headers,
        ),
        201,
    )
    ok(client.post(f"/api/v1/quests/{first['id']}/complete", headers=headers))
    ok(
        client.post(
            "/api/v1/templates",
            json={"name": "Weekly review", "title_pattern": "Review {week}"},
            headers=headers,
        ),
        201,
    )
    ok(client.post("/api/v1/categories", json={"name": "work"}, headers=headers), 201)
    ok(
        client.post(
            f"/api/v1/quests/{second['id']}/attachments?filename=notes.txt",
            content=b"some notes",
            headers={**headers, "Content-Type": "text/plain"},
        ),
        201,
    )
    ok(
        client.post(
            "/api/v1/quests/import?from=taskwarrior",
            content=_small_export(),
            headers={**headers, "Content-Type": "application/json"},
        )
    )
    ok(
        client.post(
            "/api/v1/auth/tokens", json={"name": "cli", "scopes": ["quests:read"]}, headers=headers
        ),
        201,
    )
    ok(client.post("/api/v1/auth/forgot-password", json={"email": email}), 202)
    # two-step sign-in on (a factor, recovery codes) and a sign-in waiting for its code
    enrolment = ok(client.post("/api/v1/auth/totp/enrol", headers=headers), 201)
    secret = base64.b32decode(enrolment["secret"] + "=" * (-len(enrolment["secret"]) % 8))
    code = totp(secret, datetime.now(UTC))
    ok(client.post("/api/v1/auth/totp/confirm", json={"code": code}, headers=headers))
    waiting = ok(client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}))
    assert waiting["second_factor_required"] is True
    # what the user typed, in the search service's query log
    ok(client.get("/api/v1/search", params={"q": "write"}, headers=headers))
    # which variant of a running experiment the user is in (analytics: an exposure)
    client.blocking_portal.call(_running_experiment, client.app.state.container)
    ok(client.get("/api/v1/analytics/experiments/moving-out/variant", headers=headers))
    ledger = client.app.state.container.token_usage()
    client.blocking_portal.call(
        ledger.record,
        TokenUsageRecord(
            owner=UserId(user_id),
            at=datetime.now(UTC),
            provider="openai",
            model="gpt-test",
            input_tokens=120,
            output_tokens=30,
        ),
    )


async def _running_experiment(container: Any) -> None:
    """The experiment ``moving-out``, running (made once per database)."""
    from questlog_core.analytics.experiments.messages import (
        DefineExperiment,
        GetExperiment,
        StartExperiment,
        Variant,
    )
    from questlog_core.errors import NotFound

    bus = container.experiments_bus()
    try:
        await bus.handle(GetExperiment(key="moving-out"))
    except NotFound:
        at = datetime.now(UTC)
        variants = [Variant(key="stay"), Variant(key="go")]
        await bus.handle(DefineExperiment(key="moving-out", name="M", variants=variants, at=at))
        await bus.handle(StartExperiment(key="moving-out", at=at))


def _small_export() -> bytes:
    return (
        b'[{"uuid":"11111111-1111-4111-8111-111111111111","description":"Imported",'
        b'"status":"pending","entry":"20261101T000000Z"}]'
    )


def wait_for(condition: Any, seconds: float = DELIVERY_SECONDS) -> Any:
    deadline = time.monotonic() + seconds
    value = condition()
    while not value and time.monotonic() < deadline:
        time.sleep(0.2)
        value = condition()
    return value


@pytest.mark.parametrize("settings", SQL_DATABASES, indirect=True)
def test_deleting_an_account_leaves_no_row_of_it_in_any_table(
    client: TestClient[Litestar], settings: Settings
) -> None:
    mover_email = f"mover-{uuid.uuid4().hex[:8]}@example.com"
    mover, mover_id = sign_up(client, mover_email)
    stayer_email = f"stayer-{uuid.uuid4().hex[:8]}@example.com"
    stayer, stayer_id = sign_up(client, stayer_email)
    live_in_every_service(client, mover, mover_id, mover_email)
    live_in_every_service(client, stayer, stayer_id, stayer_email)

    # the events have reached the game, the AI read model, the search index, analytics and
    # the notification service (the first completion's achievement, emailed to the address it
    # learnt): data in every service
    expected = {
        "quests", "quest_dependencies", "quest_templates", "quest_categories",
        "quest_attachments", "quest_import_links", "quest_outbox", "auth_users",
        "auth_sessions", "auth_refresh_tokens", "auth_reset_tokens", "auth_api_tokens",
        "auth_outbox", "auth_second_factors", "auth_recovery_codes",
        "auth_sign_in_challenges", "gamification_ledger", "gamification_players",
        "gamification_achievements", "gamification_board_scores", "ai_quest_views",
        "ai_token_usage", "notification_recipients", "notification_notifications",
        "notification_deliveries",
        "search_documents", "search_queries",
        "integrations_webhook_endpoints", "integrations_webhook_deliveries",
        "integrations_webhook_attempts",
        "analytics_exposures",
        "analytics_events", "analytics_player_zones",
    }  # fmt: skip
    for user_id, email in ((mover_id, mover_email), (stayer_id, stayer_email)):
        before = wait_for(lambda u=user_id, e=email: expected <= set(references(settings, u, e)))
        assert before, sorted(expected - set(references(settings, user_id, email)))
    stayer_rows = references(settings, stayer_id, stayer_email)
    assert stored_files(settings, mover_id)

    wrong = client.request(
        "DELETE", "/api/v1/auth/account", json={"password": "not it at all"}, headers=mover
    )
    assert wrong.status_code == 401
    deleted = client.request(
        "DELETE", "/api/v1/auth/account", json={"password": PASSWORD}, headers=mover
    )
    assert deleted.status_code == 202, deleted.text
    assert deleted.json()["user_id"] == str(mover_id)

    # locked at once: the token is dead and the password opens nothing
    assert client.get("/api/v1/quests", headers=mover).status_code == 401
    login = client.post("/api/v1/auth/login", json={"email": mover_email, "password": PASSWORD})
    assert login.status_code == 401

    left = wait_for(lambda: not references(settings, mover_id, mover_email))
    assert left, references(settings, mover_id, mover_email)
    tombstones = set(KEPT_TO_HONOUR_ERASURE)
    assert wait_for(lambda: erased_in(settings, mover_id) == tombstones)
    assert erased_in(settings, stayer_id) == set()
    # late events of the account create nothing again in any service
    client.blocking_portal.call(deliver_late, client.app.state.container, mover_id)
    assert references(settings, mover_id, mover_email) == {}
    assert stored_files(settings, mover_id) == []  # the attachment's bytes went too
    assert stored_files(settings, stayer_id)
    # the other user keeps everything (their own late events may only add rows)
    after = references(settings, stayer_id, stayer_email)
    assert all(after.get(name, 0) >= rows for name, rows in stayer_rows.items()), after
    assert client.get("/api/v1/quests", headers=stayer).json()["items"]


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_an_api_token_cannot_delete_the_account(
    client: TestClient[Litestar], settings: Settings
) -> None:
    headers, _ = sign_up(client, f"keeper-{uuid.uuid4().hex[:8]}@example.com")
    created = client.post(
        "/api/v1/auth/tokens", json={"name": "ci", "scopes": ["profile:write"]}, headers=headers
    )
    assert created.status_code == 201, created.text
    token = {"Authorization": f"Bearer {created.json()['token']}"}
    refused = client.request(
        "DELETE", "/api/v1/auth/account", json={"password": PASSWORD}, headers=token
    )
    assert refused.status_code == 401
    assert "sign in with your password" in refused.json()["detail"]
    assert client.get("/api/v1/quests", headers=headers).status_code == 200


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
def test_on_the_in_memory_database_the_account_is_locked(
    client: TestClient[Litestar], settings: Settings
) -> None:
    """``memory://`` has no event flow (docs/moving.md says so): the lock is what happens."""
    email = f"demo-{uuid.uuid4().hex[:8]}@example.com"
    headers, user_id = sign_up(client, email)
    deleted = client.request(
        "DELETE", "/api/v1/auth/account", json={"password": PASSWORD}, headers=headers
    )
    assert deleted.status_code == 202, deleted.text
    assert deleted.json()["user_id"] == str(user_id)
    assert client.get("/api/v1/quests", headers=headers).status_code == 401
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 401
