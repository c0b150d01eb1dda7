"""Over HTTP on the all-in-one (in-process worker and relay): the game learns the player's
name and zone from the account. A player who registered as "Bo" in Europe/Berlin is "Bo" on
the boards and their XP counts for Berlin's day; renaming the account renames the row."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from .conftest import PASSWORD

Client = TestClient[Litestar]
BERLIN = ZoneInfo("Europe/Berlin")
G = "/api/v1/gamification"
ON_SQL = pytest.mark.parametrize(
    "settings", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def wait_for(check: Callable[[], Any], seconds: float = 10.0) -> Any:
    """Poll ``check`` until it answers something truthy (the worker runs in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def sign_up(client: Client, email: str, name: str, tz: str) -> dict[str, str]:
    body = {"email": email, "password": PASSWORD, "display_name": name, "timezone": tz}
    assert client.post("/api/v1/auth/register", json=body).status_code == 202
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def complete_a_quest(client: Client, headers: dict[str, str]) -> None:
    created = client.post("/api/v1/quests", json={"title": "Water the plants"}, headers=headers)
    assert created.status_code == 201, created.text
    done = client.post(f"/api/v1/quests/{created.json()['id']}/complete", headers=headers)
    assert done.status_code == 200, done.text


@ON_SQL
def test_a_player_registered_as_bo_in_berlin_is_bo_on_the_board(client: Client) -> None:
    bo = sign_up(client, "bo@example.com", "Bo", "Europe/Berlin")
    berlin_day_before = datetime.now(BERLIN).date().isoformat()
    complete_a_quest(client, bo)
    berlin_day_after = datetime.now(BERLIN).date().isoformat()

    def profile() -> Any:
        answer = client.get(f"{G}/profile", headers=bo).json()
        return answer if answer["total_xp"] > 0 and answer["display_name"] == "Bo" else None

    seen = wait_for(profile)
    assert seen, client.get(f"{G}/profile", headers=bo).text
    assert seen["timezone"] == "Europe/Berlin"
    [award] = client.get(f"{G}/ledger", headers=bo).json()["items"]
    assert award["counts_for"] in {berlin_day_before, berlin_day_after}  # Berlin's day
    board = client.get(f"{G}/leaderboard", params={"period": "all-time"}, headers=bo).json()
    assert [r["display_name"] for r in board["rows"]] == ["Bo"]
    assert "bo@example.com" not in str(board)


@ON_SQL
def test_renaming_the_account_renames_the_row_and_moves_the_day(client: Client) -> None:
    bo = sign_up(client, "bo2@example.com", "Bo", "Europe/Berlin")
    complete_a_quest(client, bo)
    assert wait_for(lambda: client.get(f"{G}/profile", headers=bo).json()["total_xp"] > 0)

    changed = client.put(
        "/api/v1/auth/profile",
        json={"display_name": "Bodil", "timezone": "America/New_York", "day_start_hour": 4},
        headers=bo,
    )
    assert changed.status_code == 200, changed.text

    def renamed() -> Any:
        answer = client.get(f"{G}/profile", headers=bo).json()
        return answer if answer["display_name"] == "Bodil" else None

    seen = wait_for(renamed)
    assert seen, client.get(f"{G}/profile", headers=bo).text
    assert (seen["timezone"], seen["day_start_hour"]) == ("America/New_York", 4)
    board = client.get(f"{G}/leaderboard", params={"period": "all-time"}, headers=bo).json()
    assert [r["display_name"] for r in board["rows"]] == ["Bodil"]
