"""The notification service over HTTP (the all-in-one, memory and SQLite databases).

What a player sees in their history, preferences and devices, and nobody else's; what only an
operator (``notifications:send``) may do; unsubscribe links that work without signing in.
Recipients (email addresses) are seeded the way the identity consumer does it, by applying
``UserRegistered`` through the notification use case with the container's unit of work.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from apps.container import Container
from questlog_core.events.identity import UserRegistered
from questlog_core.ids import EventId, UserId
from questlog_core.notifications import use_cases as uc
from questlog_core.notifications.model import Kind
from questlog_core.services.auth import AuthService

from .conftest import MakeUser

Client = TestClient[Litestar]
N = "/api/v1/notifications"


def _container(client: Client) -> Container:
    container: Container = client.app.state.container
    return container


class User:
    def __init__(self, client: Client, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        me = client.get("/api/v1/auth/profile", headers=headers)
        assert me.status_code == 200, me.text
        self.id = UUID(me.json()["id"])
        self.email = me.json()["email"]

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.request(method, f"{N}{path}", headers=self.headers, **kwargs)

    def known(self) -> User:
        """Make the notification service know this user's address (as the consumer would)."""
        container = _container(self.client)
        event = UserRegistered(
            event_id=EventId(uuid4()),
            occurred_at=datetime.now(UTC),
            owner=UserId(self.id),
            email=self.email,
            display_name="P",
            timezone="UTC",
            day_start_hour=0,
        )
        self.client.blocking_portal.call(
            uc.handle_event, event, container.notification_uow(), container.clock(), container.ids()
        )
        return self


def _user(client: Client, make_user: MakeUser, *, admin: bool = False) -> User:
    email = f"n{uuid4().hex[:10]}@example.com"
    headers = make_user(client, email)
    if admin:
        auth: AuthService = _container(client).auth_service()
        client.blocking_portal.call(auth.make_admin, email)
        headers = _login(client, email)  # a fresh token carries the new role
    return User(client, headers)


def _login(client: Client, email: str) -> dict[str, str]:
    from .conftest import PASSWORD

    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _send(admin: User, **body: Any) -> Any:
    return admin.call("POST", "/send", json={"kind": "system_announcement", "title": "Hi", **body})


def test_only_an_operator_sends_and_schedules(client: Client, make_user: MakeUser) -> None:
    player, admin = _user(client, make_user), _user(client, make_user, admin=True)
    due = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    for path, extra in (("/send", {}), ("/schedule", {"due_at": due})):
        body = {
            "kind": "system_announcement",
            "title": "Free XP",
            "user_id": str(player.id),
            **extra,
        }
        assert player.call("POST", path, json=body).status_code == 403
        assert client.post(f"{N}{path}", json=body).status_code == 401
        assert admin.call("POST", path, json=body).status_code == 201
    assert player.call("GET", "/history").json()["unread"] == 1


def test_a_sent_notification_is_in_its_users_history_only(
    client: Client, make_user: MakeUser
) -> None:
    alice, bob = _user(client, make_user).known(), _user(client, make_user)
    admin = _user(client, make_user, admin=True)
    sent = _send(admin, user_id=str(alice.id), title="Welcome", body="Hello there", key="welcome")
    assert sent.status_code == 201, sent.text
    again = _send(admin, user_id=str(alice.id), title="Welcome", key="welcome")
    assert again.status_code == 200
    assert again.json()["created"] is False
    history = alice.call("GET", "/history").json()
    [item] = history["items"]
    assert (item["title"], item["body"], item["state"], item["read"]) == (
        "Welcome",
        "Hello there",
        "sent",
        False,
    )
    # the announcement's email is queued for Alice's address
    assert [(d["channel"], d["state"]) for d in item["deliveries"]] == [("email", "queued")]
    assert bob.call("GET", "/history").json() == {"items": [], "unread": 0, "next_cursor": None}
    # exactly one audience
    assert _send(admin).status_code == 422
    assert _send(admin, user_id=str(alice.id), broadcast=True).status_code == 422


def test_history_pages_filters_and_mark_read(client: Client, make_user: MakeUser) -> None:
    alice, bob = _user(client, make_user), _user(client, make_user)
    admin = _user(client, make_user, admin=True)
    for n in range(4):
        kind = "ai_suggestion" if n % 2 else "system_announcement"
        assert _send(admin, user_id=str(alice.id), kind=kind, title=f"n{n}").status_code == 201
    first = alice.call("GET", "/history", params={"limit": 3}).json()
    assert len(first["items"]) == 3
    assert first["next_cursor"]
    rest = alice.call("GET", "/history", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    titles = {i["title"] for i in first["items"] + rest["items"]}
    assert titles == {"n0", "n1", "n2", "n3"}
    suggestions = alice.call("GET", "/history", params={"kind": "ai_suggestion"}).json()["items"]
    assert {i["title"] for i in suggestions} == {"n1", "n3"}
    assert alice.call("GET", "/history", params={"cursor": "nope"}).status_code == 422
    assert alice.call("GET", "/history", params={"limit": 0}).status_code == 422
    assert alice.call("GET", "/history", params={"kind": "spam"}).status_code == 400

    one = suggestions[0]["id"]
    # Bob cannot mark Alice's notification read (404), and it stays unread.
    assert bob.call("POST", "/mark-read", json={"ids": [one]}).status_code == 404
    assert alice.call("GET", "/history").json()["unread"] == 4
    assert alice.call("POST", "/mark-read", json={"ids": [one]}).json() == {"marked": 1}
    read = alice.call("GET", "/history", params={"read": "true"}).json()["items"]
    assert [(i["id"], i["state"]) for i in read] == [(one, "read")]
    many = [i["id"] for i in suggestions[1:]] + [i["id"] for i in first["items"][:1]]
    assert alice.call("POST", "/mark-read", json={"ids": many}).status_code == 200
    assert alice.call("POST", "/mark-read", json={"all": True}).status_code == 200
    assert alice.call("GET", "/history").json()["unread"] == 0
    assert alice.call("POST", "/mark-read", json={}).status_code == 422
    assert alice.call("POST", "/mark-read", json={"ids": [one], "all": True}).status_code == 422


def test_preferences_are_the_callers_own(client: Client, make_user: MakeUser) -> None:
    alice, bob = _user(client, make_user), _user(client, make_user)
    defaults = alice.call("GET", "/preferences").json()
    assert defaults["opted_out"] is False
    assert defaults["channels"]["level_up"] == ["email", "in_app"]
    chosen = {
        "channels": {"level_up": ["in_app"], "reminder": ["push"]},
        "quiet_hours": {"start": "22:00", "end": "07:00"},
        "opted_out": False,
        "reminder_offsets_minutes": [30],
    }
    saved = alice.call("PUT", "/preferences", json=chosen)
    assert saved.status_code == 200, saved.text
    stored = alice.call("GET", "/preferences").json()
    assert stored["channels"]["level_up"] == ["in_app"]
    assert stored["channels"]["reminder"] == ["push"]
    assert stored["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert stored["reminder_offsets_minutes"] == [30]
    assert bob.call("GET", "/preferences").json() == defaults
    bad_quiet = {**chosen, "quiet_hours": {"start": "07:00", "end": "07:00"}}
    assert alice.call("PUT", "/preferences", json=bad_quiet).status_code == 422
    assert (
        alice.call(
            "PUT", "/preferences", json={**chosen, "reminder_offsets_minutes": [0]}
        ).status_code
        == 422
    )
    assert (
        alice.call("PUT", "/preferences", json={**chosen, "channels": {"spam": []}}).status_code
        == 400
    )
    assert alice.call("GET", "/preferences").json() == stored


def test_devices_are_registered_listed_and_deleted_by_their_owner_only(
    client: Client, make_user: MakeUser
) -> None:
    alice, bob = _user(client, make_user), _user(client, make_user)
    body = {"platform": "fcm", "token": "fcm-token-1", "label": "Pixel"}
    created = alice.call("POST", "/devices", json=body)
    assert created.status_code == 201, created.text
    device = created.json()
    assert "token" not in device
    again = alice.call("POST", "/devices", json=body)
    assert again.status_code == 200
    assert again.json()["id"] == device["id"]
    assert [d["id"] for d in alice.call("GET", "/devices").json()] == [device["id"]]
    assert bob.call("GET", "/devices").json() == []
    assert bob.call("DELETE", f"/devices/{device['id']}").status_code == 404
    assert len(alice.call("GET", "/devices").json()) == 1
    assert alice.call("DELETE", f"/devices/{device['id']}").status_code == 204
    assert alice.call("GET", "/devices").json() == []
    assert alice.call("POST", "/devices", json={**body, "platform": "pager"}).status_code == 400


def test_an_unsubscribe_link_works_without_signing_in_for_one_kind_only(
    client: Client, make_user: MakeUser
) -> None:
    alice = _user(client, make_user)
    links = _container(client).unsubscribe_links()
    token = links.token(UserId(alice.id), Kind.LEVEL_UP)
    page = client.get(f"{N}/unsubscribe", params={"token": token})
    assert page.status_code == 200
    assert "level-up emails" in page.text
    # Looking at the page changes nothing (mail scanners fetch links).
    assert "email" in alice.call("GET", "/preferences").json()["channels"]["level_up"]
    done = client.post(f"{N}/unsubscribe", params={"token": token})
    assert done.status_code == 200, done.text
    assert done.json() == {"kind": "level_up", "channel": "email", "unsubscribed": True}
    channels = alice.call("GET", "/preferences").json()["channels"]
    assert channels["level_up"] == ["in_app"]
    assert "email" in channels["achievement_unlocked"]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.post(f"{N}/unsubscribe", params={"token": forged}).status_code == 403
    assert client.get(f"{N}/unsubscribe", params={"token": "x"}).status_code == 403


def test_a_broadcast_reaches_every_known_user_in_batches(
    client: Client, make_user: MakeUser
) -> None:
    users = [_user(client, make_user).known() for _ in range(3)]
    admin = _user(client, make_user, admin=True)
    sent = _send(admin, broadcast=True, title="Maintenance tonight", key="maint")
    assert sent.status_code == 202, sent.text
    container = _container(client)
    made = [
        client.blocking_portal.call(
            lambda: uc.dispatch_due(
                container.notification_uow(), container.clock(), container.ids(), batch=2
            )
        )
        for _ in range(3)
    ]
    # Two batches reach the three users (plus the admin, if the in-process consumer already
    # learned their address); nothing is sent twice.
    assert sum(made) >= 3
    assert made[-1] == 0
    for user in users:
        titles = [i["title"] for i in user.call("GET", "/history").json()["items"]]
        assert titles == ["Maintenance tonight"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/history"),
        ("POST", "/mark-read"),
        ("GET", "/preferences"),
        ("PUT", "/preferences"),
        ("GET", "/devices"),
        ("POST", "/devices"),
        ("DELETE", "/devices/00000000-0000-4000-8000-000000000001"),
    ],
)
def test_every_personal_route_needs_a_signed_in_user(
    client: Client, method: str, path: str
) -> None:
    assert client.request(method, f"{N}{path}", json={}).status_code == 401
