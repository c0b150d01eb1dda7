"""Moving out of the notification and integrations services over HTTP (the all-in-one, memory
and SQLite databases): ``GET /api/v1/notifications/export`` and
``GET /api/v1/integrations/export``.

Each is a JSON attachment of the caller's own data only: another user's notifications, devices,
feeds and endpoints never appear, and the credentials the services keep (push device tokens,
calendar feed tokens, webhook secrets) are never in it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from adapters.webhooks import HttpxWebhookSender
from apps.container import Container
from questlog_core.events.quests import QuestCompleted
from questlog_core.integrations.use_cases import queue_deliveries, send_due
from questlog_core.kernel.ids import EventId, QuestId, UserId

from .conftest import MakeUser
from .test_notification_api import N, User, _send, _user
from .test_webhooks_api import StubResolver

Client = TestClient[Litestar]
INTEGRATIONS = "/api/v1/integrations"


def _container(client: Client) -> Container:
    container: Container = client.app.state.container
    return container


def _assert_attachment(answer: httpx.Response, name: str) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["content-disposition"] == f'attachment; filename="{name}"'
    body: dict[str, Any] = answer.json()
    return body


# --- notifications ------------------------------------------------------------------------


def test_the_notification_export_holds_everything_of_the_callers(
    client: Client, make_user: MakeUser
) -> None:
    alice, bob = _user(client, make_user).known(), _user(client, make_user).known()
    admin = _user(client, make_user, admin=True)
    # Announcements go by email only: such a notification is not in the in-app history, but
    # it is Alice's data and must be in her export.
    prefs = {"channels": {"system_announcement": ["email"]}, "reminder_offsets_minutes": [30]}
    assert alice.call("PUT", "/preferences", json=prefs).status_code == 200
    assert _send(admin, user_id=str(alice.id), title="Email only", key="a").status_code == 201
    suggested = _send(admin, user_id=str(alice.id), kind="ai_suggestion", title="Try this")
    assert suggested.status_code == 201
    assert _send(admin, user_id=str(bob.id), title="For Bob").status_code == 201
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    scheduled = {"kind": "system_announcement", "title": "Later", "due_at": due}
    assert admin.call("POST", "/schedule", json={**scheduled, "user_id": str(alice.id)}).is_success
    token = "fcm-secret-registration-token-of-alice"
    device = {"platform": "fcm", "token": token, "label": "Pixel"}
    assert alice.call("POST", "/devices", json=device).status_code == 201
    suggestion = alice.call("GET", "/history").json()["items"][0]
    assert alice.call("POST", "/mark-read", json={"ids": [suggestion["id"]]}).is_success

    answer = client.get(f"{N}/export", headers=alice.headers)
    body = _assert_attachment(answer, "questlog-notifications.json")
    assert body["format"] == "questlog.notifications.export.v1"
    assert body["recipient"]["email"] == alice.email
    assert body["preferences"]["channels"]["system_announcement"] == ["email"]
    assert body["preferences"]["reminder_offsets_minutes"] == [30]
    exported = {n["title"]: n for n in body["notifications"]}
    assert set(exported) == {"Email only", "Try this"}
    assert exported["Email only"]["in_app"] is False
    assert [d["channel"] for d in exported["Email only"]["deliveries"]] == ["email"]
    assert exported["Try this"]["read"] is True
    assert [s["title"] for s in body["scheduled"]] == ["Later"]
    [pixel] = body["devices"]
    assert pixel["label"] == "Pixel"
    assert token not in answer.text  # a push token is a credential: never exported

    theirs = _assert_attachment(
        client.get(f"{N}/export", headers=bob.headers), "questlog-notifications.json"
    )
    assert [n["title"] for n in theirs["notifications"]] == ["For Bob"]
    assert theirs["devices"] == []
    assert theirs["scheduled"] == []
    assert "Email only" not in str(theirs)


def test_a_new_user_exports_defaults_and_nothing_else(client: Client, make_user: MakeUser) -> None:
    fresh = User(client, make_user(client))

    def export() -> dict[str, Any]:
        answer = client.get(f"{N}/export", headers=fresh.headers)
        return _assert_attachment(answer, "questlog-notifications.json")

    body = export()
    if _container(client).engine() is None:
        # memory://: no event flow, so the notification service never hears of them
        assert body["recipient"] is None
    else:
        # the in-process consumer learns their address from the sign-up's event, soon
        deadline = time.monotonic() + 10
        while body["recipient"] is None and time.monotonic() < deadline:
            time.sleep(0.05)
            body = export()
        assert body["recipient"] == {
            "email": fresh.email,
            "timezone": "UTC",
            "email_active": True,
            "deactivated_reason": None,
        }
    assert body["preferences"] == fresh.call("GET", "/preferences").json()
    assert (body["notifications"], body["scheduled"], body["devices"]) == ([], [], [])


def test_the_notification_export_needs_a_signed_in_user(client: Client) -> None:
    answer = client.get(f"{N}/export")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")


# --- integrations -------------------------------------------------------------------------


def _completed(owner: UserId) -> QuestCompleted:
    at = datetime.now(UTC)
    return QuestCompleted(
        event_id=EventId(uuid4()),
        occurred_at=at,
        owner=owner,
        quest_id=QuestId(uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=2,
        due=None,
        completed_at=at,
        created_at=at,
        on_time=True,
        owner_timezone="UTC",
    )


def _deliver_once(client: Client, owner: UserId, status: int) -> None:
    """A completion of ``owner``'s queued for their endpoints and tried once, the receiver
    stubbed at the HTTP transport answering ``status``."""
    container = _container(client)
    portal = client.blocking_portal
    portal.call(
        queue_deliveries,
        _completed(owner),
        container.integrations_uow(),
        container.clock(),
        container.ids(),
    )
    sender = HttpxWebhookSender(
        5.0, transport=httpx.MockTransport(lambda _: httpx.Response(status))
    )

    async def send() -> None:
        await send_due(
            container.integrations_uow,
            StubResolver(),
            sender,
            container.clock(),
            policy=container.webhook_policy(),
            lease=timedelta(minutes=1),
        )

    portal.call(send)


def test_the_integrations_export_holds_feeds_and_endpoints_with_their_log_only(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    app.state.container.webhook_resolver.override(providers.Object(StubResolver()))
    alice, bob = User(client, make_user(client)), User(client, make_user(client))
    feed = client.post(
        f"{INTEGRATIONS}/calendar/feeds", json={"label": "Phone"}, headers=alice.headers
    )
    assert feed.status_code == 201, feed.text
    revoked = client.post(
        f"{INTEGRATIONS}/calendar/feeds", json={"label": "Old laptop"}, headers=alice.headers
    )
    revoked_id = revoked.json()["feed"]["id"]
    assert client.delete(
        f"{INTEGRATIONS}/calendar/feeds/{revoked_id}", headers=alice.headers
    ).is_success
    hook = {"url": "https://hooks.example.com/questlog", "event_types": ["quest.completed.v1"]}
    made = client.post(
        f"{INTEGRATIONS}/webhooks", json={**hook, "description": "mine"}, headers=alice.headers
    )
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]
    theirs = client.post(f"{INTEGRATIONS}/webhooks", json=hook, headers=bob.headers)
    assert theirs.status_code == 201
    _deliver_once(client, UserId(alice.id), 503)

    answer = client.get(f"{INTEGRATIONS}/export", headers=alice.headers)
    body = _assert_attachment(answer, "questlog-integrations.json")
    assert body["format"] == "questlog.integrations.export.v1"
    feeds = {f["label"]: f for f in body["calendar_feeds"]}
    assert set(feeds) == {"Phone", "Old laptop"}
    assert feeds["Old laptop"]["revoked_at"] is not None
    assert feeds["Phone"]["revoked_at"] is None
    [endpoint] = body["webhooks"]
    assert endpoint["id"] == made.json()["id"]
    assert endpoint["description"] == "mine"
    [delivery] = endpoint["deliveries"]
    assert delivery["event_type"] == "quest.completed.v1"
    assert delivery["status"] == "pending"  # a 503 is retried later
    assert [a["status_code"] for a in delivery["attempt_log"]] == [503]
    # neither the webhook secret nor the feed's URL (its token) is exported
    assert secret not in answer.text
    feed_token = feed.json()["url"].rsplit("/", 1)[-1].removesuffix(".ics")
    assert len(feed_token) > 20
    assert feed_token not in answer.text
    assert "secret" not in endpoint

    bobs = _assert_attachment(
        client.get(f"{INTEGRATIONS}/export", headers=bob.headers), "questlog-integrations.json"
    )
    assert bobs["calendar_feeds"] == []
    [bobs_endpoint] = bobs["webhooks"]
    assert bobs_endpoint["id"] == theirs.json()["id"]
    assert bobs_endpoint["deliveries"] == []


def test_the_integrations_export_needs_integrations_read(client: Client) -> None:
    answer = client.get(f"{INTEGRATIONS}/export")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
