"""Completing a quest reaches the player as a notification, over HTTP, in a real process.

``questlog serve`` (the all-in-one: SQLite, stub broker, in-process worker, relay and
notification dispatcher): a player completes their first quest; the game awards XP and
unlocks an achievement; the notification consumer turns that into an in-app notification
(``/history``) and an email (the ``outbox`` email folder), whose unsubscribe link works
without signing in. The time from the completion's answer to the notification showing in
``/history`` is measured and printed (a test asserts behaviour, not a time).
"""

from __future__ import annotations

import time
from email import policy
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.test_black_box import bearer, create_quest, sign_up
from tests.support.events import wait_for
from tests.support.server import RunningServer

pytestmark = pytest.mark.e2e

CELEBRATIONS = {"achievement_unlocked", "level_up"}


def test_a_completed_quest_shows_up_in_the_history_and_the_inbox(server: RunningServer) -> None:
    mail = Path(server.log).parent / "mail"
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        headers = bearer(sign_up(client, "notified@example.com"))
        other = bearer(sign_up(client, "bystander@example.com"))
        quest_id = create_quest(client, headers, "Water the plants", difficulty="easy")
        done = client.post(f"/api/v1/quests/{quest_id}/complete", headers=headers)
        assert done.status_code == 200, done.text
        answered = time.monotonic()

        def celebrated() -> list[dict[str, object]]:
            page = client.get("/api/v1/notifications/history", headers=headers)
            assert page.status_code == 200, page.text
            return [i for i in page.json()["items"] if i["kind"] in CELEBRATIONS]

        assert wait_for(lambda: bool(celebrated()), 30.0, poll=0.02), server.output()[-3000:]
        latency = time.monotonic() - answered
        print(f"\ncompletion answered -> notification in /history: {latency * 1000:.0f} ms")
        items = celebrated()
        assert any(i["kind"] == "achievement_unlocked" for i in items)
        # Nobody else sees it.
        others = client.get("/api/v1/notifications/history", headers=other).json()
        assert [i for i in others["items"] if i["kind"] in CELEBRATIONS] == []

        # The achievement's email arrives, with a working one-click unsubscribe link.
        def emails() -> list[Path]:
            return sorted(mail.glob("*.eml")) if mail.exists() else []

        def achievement_email() -> object:
            for path in emails():
                message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
                if "Achievement unlocked" in str(message["Subject"]):
                    return message
            return None

        assert wait_for(lambda: achievement_email() is not None, 30.0), server.output()[-3000:]
        message = achievement_email()
        assert message is not None
        assert str(message["To"]) == "notified@example.com"  # type: ignore[index]
        text = message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
        html = message.get_body(("html",)).get_content()  # type: ignore[attr-defined]
        assert "unsubscribe?token=" in text
        assert "<h1>" in html
        link = next(w for w in text.split() if "unsubscribe?token=" in w)
        path = urlsplit(link)
        target = f"{path.path}?{path.query}"
        assert client.get(target).status_code == 200
        assert client.post(target).json()["kind"] == "achievement_unlocked"
        prefs = client.get("/api/v1/notifications/preferences", headers=headers).json()
        assert prefs["channels"]["achievement_unlocked"] == ["in_app"]

        # The delivery is recorded as sent on the notification.
        sent = next(i for i in celebrated() if i["kind"] == "achievement_unlocked")
        assert wait_for(
            lambda: any(
                d["state"] == "sent"
                for i in celebrated()
                if i["id"] == sent["id"]
                for d in i["deliveries"]
            ),
            10.0,
        )
