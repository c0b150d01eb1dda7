"""``/api/v1/analytics`` over HTTP on the all-in-one (memory, SQLite, PostgreSQL).

Quests are created and completed through the quest service's own API. On SQL the all-in-one's
in-process worker records the quest service's events (relay, broker, analytics consumer) and
the test waits for the analytics inbox to hold them; the in-memory database has no outbox
relay, so there the test hands the quest service's events to the recording itself, the way the
consumer does, and first shows that the requests recorded nothing.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from apps.http.problems import PROBLEM_MEDIA_TYPE
from questlog_core.ai.events import AiFeatureUsed
from questlog_core.analytics.recording import (
    CONSUMER,
    RECORDED_EVENTS,
    keep_player_zone,
    record_event,
)
from questlog_core.events.identity import ProfileUpdated
from questlog_core.events.quests import QuestCompleted
from questlog_core.ids import EventId, QuestId
from questlog_core.services.auth import AuthService
from tests.support.service_events import auth_service_events, delivered, quest_service_events

from .conftest import ON_EVERY_DATABASE, PASSWORD, MakeUser

Client = TestClient[Litestar]
A = "/api/v1/analytics"
_emails = itertools.count(1)


def record_everything(app: Litestar, client: Client) -> None:
    """Every countable event the quest service committed is recorded once this returns."""
    events = [e for e in quest_service_events(app, client) if isinstance(e, RECORDED_EVENTS)]
    delivered(
        app,
        client,
        events,
        service="analytics",
        consumer=CONSUMER,
        handle=lambda event, container: record_event(event, container.analytics_uow()),
    )


def quest(client: Client, headers: dict[str, str], *, done: bool, **fields: Any) -> str:
    made = client.post("/api/v1/quests", json={"title": "Chore", **fields}, headers=headers)
    assert made.status_code == 201, made.text
    quest_id = str(made.json()["id"])
    if done:
        finished = client.post(f"/api/v1/quests/{quest_id}/complete", headers=headers)
        assert finished.status_code == 200, finished.text
    return quest_id


def admin(client: Client) -> dict[str, str]:
    email = f"analytics-admin{next(_emails)}@example.com"
    registered = client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": "A"}
    )
    assert registered.status_code == 202, registered.text
    auth: AuthService = client.app.state.container.auth_service()
    client.blocking_portal.call(auth.make_admin, email)
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def summary(client: Client, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(f"{A}/me/summary", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_a_player_sees_their_own_completions_and_never_anothers(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    me, other = make_user(client), make_user(client)
    quest(client, me, done=True, category="home")
    quest(client, me, done=True, category="home")
    quest(client, me, done=True)
    quest(client, me, done=False)
    quest(client, other, done=True, category="work")
    record_everything(app, client)

    mine = summary(client, me, days=7)
    today = datetime.now(UTC).date()
    assert mine["completions"] == 3
    assert mine["completions_per_day"][-1] == {"day": today.isoformat(), "count": 3}
    assert len(mine["completions_per_day"]) == 7
    assert mine["completions_by_category"] == [
        {"category": "home", "count": 2},
        {"category": None, "count": 1},
    ]
    assert mine["counts"]["quest.created"] == 4
    assert mine["active_days"] == 1

    theirs = summary(client, other)
    assert theirs["completions"] == 1
    assert theirs["completions_by_category"] == [{"category": "work", "count": 1}]

    bad = client.get(f"{A}/me/summary", params={"days": 0}, headers=me)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_the_export_streams_only_the_callers_records_as_json_and_csv(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    me, other = make_user(client), make_user(client)
    mine = quest(client, me, done=True)
    quest(client, other, done=True)
    record_everything(app, client)

    as_json = client.get(f"{A}/me/export", params={"format": "json"}, headers=me)
    assert as_json.status_code == 200, as_json.text
    assert as_json.headers["content-type"].startswith("application/json")
    assert "attachment" in as_json.headers["content-disposition"]
    records = as_json.json()["records"]
    assert [r["kind"] for r in records] == ["quest.created", "quest.completed"]
    assert {r["properties"]["quest_id"] for r in records} == {mine}

    as_csv = client.get(f"{A}/me/export", params={"format": "csv"}, headers=me)
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["kind"] for r in rows] == ["quest.created", "quest.completed"]
    assert {json.loads(r["properties"])["quest_id"] for r in rows} == {mine}

    fresh = make_user(client)
    empty = client.get(f"{A}/me/export", params={"format": "csv"}, headers=fresh)
    assert empty.text.strip() == "position,event_id,kind,at,properties"
    assert client.get(f"{A}/me/export", headers=fresh).json() == {"records": []}

    wrong = client.get(f"{A}/me/export", params={"format": "xml"}, headers=me)
    assert wrong.status_code == 400
    assert client.get(f"{A}/me/export").status_code == 401


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_admins_see_daily_actives_and_completions_players_get_403(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    one, two = make_user(client), make_user(client)
    quest(client, one, done=True)
    quest(client, one, done=True)
    quest(client, two, done=False)
    record_everything(app, client)
    today = datetime.now(UTC).date()
    window = {"from": (today - timedelta(days=2)).isoformat(), "to": today.isoformat()}

    refused = client.get(f"{A}/admin/daily", params=window, headers=one)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)

    boss = admin(client)
    response = client.get(f"{A}/admin/daily", params=window, headers=boss)
    assert response.status_code == 200, response.text
    days = response.json()["days"]
    assert [d["day"] for d in days] == [(today - timedelta(days=n)).isoformat() for n in (2, 1, 0)]
    assert days[0] == {
        "day": (today - timedelta(days=2)).isoformat(),
        "active_users": 0,
        "completions": 0,
        "completing_users": 0,
    }
    assert days[-1]["active_users"] == 2
    assert days[-1]["completions"] == 2
    assert days[-1]["completing_users"] == 1

    backwards = client.get(
        f"{A}/admin/daily", params={"from": window["to"], "to": window["from"]}, headers=boss
    )
    assert backwards.status_code == 422, backwards.text
    assert backwards.json()["field"] == "to"
    too_long = {"from": date(2020, 1, 1).isoformat(), "to": today.isoformat()}
    assert client.get(f"{A}/admin/daily", params=too_long, headers=boss).status_code == 422
    missing = client.get(f"{A}/admin/daily", params={"from": window["from"]}, headers=boss)
    assert missing.status_code == 400


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
def test_requests_record_nothing_the_consumer_does(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    """On the in-memory database nothing relays events, so whatever is recorded was written
    by the request itself: the quest requests leave the analytics store untouched, and the
    records appear once the consumer's recording runs."""
    me = make_user(client)
    quest(client, me, done=True)
    store = app.state.container.analytics_store()
    assert store.events == []
    assert summary(client, me)["completions"] == 0

    record_everything(app, client)
    assert len(store.events) == 2
    assert summary(client, me)["completions"] == 1


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_ai_features_used_are_published_by_the_ai_service_and_counted(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    me, other = make_user(client), make_user(client)
    for _ in range(2):
        added = client.post("/api/v1/ai/quick-add", json={"text": "Buy milk"}, headers=me)
        assert added.status_code == 200, added.text
    figures = client.get("/api/v1/ai/insights", headers=me)
    assert figures.status_code == 200, figures.text
    assert client.get("/api/v1/ai/insights", headers=other).status_code == 200

    container = app.state.container
    if container.engine() is None:
        # no relay in memory: hand the AI service's outbox to the recording, as the consumer
        used = [e for e in container.ai_store().outbox if isinstance(e, AiFeatureUsed)]
        assert [e.feature for e in used] == ["quick_add", "quick_add", "insights", "insights"]

        async def feed() -> None:
            for event in used:
                await record_event(event, container.analytics_uow())

        client.blocking_portal.call(feed)

    def features_of(headers: dict[str, str]) -> list[dict[str, Any]]:
        # recorded a moment after the answers (SQL: relay, broker, analytics consumer)
        deadline = time.monotonic() + 15
        while True:
            use: list[dict[str, Any]] = summary(client, headers)["ai_feature_use"]
            if sum(u["count"] for u in use) >= (3 if headers is me else 1):
                return use
            assert time.monotonic() < deadline, use
            time.sleep(0.05)

    assert features_of(me) == [
        {"feature": "quick_add", "count": 2},
        {"feature": "insights", "count": 1},
    ]
    assert features_of(other) == [{"feature": "insights", "count": 1}]


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_a_berlin_players_completion_after_local_midnight_counts_on_their_own_day(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    me = make_user(client)
    moved = client.put("/api/v1/auth/profile", json={"timezone": "Europe/Berlin"}, headers=me)
    assert moved.status_code == 200, moved.text
    container = app.state.container
    # identity's events reach analytics as the consumer hands them over (on SQL the
    # all-in-one's own worker may have done it already: the inbox makes a second one a no-op)
    identity = auth_service_events(app, client)
    (profile,) = [e for e in identity if isinstance(e, ProfileUpdated)]

    async def deliver_zone() -> None:
        for event in identity:
            await keep_player_zone(event, container.analytics_uow())

    client.blocking_portal.call(deliver_zone)

    # half past midnight in Berlin (23:30 UTC the day before), the latest one not in the future
    now = datetime.now(UTC)
    local_today = now.astimezone(berlin).date()
    moment = datetime.combine(local_today, clock_time(0, 30), tzinfo=berlin)
    if moment > now - timedelta(minutes=1):
        moment -= timedelta(days=1)
    local_day, utc_day = moment.date(), moment.astimezone(UTC).date()
    assert utc_day == local_day - timedelta(days=1)
    done = QuestCompleted(
        event_id=EventId(uuid4()),
        occurred_at=moment.astimezone(UTC),
        owner=profile.owner,
        quest_id=QuestId(uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=0,
        due=None,
        completed_at=moment.astimezone(UTC),
        created_at=moment.astimezone(UTC) - timedelta(hours=1),
        on_time=True,
        owner_timezone="Europe/Berlin",
    )

    async def deliver_completion() -> None:
        assert await record_event(done, container.analytics_uow())

    client.blocking_portal.call(deliver_completion)

    # the player: on their own day, and inside a window of their last `days` days
    window = 1 if local_day == local_today else 2
    mine = summary(client, me, days=window)
    assert mine["completions"] == 1
    assert mine["completions_per_day"][0] == {"day": local_day.isoformat(), "count": 1}
    assert mine["timezone"] == "Europe/Berlin"
    assert sum(d["count"] for d in mine["completions_per_day"]) == 1
    assert mine["active_days"] == 1
    assert datetime.fromisoformat(mine["since"]) == datetime.combine(
        mine_first := local_today - timedelta(days=window - 1), clock_time(), tzinfo=berlin
    )
    assert mine_first == local_day
    # the admins: on the UTC day, as every player is
    boss = admin(client)
    daily = client.get(
        f"{A}/admin/daily",
        params={"from": utc_day.isoformat(), "to": local_day.isoformat()},
        headers=boss,
    )
    assert daily.status_code == 200, daily.text
    completions = {d["day"]: d["completions"] for d in daily.json()["days"]}
    assert completions == {utc_day.isoformat(): 1, local_day.isoformat(): 0}
