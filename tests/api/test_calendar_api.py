"""``/api/v1/integrations/calendar`` over HTTP on the all-in-one (memory, SQLite, PostgreSQL).

Quests are made through the quest service's API and the time zone through the auth service's;
their events reach the calendar the way the integrations consumer applies them (delivered here
by the test; on SQL the in-process worker may have applied them already, and the inbox makes a
second delivery change nothing). What a calendar app gets is parsed with ``icalendar``.
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from apps.http.problems import PROBLEM_MEDIA_TYPE
from apps.integrations.controllers.calendar import FEED_READS_PER_MINUTE
from questlog_core.integrations.calendar.projection import (
    CALENDAR_EVENTS,
    project_calendar_event,
)
from tests.support.service_events import auth_service_events, quest_service_events

from .conftest import ON_EVERY_DATABASE, PASSWORD, MakeUser

Client = TestClient[Litestar]
C = "/api/v1/integrations/calendar"
# Due dates must lie ahead (a quest is never due before it is made), and in winter, so Berlin
# is UTC+1: mid-January of next year, whatever the day the suite runs.
NEXT_YEAR = datetime.now(UTC).year + 1
REPORT_DUE = datetime(NEXT_YEAR, 1, 15, 16, 30, tzinfo=UTC)
DENTIST_DUE = datetime(NEXT_YEAR, 1, 16, 8, 0, tzinfo=UTC)
PLANTS_DUE = datetime(NEXT_YEAR, 2, 1, 7, 0, tzinfo=UTC)
_emails = itertools.count(1)


def deliver_events(app: Litestar, client: Client) -> None:
    """Every quest and identity event committed so far is applied to the calendar."""
    events = [
        e
        for e in [*auth_service_events(app, client), *quest_service_events(app, client)]
        if isinstance(e, CALENDAR_EVENTS)
    ]

    async def feed() -> None:
        for event in events:
            await project_calendar_event(event, app.state.container.calendar_uow())

    client.blocking_portal.call(feed)


def berliner(client: Client) -> dict[str, str]:
    """A new user whose profile is in Europe/Berlin."""
    email = f"cal{next(_emails)}@example.com"
    made = client.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "display_name": "Ada",
            "timezone": "Europe/Berlin",
        },
    )
    assert made.status_code == 202, made.text
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def quest(client: Client, headers: dict[str, str], **fields: Any) -> str:
    made = client.post("/api/v1/quests", json=fields, headers=headers)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def new_feed(
    client: Client, headers: dict[str, str], label: str = "Phone", **fields: Any
) -> dict[str, Any]:
    made = client.post(f"{C}/feeds", json={"label": label, **fields}, headers=headers)
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def path_of(feed: dict[str, Any]) -> str:
    url = str(feed["url"])
    return url[url.index("/api/") :]


def todos(body: bytes) -> dict[str, icalendar.Todo]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(t["SUMMARY"]): t for t in calendar.walk("VTODO")}


def events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_a_calendar_app_reads_due_quests_in_the_owners_zone_with_their_status(
    app: Litestar, client: Client
) -> None:
    me = berliner(client)
    report = quest(
        client,
        me,
        title="Write report",
        due=REPORT_DUE.isoformat(),
        notes="Q4 numbers",
        tags=["work"],
        priority=3,
    )
    dentist = quest(client, me, title="Call dentist", due=DENTIST_DUE.isoformat())
    quest(client, me, title="No date")
    done = client.post(f"/api/v1/quests/{dentist}/complete", headers=me)
    assert done.status_code == 200, done.text
    issued = new_feed(client, me)
    assert issued["url"].endswith(".ics")
    assert issued["webcal_url"].startswith("webcal://")
    deliver_events(app, client)

    read = client.get(path_of(issued))

    assert read.status_code == 200, read.text
    assert read.headers["content-type"] == "text/calendar; charset=utf-8"
    shown = todos(read.content)
    assert set(shown) == {"Write report", "Call dentist"}
    todo = shown["Write report"]
    assert str(todo["UID"]) == f"{report}@questlog"
    due = todo.decoded("DUE")
    assert str(due.tzinfo) == "Europe/Berlin"
    assert (due.hour, due.minute) == (17, 30)
    assert due == REPORT_DUE
    assert str(todo["STATUS"]) == "NEEDS-ACTION"
    assert str(todo["DESCRIPTION"]) == "Q4 numbers"
    assert int(todo["PRIORITY"]) == 3
    assert str(shown["Call dentist"]["STATUS"]) == "COMPLETED"
    assert "COMPLETED" in shown["Call dentist"]

    again = client.get(path_of(issued), headers={"If-None-Match": read.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_a_revoked_or_rotated_url_is_404_and_only_the_owner_manages_a_feed(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    me = berliner(client)
    stranger = make_user(client)
    quest(client, me, title="Mine", due=REPORT_DUE.isoformat())
    quest(client, stranger, title="Theirs", due=REPORT_DUE.isoformat())
    deliver_events(app, client)
    mine = new_feed(client, me)
    theirs = new_feed(client, stranger)

    assert set(todos(client.get(path_of(theirs)).content)) == {"Theirs"}
    assert set(todos(client.get(path_of(mine)).content)) == {"Mine"}
    feed_id = mine["feed"]["id"]
    # another user can neither see, rotate nor revoke my feed
    assert [f["id"] for f in client.get(f"{C}/feeds", headers=stranger).json()] == [
        theirs["feed"]["id"]
    ]
    assert client.post(f"{C}/feeds/{feed_id}/rotate", headers=stranger).status_code == 404
    assert client.delete(f"{C}/feeds/{feed_id}", headers=stranger).status_code == 404
    assert client.get(path_of(mine)).status_code == 200

    rotated = client.post(f"{C}/feeds/{feed_id}/rotate", headers=me)
    assert rotated.status_code == 200, rotated.text
    gone = client.get(path_of(mine))
    assert gone.status_code == 404
    assert gone.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    assert client.get(path_of(rotated.json())).status_code == 200

    assert client.delete(f"{C}/feeds/{feed_id}", headers=me).status_code == 204
    assert client.get(path_of(rotated.json())).status_code == 404
    listed = client.get(f"{C}/feeds", headers=me).json()
    assert [(f["label"], f["revoked_at"] is not None) for f in listed] == [("Phone", True)]
    assert "url" not in listed[0]
    assert client.delete(f"{C}/feeds/{feed_id}", headers=me).status_code == 404


def test_guessed_tokens_and_bad_input_are_clear_4xx(client: Client, make_user: MakeUser) -> None:
    me = make_user(client)
    for path in (
        f"{C}/qcal_{'A' * 43}.ics",
        f"{C}/nothing.ics",
        f"{C}/qcal_{'A' * 43}.json",
        f"{C}/qcal_{'A' * 43}",
    ):
        missing = client.get(path)
        assert missing.status_code == 404, path
        assert missing.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    too_long = client.post(f"{C}/feeds", json={"label": "x" * 101}, headers=me)
    assert too_long.status_code in (400, 422), too_long.text
    unknown_field = client.post(f"{C}/feeds", json={"colour": "red"}, headers=me)
    assert unknown_field.status_code == 400, unknown_field.text
    assert client.post(f"{C}/feeds", json={}).status_code == 401
    assert client.get(f"{C}/feeds").status_code == 401


def test_reading_feeds_is_limited_per_client_address(client: Client, make_user: MakeUser) -> None:
    issued = new_feed(client, make_user(client))
    for _ in range(FEED_READS_PER_MINUTE):
        assert client.get(path_of(issued)).status_code == 200
    limited = client.get(path_of(issued))
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    # guessing counts too: a wrong token is no way around the limit
    assert client.get(f"{C}/qcal_{'A' * 43}.ics").status_code == 429


def test_a_feed_imported_into_another_account_brings_the_same_todos(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    me = berliner(client)
    quest(client, me, title="Write report", due=REPORT_DUE.isoformat(), priority=4, tags=["work"])
    done = quest(client, me, title="Call dentist", due=DENTIST_DUE.isoformat())
    client.post(f"/api/v1/quests/{done}/complete", headers=me)
    deliver_events(app, client)
    body = client.get(path_of(new_feed(client, me))).content

    other = make_user(client)
    imported = client.post(
        "/api/v1/quests/import?from=ical",
        content=body,
        headers={**other, "Content-Type": "text/calendar"},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["created"] == 2
    listed = client.get(
        "/api/v1/quests", params={"status": "todo,done,archived"}, headers=other
    ).json()["items"]
    by_title = {q["title"]: q for q in listed}
    assert set(by_title) == {"Write report", "Call dentist"}
    report = by_title["Write report"]
    assert datetime.fromisoformat(report["due"]) == REPORT_DUE
    assert report["priority"] == 4
    assert report["tags"] == ["work"]
    assert by_title["Call dentist"]["status"] in ("done", "archived")


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_the_all_in_ones_worker_keeps_the_feed_current_by_itself(
    client: Client, make_user: MakeUser
) -> None:
    me = make_user(client)
    issued = new_feed(client, me)
    quest(client, me, title="Water plants", due=PLANTS_DUE.isoformat())
    deadline = time.monotonic() + 10
    while "Water plants" not in todos(client.get(path_of(issued)).content):
        assert time.monotonic() < deadline, "the integrations consumer did not apply the event"
        time.sleep(0.05)


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_an_events_feed_shows_due_quests_as_events_ending_when_due_in_the_owners_zone(
    app: Litestar, client: Client
) -> None:
    me = berliner(client)
    report = quest(
        client,
        me,
        title="Write report",
        due=REPORT_DUE.isoformat(),
        notes="Q4 numbers",
        tags=["work"],
        estimate_minutes=90,
    )
    dentist = quest(client, me, title="Call dentist", due=DENTIST_DUE.isoformat())
    dropped = quest(client, me, title="Dropped", due=PLANTS_DUE.isoformat())
    quest(client, me, title="No date")
    assert client.post(f"/api/v1/quests/{dentist}/complete", headers=me).status_code == 200
    assert client.post(f"/api/v1/quests/{dropped}/abandon", headers=me).status_code == 200
    issued = new_feed(client, me, "Google", kind="events")
    assert issued["feed"]["kind"] == "events"
    deliver_events(app, client)

    read = client.get(path_of(issued))

    assert read.status_code == 200, read.text
    assert read.headers["content-type"] == "text/calendar; charset=utf-8"
    assert todos(read.content) == {}
    shown = events(read.content)
    assert set(shown) == {"Write report", "\N{CHECK MARK} Call dentist", "Dropped"}
    event = shown["Write report"]
    assert str(event["UID"]) == f"{report}@questlog"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert str(end.tzinfo) == "Europe/Berlin"
    assert str(start.tzinfo) == "Europe/Berlin"
    assert end == REPORT_DUE
    assert ((start.hour, start.minute), (end.hour, end.minute)) == ((16, 0), (17, 30))
    assert str(event["DESCRIPTION"]) == "Q4 numbers"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    done = shown["\N{CHECK MARK} Call dentist"]
    assert done.decoded("DTEND") == DENTIST_DUE
    assert done.decoded("DTEND") - done.decoded("DTSTART") == timedelta(minutes=30)
    assert str(shown["Dropped"]["STATUS"]) == "CANCELLED"
    assert client.get(f"{C}/feeds", headers=me).json()[0]["kind"] == "events"
    exported = client.get("/api/v1/integrations/export", headers=me).json()
    assert [f["kind"] for f in exported["calendar_feeds"]] == ["events"]

    again = client.get(path_of(issued), headers={"If-None-Match": read.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_switching_a_feeds_kind_changes_what_the_same_url_serves(
    app: Litestar, client: Client
) -> None:
    me = berliner(client)
    quest(client, me, title="Write report", due=REPORT_DUE.isoformat())
    deliver_events(app, client)
    issued = new_feed(client, me)
    assert issued["feed"]["kind"] == "todos"  # the default
    as_todos = client.get(path_of(issued))
    assert set(todos(as_todos.content)) == {"Write report"}

    switched = client.patch(
        f"{C}/feeds/{issued['feed']['id']}", json={"kind": "events"}, headers=me
    )

    assert switched.status_code == 200, switched.text
    assert (switched.json()["kind"], switched.json()["label"]) == ("events", "Phone")
    # the app's copy is stale now: its ETag no longer matches
    as_events = client.get(path_of(issued), headers={"If-None-Match": as_todos.headers["etag"]})
    assert as_events.status_code == 200
    assert as_events.headers["etag"] != as_todos.headers["etag"]
    assert set(events(as_events.content)) == {"Write report"}
    assert todos(as_events.content) == {}

    relabelled = client.patch(
        f"{C}/feeds/{issued['feed']['id']}", json={"label": "Tablet", "kind": "todos"}, headers=me
    )
    assert relabelled.status_code == 200, relabelled.text
    listed = client.get(f"{C}/feeds", headers=me).json()
    assert [(f["label"], f["kind"]) for f in listed] == [("Tablet", "todos")]
    assert set(todos(client.get(path_of(issued)).content)) == {"Write report"}


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_only_the_owner_changes_a_feed_and_an_unknown_kind_is_a_problem(
    client: Client, make_user: MakeUser
) -> None:
    me = make_user(client)
    stranger = make_user(client)
    issued = new_feed(client, me)
    feed_id = issued["feed"]["id"]

    theirs = client.patch(f"{C}/feeds/{feed_id}", json={"kind": "events"}, headers=stranger)
    assert theirs.status_code == 404
    assert theirs.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    assert client.patch(f"{C}/feeds/{feed_id}", json={"kind": "events"}).status_code == 401
    assert client.get(f"{C}/feeds", headers=me).json()[0]["kind"] == "todos"

    for bad in (
        client.post(f"{C}/feeds", json={"label": "x", "kind": "vevent"}, headers=me),
        client.patch(f"{C}/feeds/{feed_id}", json={"kind": "journal"}, headers=me),
    ):
        assert bad.status_code == 422, bad.text
        assert bad.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
        [error] = bad.json()["errors"]
        assert error["field"] == "kind"
        assert error["allowed"] == ["todos", "events"]
    unknown_field = client.patch(f"{C}/feeds/{feed_id}", json={"colour": "red"}, headers=me)
    assert unknown_field.status_code == 400, unknown_field.text
    assert [f["label"] for f in client.get(f"{C}/feeds", headers=me).json()] == ["Phone"]

    assert client.delete(f"{C}/feeds/{feed_id}", headers=me).status_code == 204
    revoked = client.patch(f"{C}/feeds/{feed_id}", json={"kind": "events"}, headers=me)
    assert revoked.status_code == 404
