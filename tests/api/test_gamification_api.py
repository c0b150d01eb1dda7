"""The gamification service over HTTP, on the in-memory database, SQLite and PostgreSQL.

XP is seeded the way the quest-event consumer does it: by calling the game's
``handle_quest_completed`` / ``handle_quest_reopened`` use cases with the container's own unit
of work, so these tests see exactly what a player would after their quests were completed.
The container's clock is a fixed one, moved between days; players sign in again after a move
(their access token's lifetime is measured on the same clock).
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from adapters.memory.clock import FixedClock
from apps.container import Container
from apps.settings import Settings
from questlog_core.events.quests import QuestCompleted, QuestReopened
from questlog_core.gamification.achievements import BUILTIN_ACHIEVEMENTS
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.services import gamification as game
from questlog_core.services.auth import AuthService
from tests.support.databases import empty_database

from .conftest import BASE_URL, PASSWORD, cheap_hasher

Client = TestClient[Litestar]
G = "/api/v1/gamification"
#: a Monday, 10:00 UTC (ISO week 2026-W10)
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
_emails = itertools.count(1)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """The API's settings on memory, a migrated SQLite file or an emptied PostgreSQL database
    (the API tests' database of this session, see ``api_postgres_database``)."""
    if request.param == "memory":
        url = "memory://"
    elif request.param == "sqlite":
        path = tmp_path / "questlog.db"
        shutil.copyfile(request.getfixturevalue("api_sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("api_postgres_database")
        empty_database(url)
    return Settings(
        database_url=url,
        migrate_on_start=False,
        storage="local",
        storage_dir=str(tmp_path / "files"),
        email="outbox",
        email_outbox_dir=str(tmp_path / "outbox"),
        jwt_private_key_path=str(tmp_path / "keys" / "jwt-ed25519.pem"),
        public_url=BASE_URL,
        environment="test",
        # the in-process worker's ticker runs on the system clock, not this test's fixed one
        streak_rollover_seconds=0,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY)


@pytest.fixture
def client(app: Litestar, clock: FixedClock) -> Iterator[Client]:
    """The all-in-one on the fixed clock (overrides the conftest ``client``)."""
    app.state.container.clock.override(providers.Object(clock))
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    with TestClient(app=app, base_url=BASE_URL) as test_client:
        yield test_client


@dataclass
class Player:
    """A signed-in account and what the test completed for it."""

    client: Client
    email: str
    id: UUID
    headers: dict[str, str]
    quests: list[QuestId] = field(default_factory=list)

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(f"{G}{path}", headers=self.headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.request(method, f"{G}{path}", headers=self.headers, **kwargs)

    def sign_in_again(self) -> None:
        """A fresh access token (after the clock moved past the old one's lifetime)."""
        self.headers = _login(self.client, self.email)


def _container(client: Client) -> Container:
    container: Container = client.app.state.container
    return container


def _login(client: Client, email: str) -> dict[str, str]:
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def new_player(client: Client, *, admin: bool = False) -> Player:
    email = f"gamer{next(_emails)}@example.com"
    registered = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": "Gamer"},
    )
    assert registered.status_code == 202, registered.text
    if admin:
        auth: AuthService = _container(client).auth_service()
        client.blocking_portal.call(auth.make_admin, email)
    headers = _login(client, email)
    me = client.get("/api/v1/auth/profile", headers=headers)
    assert me.status_code == 200, me.text
    player = Player(client=client, email=email, id=UUID(me.json()["id"]), headers=headers)
    if _on_sql(client):
        # The in-process worker delivers UserRegistered to the game; wait for it, so what the
        # test does next is not raced by it.
        deadline = time.monotonic() + 10
        while player.get("/profile")["display_name"] != "Gamer":
            assert time.monotonic() < deadline, "the game never learned the account's name"
            time.sleep(0.02)
    return player


def _on_sql(client: Client) -> bool:
    return not _container(client).settings().database_url.startswith("memory:")


def board_name(player: Player) -> str:
    """The name the boards show: the account's on SQL (the game follows identity events
    through the worker); the memory deployment runs no worker, so the game's default."""
    return "Gamer" if _on_sql(player.client) else f"Adventurer {str(player.id)[:8]}"


def complete(
    player: Player,
    *,
    difficulty: str = "medium",
    quest: QuestId | None = None,
    occurrence: int = 0,
) -> game.CompletionOutcome:
    """What the quest-event consumer does when ``player`` completes a quest now."""
    container = _container(player.client)
    now = container.clock().now()
    quest_id = quest or QuestId(uuid4())
    player.quests.append(quest_id)
    event = QuestCompleted(
        event_id=EventId(uuid4()),
        occurred_at=now,
        owner=UserId(player.id),
        quest_id=quest_id,
        occurrence=occurrence,
        difficulty=difficulty,
        priority=2,
        due=None,
        completed_at=now,
        created_at=now - timedelta(days=1),
        on_time=True,
        owner_timezone="UTC",
    )
    outcome: game.CompletionOutcome = player.client.blocking_portal.call(
        lambda: game.handle_quest_completed(
            event, container.game_uow(), container.clock(), container.ids()
        )
    )
    assert outcome.status == "awarded"
    return outcome


def reopen(player: Player, quest: QuestId, occurrence: int = 0) -> game.ReopenOutcome:
    container = _container(player.client)
    now = container.clock().now()
    event = QuestReopened(
        event_id=EventId(uuid4()),
        occurred_at=now,
        owner=UserId(player.id),
        quest_id=quest,
        occurrence=occurrence,
        reopened_at=now,
    )
    outcome: game.ReopenOutcome = player.client.blocking_portal.call(
        lambda: game.handle_quest_reopened(
            event, container.game_uow(), container.clock(), container.ids()
        )
    )
    return outcome


def roll_over_due(client: Client) -> int:
    """What the scheduler's streak job does at each player's day boundary."""
    container = _container(client)
    done: int = client.blocking_portal.call(
        lambda: game.roll_over_due_streaks(container.game_uow, container.clock(), container.ids())
    )
    return done


def move_to(clock: FixedClock, moment: datetime, *players: Player) -> None:
    clock.set(moment)
    for p in players:
        p.sign_in_again()


# -- profile, achievements, ledger -------------------------------------------------------------


def test_a_new_player_starts_at_level_one_with_nothing_earned(client: Client) -> None:
    me = new_player(client)
    profile = me.get("/profile")
    assert profile["user_id"] == str(me.id)
    assert (profile["total_xp"], profile["level"], profile["streak"]) == (0, 1, 0)
    assert (profile["xp_into_level"], profile["xp_to_next_level"]) == (0, 25)
    assert profile["unlocked_features"] == []
    assert profile["multipliers"] == []
    achievements = me.get("/achievements")
    assert achievements["unlocked"] == 0
    assert achievements["total"] == len(BUILTIN_ACHIEVEMENTS)
    assert all(a["progress"] == 0 and a["unlocked_at"] is None for a in achievements["items"])
    assert me.get("/ledger") == {
        "items": [],
        "total": 0,
        "offset": 0,
        "limit": 50,
        "next_offset": None,
    }
    board = me.get("/leaderboard")
    assert (board["rows"], board["me"], board["key"]) == ([], None, "2026-W10")
    assert me.get("/streaks")["current"] == 0


def test_a_completion_shows_in_profile_streak_achievements_ledger_and_board(
    client: Client,
) -> None:
    me = new_player(client)
    outcome = complete(me, difficulty="medium")
    assert outcome.award is not None

    profile = me.get("/profile")
    assert profile["total_xp"] == outcome.award.amount == 20  # medium base, nothing else
    assert (profile["level"], profile["xp_into_level"], profile["xp_to_next_level"]) == (1, 20, 5)
    assert (profile["streak"], profile["today_counted"]) == (1, True)
    # the next completion today: +2 % for a 1-day streak, +5 % combo for one done today
    assert profile["multipliers"] == [
        {"name": "streak", "factor": 1.02},
        {"name": "combo", "factor": 1.05},
    ]

    achievements = {a["key"]: a for a in me.get("/achievements")["items"]}
    assert achievements["first-quest"]["unlocked"] is True
    assert achievements["first-quest"]["unlocked_at"].startswith("2026-03-02T10:00")
    assert (achievements["ten-quests"]["progress"], achievements["ten-quests"]["target"]) == (1, 10)
    assert achievements["ten-quests"]["unlocked"] is False

    ledger = me.get("/ledger")
    assert ledger["total"] == 1
    [entry] = ledger["items"]
    assert (entry["kind"], entry["amount"], entry["reason"]) == ("award", 20, "medium quest")
    assert (entry["quest_id"], entry["counts_for"]) == (str(me.quests[0]), "2026-03-02")

    board = me.get("/leaderboard", period="weekly")
    mine = {"rank": 1, "user_id": str(me.id), "display_name": board_name(me)}
    assert board["rows"] == [{**mine, "xp": 20, "me": True}]
    assert board["me"] == {**mine, "xp": 20, "me": True}
    for period, key in (("monthly", "2026-03"), ("all-time", "all")):
        other = me.get("/leaderboard", period=period)
        assert (other["key"], other["me"]["xp"]) == (key, 20)


def test_reopening_a_quest_takes_exactly_its_award_back(client: Client, clock: FixedClock) -> None:
    me = new_player(client)
    complete(me, difficulty="easy")
    hard = complete(me, difficulty="hard")
    assert hard.award is not None
    before = me.get("/profile")["total_xp"]

    clock.advance(timedelta(minutes=5))
    reopened = reopen(me, me.quests[1])
    assert reopened.status == "reversed"
    assert me.get("/profile")["total_xp"] == before - hard.award.amount
    newest = me.get("/ledger")["items"][0]
    assert newest["kind"] == "reversal"
    assert newest["amount"] == -hard.award.amount
    assert newest["reverses"] == str(hard.award.entry_id)
    assert newest["quest_id"] == str(me.quests[1])
    assert me.get("/leaderboard", period="all-time")["me"]["xp"] == before - hard.award.amount
    # reopening again reverses nothing more
    assert reopen(me, me.quests[1]).status == "nothing_to_reverse"
    assert me.get("/profile")["total_xp"] == before - hard.award.amount


def test_the_ledger_pages_newest_first(client: Client, clock: FixedClock) -> None:
    me = new_player(client)
    for minute in range(5):
        clock.set(MONDAY + timedelta(minutes=minute))
        complete(me, difficulty="trivial")
    first = me.get("/ledger", limit=2)
    assert (first["total"], first["next_offset"], len(first["items"])) == (5, 2, 2)
    assert [e["quest_id"] for e in first["items"]] == [str(q) for q in me.quests[:2:-1]][:2]
    last = me.get("/ledger", limit=2, offset=4)
    assert [e["quest_id"] for e in last["items"]] == [str(me.quests[0])]
    assert last["next_offset"] is None
    # out-of-range paging is clamped, like the quest listing's
    assert [len(me.get("/ledger", limit=n)["items"]) for n in (0, 101)] == [1, 5]
    assert me.get("/ledger", limit=101)["limit"] == 100
    assert me.get("/ledger", offset=-1, limit=1)["items"] == first["items"][:1]


# -- leaderboard and settings ------------------------------------------------------------------


def test_the_leaderboard_ranks_players_and_never_shows_one_who_opted_out(
    client: Client, clock: FixedClock
) -> None:
    ana, bo, cy = (new_player(client) for _ in range(3))
    complete(ana, difficulty="epic")  # 80
    clock.advance(timedelta(minutes=1))
    complete(bo, difficulty="hard")  # 40
    complete(cy, difficulty="medium")  # 20
    for p, name in ((ana, "Ana"), (bo, "Bo"), (cy, "Cy")):
        response = p.call("PUT", "/settings/display-name", json={"display_name": name})
        assert response.status_code == 200, response.text
        assert response.json()["display_name"] == name
    rows = ana.get("/leaderboard")["rows"]
    assert [(r["rank"], r["display_name"], r["xp"], r["me"]) for r in rows] == [
        (1, "Ana", 80, True),
        (2, "Bo", 40, False),
        (3, "Cy", 20, False),
    ]
    assert all("email" not in r for r in rows)

    left = bo.call("PUT", "/settings/leaderboard", json={"visibility": "hidden"})
    assert left.status_code == 200
    assert left.json()["leaderboard_opt_out"] is True
    assert left.json()["total_xp"] == 40  # XP is kept
    for period in ("weekly", "monthly", "all-time"):
        names = [r["display_name"] for r in cy.get("/leaderboard", period=period)["rows"]]
        assert names == ["Ana", "Cy"], period
        assert bo.get("/leaderboard", period=period)["me"] is None
    assert cy.get("/leaderboard")["me"]["rank"] == 2

    back = bo.call("PUT", "/settings/leaderboard", json={"visibility": "shown"})
    assert back.status_code == 200
    assert [r["display_name"] for r in cy.get("/leaderboard")["rows"]] == ["Ana", "Bo", "Cy"]


def test_a_page_around_me_centres_on_my_row(client: Client) -> None:
    players = [new_player(client) for _ in range(5)]
    for p, difficulty in zip(players, ("epic", "hard", "medium", "easy", "trivial"), strict=True):
        complete(p, difficulty=difficulty)
    fourth = players[3]
    page = fourth.get("/leaderboard", around_me="true", limit=3)
    assert page["offset"] == 2
    assert [(r["rank"], r["me"]) for r in page["rows"]] == [(3, False), (4, True), (5, False)]
    assert page["me"]["rank"] == 4
    top = fourth.get("/leaderboard", limit=2)
    assert [r["rank"] for r in top["rows"]] == [1, 2]
    later = fourth.get("/leaderboard", limit=2, offset=4)
    assert [r["user_id"] for r in later["rows"]] == [str(players[4].id)]
    assert fourth.get("/leaderboard", key="2026-W09")["rows"] == []  # an earlier week
    assert fourth.call("GET", "/leaderboard", params={"period": "daily"}).status_code == 400
    assert len(fourth.get("/leaderboard", limit=500)["rows"]) == 5  # clamped to 100
    nowhere = fourth.get("/leaderboard", period="monthly", key="2026-W10")  # not a month
    assert (nowhere["rows"], nowhere["me"]) == ([], None)


def test_settings_are_validated_and_show_in_the_profile(client: Client) -> None:
    me = new_player(client)
    changed = me.call(
        "PUT", "/settings/time-zone", json={"timezone": "Europe/Berlin", "day_start_hour": 4}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["timezone"], changed.json()["day_start_hour"]) == ("Europe/Berlin", 4)
    assert me.get("/profile")["timezone"] == "Europe/Berlin"
    assert me.get("/streaks")["day_start_hour"] == 4
    refused = [
        ("/settings/time-zone", {"timezone": "Mars/Olympus_Mons"}, 422),
        ("/settings/time-zone", {"timezone": "UTC", "day_start_hour": 24}, 422),
        ("/settings/time-zone", {"timezone": "UTC", "admin": True}, 400),
        ("/settings/display-name", {"display_name": "me@example.com"}, 422),
        ("/settings/display-name", {"display_name": "   "}, 422),
        ("/settings/leaderboard", {"visibility": "sometimes"}, 400),
        ("/settings/leaderboard", {"visibility": 0}, 400),
        ("/settings/display-name", {"display_name": "Bell\u0007"}, 422),
    ]
    for path, body, status in refused:
        response = me.call("PUT", path, json=body)
        assert response.status_code == status, (path, body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert me.get("/profile")["timezone"] == "Europe/Berlin"  # nothing half-written


# -- streaks -----------------------------------------------------------------------------------


def test_a_completion_after_midnight_can_be_checked_in_for_yesterday(
    client: Client, clock: FixedClock
) -> None:
    me = new_player(client)
    complete(me)  # Monday
    move_to(clock, MONDAY + timedelta(days=1, hours=15), me)  # Wednesday 01:00: Tuesday empty
    late = complete(me)
    assert late.award is not None
    before = me.get("/streaks")
    assert (before["today"], before["yesterday"]) == ("2026-03-04", "2026-03-03")
    assert (before["today_counted"], before["yesterday_counted"]) == (True, False)
    assert before["yesterday_open"] is True
    assert before["check_in_closes_at"].startswith("2026-03-04T12:00")

    checked = me.call("POST", "/streaks", json={"quest_id": str(me.quests[-1])})
    assert checked.status_code == 200, checked.text
    streak = checked.json()
    assert (streak["yesterday_counted"], streak["today_counted"]) == (True, False)
    assert streak["current"] == 2  # Monday (final) and Tuesday (checked in)
    assert me.get("/profile")["streak"] == 2

    unknown = me.call("POST", "/streaks", json={"quest_id": str(uuid4())})
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "quest_id"
    move_to(clock, MONDAY + timedelta(days=2, hours=3), me)  # Wednesday 13:00: grace is over
    complete(me)
    closed = me.call("POST", "/streaks", json={"quest_id": str(me.quests[-1])})
    assert closed.status_code == 409, closed.text
    assert me.call("POST", "/streaks", json={"occurrence": 0}).status_code == 400


def test_a_missed_day_spends_a_freeze_earned_by_a_week(client: Client, clock: FixedClock) -> None:
    me = new_player(client)
    for day in range(7):
        move_to(clock, MONDAY + timedelta(days=day), me)
        complete(me)
    move_to(clock, MONDAY + timedelta(days=7, hours=3), me)  # the 7 days are final
    week = me.get("/streaks")
    assert (week["current"], week["freezes"], week["frozen_days"]) == (7, 1, [])
    assert (week["next_milestone"], week["next_milestone_bonus"]) == (14, 50)
    # a quiet Monday, then Tuesday afternoon: Monday was covered by the freeze
    move_to(clock, MONDAY + timedelta(days=8, hours=3), me)
    frozen = me.get("/streaks")
    assert (frozen["current"], frozen["freezes"]) == (7, 0)
    assert frozen["frozen_days"] == ["2026-03-09"]
    # reads only compute the rollover; the scheduled job stores it (bonuses, unlocks)
    assert roll_over_due(client) == 1
    assert me.get("/streaks") == frozen
    achievements = {a["key"]: a for a in me.get("/achievements")["items"]}
    assert achievements["streak-7"]["unlocked"] is True
    bonuses = [e for e in me.get("/ledger")["items"] if e["kind"] == "streak_bonus"]
    assert sorted(e["amount"] for e in bonuses) == [10, 25]  # the 3- and 7-day milestones


# -- who may see and do what --------------------------------------------------------------------


def test_another_players_game_is_never_visible(client: Client) -> None:
    ana, bo = new_player(client), new_player(client)
    complete(ana, difficulty="epic")
    # whatever Bo asks for, he gets his own game (no parameter names another player)
    assert bo.get("/profile", user_id=str(ana.id))["total_xp"] == 0
    assert bo.get("/profile")["user_id"] == str(bo.id)
    assert bo.get("/ledger", user_id=str(ana.id))["items"] == []
    assert bo.get("/achievements")["unlocked"] == 0
    assert bo.get("/streaks")["current"] == 0
    assert bo.get("/leaderboard")["me"] is None
    # Ana's completion cannot be checked in by Bo
    stolen = bo.call("POST", "/streaks", json={"quest_id": str(ana.quests[0])})
    assert stolen.status_code == 422  # exactly as for a quest that does not exist
    assert ana.get("/profile")["total_xp"] == 80


def test_a_player_cannot_award_xp_and_an_admin_can(client: Client) -> None:
    player, admin = new_player(client), new_player(client, admin=True)
    grant = {"user_id": str(player.id), "amount": 1000, "reason": "beta tester thank-you"}
    themself = player.call("POST", "/award", json={**grant})
    assert themself.status_code == 403
    assert themself.json()["permission"] == "gamification:award"
    assert client.post(f"{G}/award", json=grant).status_code == 401
    assert player.get("/profile")["total_xp"] == 0

    granted = admin.call("POST", "/award", json={**grant, "reference": "beta-2026"})
    assert granted.status_code == 201, granted.text
    body = granted.json()
    assert (body["created"], body["total_xp"], body["level"]) == (True, 1000, 8)
    assert (body["entry"]["kind"], body["entry"]["reason"]) == (
        "adjustment",
        "beta tester thank-you",
    )
    profile = player.get("/profile")
    assert (profile["total_xp"], profile["level"]) == (1000, 8)
    assert profile["unlocked_features"] == [
        "categories",
        "templates",
        "weekly_insights",
        "custom_streak_rules",
    ]
    achievements = {a["key"]: a for a in player.get("/achievements")["items"]}
    assert achievements["level-5"]["unlocked"] is True
    assert player.get("/ledger")["items"][0]["entry_id"] == body["entry"]["entry_id"]
    assert player.get("/leaderboard")["me"]["xp"] == 1000

    again = admin.call("POST", "/award", json={**grant, "reference": "beta-2026"})
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["entry"]["entry_id"] == body["entry"]["entry_id"]
    assert player.get("/profile")["total_xp"] == 1000

    refused = [
        ({**grant, "amount": 0}, 422),
        ({**grant, "amount": -5000}, 422),  # below 0 XP
        ({**grant, "reason": ""}, 422),
        ({**grant, "user_id": "not-a-uuid"}, 400),
        ({**grant, "role": "admin"}, 400),
    ]
    for bad, status in refused:
        response = admin.call("POST", "/award", json=bad)
        assert response.status_code == status, (bad, response.text)
    assert player.get("/profile")["total_xp"] == 1000
    taken = admin.call("POST", "/award", json={**grant, "amount": -100, "reason": "correction"})
    assert taken.status_code == 201
    assert player.get("/profile")["total_xp"] == 900
