"""``questlog demo`` seeds a player whose game looks lived in, seen over HTTP."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from apps.cli.demo import DEMO_EMAIL, DEMO_PASSWORD, seed
from apps.container import build_container, close_container
from apps.gateway import create_app
from apps.settings import Settings

from .conftest import BASE_URL, cheap_hasher

G = "/api/v1/gamification"


async def seed_fast(settings: Settings) -> int:
    """The demo's seed with argon2 at test strength (five accounts sign up and in)."""
    container = build_container(settings)
    container.password_hasher.override(providers.Object(cheap_hasher()))
    try:
        return await seed(settings, DEMO_EMAIL, DEMO_PASSWORD, container)
    finally:
        await close_container(container)


def test_the_demo_player_has_xp_a_streak_achievements_and_rivals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'demo.db'}",
        migrate_on_start=False,
        storage_dir=str(tmp_path / "files"),
        email="outbox",
        email_outbox_dir=str(tmp_path / "outbox"),
        jwt_private_key_path=str(tmp_path / "keys" / "jwt-ed25519.pem"),
        public_url=BASE_URL,
        environment="test",
    )
    assert asyncio.run(seed_fast(settings)) == 0
    berlin_today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).date()

    with TestClient(app=create_app(settings), base_url=BASE_URL) as client:
        login = client.post(
            "/api/v1/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        def get(path: str, **params: str) -> dict:  # type: ignore[type-arg]
            response = client.get(f"{G}{path}", headers=headers, params=params)
            assert response.status_code == 200, response.text
            return response.json()  # type: ignore[no-any-return]

        profile = get("/profile")
        assert profile["display_name"] == "Demo Player"
        assert profile["timezone"] == "Europe/Berlin"
        assert profile["total_xp"] > 300
        assert profile["level"] >= 4
        assert "templates" in profile["unlocked_features"]
        # 9 days in a row, a quiet day covered by the freeze, then every day up to now
        # (today may not have its quest yet just after midnight in Berlin)
        assert profile["streak"] >= 12

        streak = get("/streaks")
        assert streak["frozen_days"] == [str(berlin_today - timedelta(days=4))]
        assert streak["longest"] >= 12

        achievements = {a["key"]: a for a in get("/achievements")["items"]}
        for key in ("first-quest", "ten-quests", "streak-3", "streak-7", "epic-1"):
            assert achievements[key]["unlocked"] is True, key
        assert achievements["hundred-quests"]["progress"] == 15

        ledger = get("/ledger", limit="100")
        kinds = {e["kind"] for e in ledger["items"]}
        assert {"award", "streak_bonus"} <= kinds
        assert sum(e["amount"] for e in ledger["items"]) == profile["total_xp"]

        board = get("/leaderboard", period="all-time")
        names = [r["display_name"] for r in board["rows"]]
        assert sorted(names) == ["Aiko", "Demo Player", "Jonas", "Mira", "Sam"]
        assert board["me"]["display_name"] == "Demo Player"
        assert all("@" not in name for name in names)

    assert asyncio.run(seed_fast(settings)) == 0
    assert "exists already; nothing changed" in capsys.readouterr().out
