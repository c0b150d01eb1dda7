"""The web client's notifications inbox and preferences pages over the real notification
service: what a person sees (the real history fields, the unread count in the navigation),
mark-read and preferences as plain CSRF-protected forms, and nobody reaching another's."""

from __future__ import annotations

import re
from uuid import uuid4

from litestar import Litestar
from litestar.testing import TestClient

from .conftest import MakeUser
from .test_notification_api import User, _user
from .test_web_pages import csrf, sign_up

Client = TestClient[Litestar]


def _web_user(client: Client, email: str) -> User:
    sign_up(client, email)
    token = client.cookies["ql_access"]
    return User(client, {"Authorization": f"Bearer {token}"})


def _notify(admin: User, to: User, title: str, body: str = "") -> str:
    sent = admin.call(
        "POST",
        "/send",
        json={"kind": "achievement_unlocked", "title": title, "body": body, "user_id": str(to.id)},
    )
    assert sent.status_code == 201, sent.text
    notification_id = sent.json()["notification_id"]
    assert isinstance(notification_id, str)
    return notification_id


def _unread(html: str) -> str | None:
    found = re.search(r'data-testid="unread-count">(\d+)<', html)
    return found.group(1) if found else None


def test_the_inbox_shows_notifications_and_marks_them_read(
    client: Client, make_user: MakeUser
) -> None:
    admin = _user(client, make_user, admin=True)
    player = _web_user(client, f"w{uuid4().hex[:8]}@example.com")
    first = _notify(admin, player, "Unlocked: First Steps", "Complete your first quest")
    _notify(admin, player, "Unlocked: Early Bird")

    page = client.get("/notifications")
    assert page.status_code == 200
    assert "Unlocked: First Steps" in page.text
    assert "Complete your first quest" in page.text
    assert "achievement unlocked" in page.text
    assert _unread(page.text) == "2", "the navigation counts the unread ones"

    token = csrf(client, "/notifications")
    one = client.post(
        "/notifications/read", data={"_csrf_token": token, "id": first}, follow_redirects=False
    )
    assert one.status_code == 303
    assert one.headers["location"] == "/notifications"
    history = player.call("GET", "/history").json()
    assert history["unread"] == 1
    assert [n["read"] for n in history["items"] if n["id"] == first] == [True]
    assert _unread(client.get("/").text) == "1"

    forged = client.post("/notifications/read", data={"all": "1"}, follow_redirects=False)
    assert forged.status_code == 403, "a form without the CSRF token changes nothing"
    assert player.call("GET", "/history").json()["unread"] == 1

    every = client.post("/notifications/read", data={"_csrf_token": token, "all": "1"})
    assert every.status_code == 200
    assert player.call("GET", "/history").json()["unread"] == 0
    assert _unread(every.text) is None
    assert "Mark all" not in every.text


def test_one_player_cannot_mark_anothers_notification_read(
    client: Client, make_user: MakeUser
) -> None:
    admin = _user(client, make_user, admin=True)
    victim = _user(client, make_user)
    theirs = _notify(admin, victim, "Private news")
    _web_user(client, f"m{uuid4().hex[:8]}@example.com")
    token = csrf(client, "/notifications")
    answer = client.post("/notifications/read", data={"_csrf_token": token, "id": theirs})
    assert answer.status_code == 200
    assert "Private news" not in answer.text
    assert victim.call("GET", "/history").json()["unread"] == 1, "nothing of theirs changed"


def test_preferences_are_saved_through_the_api(client: Client) -> None:
    player = _web_user(client, f"p{uuid4().hex[:8]}@example.com")
    page = client.get("/notifications/preferences")
    assert page.status_code == 200
    assert 'id="level_up.email"' in page.text
    token = csrf(client, "/notifications/preferences")
    saved = client.post(
        "/notifications/preferences",
        data={
            "_csrf_token": token,
            "level_up.in_app": "on",
            "level_up.push": "on",
            "reminder.email": "on",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "opted_out": "on",
        },
    )
    assert saved.status_code == 200
    assert "Saved." in saved.text
    prefs = player.call("GET", "/preferences").json()
    assert sorted(prefs["channels"]["level_up"]) == ["in_app", "push"]
    assert prefs["channels"]["reminder"] == ["email"]
    assert prefs["channels"]["achievement_unlocked"] == []
    assert prefs["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert prefs["opted_out"] is True
    assert 'id="opted_out" name="opted_out" checked' in saved.text

    bad = client.post(
        "/notifications/preferences",
        data={"_csrf_token": token, "quiet_start": "22:00"},
    )
    assert bad.status_code == 200
    assert 'role="alert"' in bad.text, "half a quiet-hours range is refused, with the reason"
    assert player.call("GET", "/preferences").json()["opted_out"] is True, "nothing changed"
