"""The edge during an outage, in process: which requests may use the revocation grace, and what a
database outage looks like to a signed-in user (the same over real processes is
``tests/e2e/test_outages.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import exc as sa_exc

from adapters.memory.sessions import MemoryTokenDenylist
from questlog_core.errors import ServiceUnavailable

from .conftest import MakeUser


class FeedDownExceptForReads(MemoryTokenDenylist):
    """A feed whose store is down: only checks marked ``reading`` get an answer (as within the
    grace of the Redis feed); it records how each check was marked."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.marks: list[bool] = []

    async def is_revoked(
        self,
        jti: str,
        subject: str,
        issued_at: datetime,
        session_id: str | None = None,
        *,
        reading: bool = False,
    ) -> bool:
        self.marks.append(reading)
        if self.down and not reading:
            raise ServiceUnavailable("feed down", dependency="cache")
        return await super().is_revoked(jti, subject, issued_at, session_id)

    async def revoke_session(self, session_id: str, until: datetime) -> None:
        if self.down:
            raise ServiceUnavailable("feed down", dependency="cache")
        await super().revoke_session(session_id, until)


def test_only_safe_methods_are_checked_as_reads(
    app: Litestar, client: TestClient[Litestar], make_user: MakeUser
) -> None:
    feed = FeedDownExceptForReads()
    app.state.container.token_denylist.override(providers.Object(feed))
    app.state.container.auth_service.reset()
    headers = make_user(client)
    created = client.post("/api/v1/quests", json={"title": "Water plants"}, headers=headers)
    assert created.status_code == 201
    feed.marks.clear()
    feed.down = True

    assert client.get(f"/api/v1/quests/{created.json()['id']}", headers=headers).status_code == 200
    assert client.get("/api/v1/quests", headers=headers).status_code == 200
    assert feed.marks
    assert all(feed.marks)  # every check of a GET was marked as a read
    feed.marks.clear()

    for response in (
        client.post("/api/v1/quests", json={"title": "No"}, headers=headers),
        client.post("/api/v1/auth/logout", headers=headers),
    ):
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["dependency"] == "cache"
    assert feed.marks
    assert not any(feed.marks)


def test_a_database_outage_is_a_503_problem_for_a_signed_in_user(
    app: Litestar, client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client)

    class DatabaseDown:
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            raise sa_exc.OperationalError("SELECT", {}, psycopg.OperationalError("refused"))

    app.state.container.quest_reader_uow.override(providers.Callable(DatabaseDown()))
    response = client.get("/api/v1/quests", headers=headers)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["dependency"] == "database"
    assert client.get("/health").status_code == 200
