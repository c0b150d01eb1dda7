"""The leaderboard endpoint with ``QUESTLOG_LEADERBOARD=redis`` (SQLite + a real Redis)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from adapters.leaderboards import BoardProjection
from adapters.memory.clock import FixedClock
from adapters.redis.client import KeySpace
from apps.gateway import create_app
from apps.settings import Settings, SettingsError
from questlog_core.gamification.leaderboards import Board
from tests.contract.redis_fixtures import redis_keys  # noqa: F401

from .conftest import BASE_URL, cheap_hasher
from .test_gamification_api import MONDAY, complete, new_player

pytestmark = pytest.mark.redis


@pytest.fixture
def client(
    tmp_path: Path,
    api_sqlite_template: Path,
    redis_url: str,
    redis_keys: KeySpace,  # noqa: F811
) -> Iterator[TestClient[Litestar]]:
    database = tmp_path / "questlog.db"
    shutil.copyfile(api_sqlite_template, database)
    settings = Settings(
        database_url=f"sqlite:///{database}",
        migrate_on_start=False,
        leaderboard="redis",
        redis_url=redis_url,
        redis_key_prefix=redis_keys.prefix,
        email="outbox",
        email_outbox_dir=str(tmp_path / "outbox"),
        jwt_private_key_path=str(tmp_path / "keys" / "jwt-ed25519.pem"),
        public_url=BASE_URL,
        environment="test",
    )
    app = create_app(settings)
    app.state.container.clock.override(providers.Object(FixedClock(MONDAY)))
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    with TestClient(app=app, base_url=BASE_URL) as test_client:
        yield test_client


def test_the_board_comes_from_redis_and_never_shows_an_opted_out_player(
    client: TestClient[Litestar],
) -> None:
    projection = client.app.state.container.board_projection()
    assert isinstance(projection, BoardProjection)
    ana, bo = new_player(client), new_player(client)
    complete(ana, difficulty="epic")
    complete(bo, difficulty="hard")
    page = ana.get("/leaderboard", period="all-time")
    assert [(r["user_id"], r["xp"]) for r in page["rows"]] == [(str(ana.id), 80), (str(bo.id), 40)]
    redis_rows = client.blocking_portal.call(projection.redis.top, Board.ALL_TIME, "all")
    assert [(str(r.user), r.xp) for r in redis_rows] == [(str(ana.id), 80), (str(bo.id), 40)]

    assert (
        ana.call("PUT", "/settings/leaderboard", json={"visibility": "hidden"}).status_code == 200
    )
    for period in ("weekly", "monthly", "all-time"):
        assert [r["user_id"] for r in bo.get("/leaderboard", period=period)["rows"]] == [str(bo.id)]
    assert ana.get("/leaderboard")["me"] is None
    assert ana.call("PUT", "/settings/leaderboard", json={"visibility": "shown"}).status_code == 200
    assert bo.get("/leaderboard", period="all-time")["rows"][0]["xp"] == 80


def test_a_redis_board_needs_a_sql_database() -> None:
    with pytest.raises(SettingsError, match="QUESTLOG_LEADERBOARD"):
        Settings(database_url="memory://", leaderboard="redis")
