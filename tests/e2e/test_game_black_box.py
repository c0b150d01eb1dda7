"""The game as a player sees it, over HTTP, against a real ``questlog serve`` process.

The all-in-one on SQLite (stub broker, in-process worker, relay and notification dispatcher):
completing a quest shows up everywhere the player looks within a second; reopening takes back
exactly that award; twenty simultaneous completions of one quest award once; completing and
reopening ten times and then completing leaves exactly one award in force. The time from the
completion's answer to everything being visible is printed.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.e2e.test_black_box import bearer, create_quest, sign_up
from tests.support.events import wait_for
from tests.support.server import RunningServer

pytestmark = pytest.mark.e2e

GAME = "/api/v1/gamification"
CELEBRATIONS = {"achievement_unlocked", "level_up"}


def game(client: httpx.Client, headers: dict[str, str], path: str, **params: Any) -> Any:
    answer = client.get(f"{GAME}{path}", headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def awards_in_force(client: httpx.Client, headers: dict[str, str], quest_id: str) -> int:
    """The XP the ledger holds for ``quest_id``: awards minus their reversals."""
    entries = game(client, headers, "/ledger", limit=200)["items"]
    return sum(e["amount"] for e in entries if e["quest_id"] == quest_id)


def test_a_completion_shows_everywhere_within_a_second_and_reopening_takes_it_back(
    server: RunningServer,
) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        me = bearer(sign_up(client, "player-one@example.com"))
        quest = create_quest(client, me, "Write the report", difficulty="medium")
        done = client.post(f"/api/v1/quests/{quest}/complete", headers=me)
        assert done.status_code == 200, done.text
        answered = time.monotonic()

        def everywhere() -> bool:
            profile = client.get(f"{GAME}/profile", headers=me)
            if profile.status_code != 200 or profile.json()["total_xp"] <= 0:
                return False
            if profile.json()["streak"] < 1:
                return False
            achievements = game(client, me, "/achievements")
            if not any(a["unlocked"] or a["progress"] > 0 for a in achievements["items"]):
                return False
            board = game(client, me, "/leaderboard", period="weekly")
            if not any(row["me"] for row in board["rows"]):
                return False
            history = client.get("/api/v1/notifications/history", headers=me).json()
            return any(i["kind"] in CELEBRATIONS for i in history["items"])

        assert wait_for(everywhere, 1.0, poll=0.02), server.output()[-3000:]
        took = (time.monotonic() - answered) * 1000
        print(f"\ncompletion answered -> visible everywhere: {took:.0f} ms")

        earned = game(client, me, "/profile")["total_xp"]
        assert awards_in_force(client, me, quest) == earned
        reopened = client.post(f"/api/v1/quests/{quest}/reopen", headers=me)
        assert reopened.status_code == 200, reopened.text
        assert wait_for(lambda: game(client, me, "/profile")["total_xp"] == 0, 10.0)
        assert awards_in_force(client, me, quest) == 0


def test_twenty_simultaneous_completions_of_one_quest_award_once(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        me = bearer(sign_up(client, "player-two@example.com"))
        quest = create_quest(client, me, "Pay the rent", difficulty="easy")

        def complete(_: int) -> int:
            with httpx.Client(base_url=server.base_url, timeout=30.0) as own:
                return own.post(f"/api/v1/quests/{quest}/complete", headers=me).status_code

        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(complete, range(20)))
        assert statuses.count(200) == 1, statuses
        assert set(statuses) <= {200, 409}, statuses

        assert wait_for(lambda: game(client, me, "/profile")["total_xp"] > 0, 10.0)
        time.sleep(0.5)  # room for a second award, were one coming
        entries = [e for e in game(client, me, "/ledger")["items"] if e["quest_id"] == quest]
        assert len(entries) == 1, entries
        assert game(client, me, "/profile")["total_xp"] == entries[0]["amount"]


def test_ten_completions_and_reopenings_then_a_completion_leave_one_award(
    server: RunningServer,
) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        me = bearer(sign_up(client, "player-three@example.com"))
        quest = create_quest(client, me, "Clean the garage", difficulty="hard")
        for _ in range(10):
            assert client.post(f"/api/v1/quests/{quest}/complete", headers=me).status_code == 200
            assert client.post(f"/api/v1/quests/{quest}/reopen", headers=me).status_code == 200
        assert client.post(f"/api/v1/quests/{quest}/complete", headers=me).status_code == 200

        def settled() -> bool:
            entries = game(client, me, "/ledger", limit=200)["items"]
            mine = [e for e in entries if e["quest_id"] == quest]
            # every completion's award and every reopening's reversal has arrived
            return len(mine) == 21

        assert wait_for(settled, 20.0), game(client, me, "/ledger", limit=200)
        in_force = awards_in_force(client, me, quest)
        assert in_force > 0
        assert game(client, me, "/profile")["total_xp"] == in_force
        one_award = max(
            e["amount"]
            for e in game(client, me, "/ledger", limit=200)["items"]
            if e["quest_id"] == quest
        )
        assert in_force == one_award
