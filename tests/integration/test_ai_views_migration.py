"""Migration 0026 on a database that already has AI read-model rows (SQLite and PostgreSQL).

The rows a running service kept before the upgrade take every part's time from their
``updated_at`` (the newest event they had taken). What a user would notice afterwards: the
AI ranking shows a newer edit, ignores a late older one, and a quest deleted after the
upgrade never comes back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import text

from adapters.sql.ai import SqlAiUnitOfWork
from adapters.sql.engine import make_engine
from adapters.sql.migrations import upgrade_async
from adapters.sql.scratch import scratch_database
from questlog_core.ai.projection import project_quest_event
from questlog_core.ai.ranking import Prioritize, prioritize
from questlog_core.events.quests import QuestCreated, QuestDeleted, QuestFacts, QuestUpdated
from questlog_core.ids import EventId, QuestId, UserId

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
ALICE = UserId(UUID(int=1))
KEPT = QuestId(UUID(int=10))
GONE = QuestId(UUID(int=11))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ai.db'}"
        return
    with scratch_database(request.getfixturevalue("postgres_url"), "ai_migration") as url:
        yield url


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def updated(quest_id: QuestId, title: str, *, minute: int) -> QuestUpdated:
    return QuestUpdated(
        event_id=EventId(UUID(int=1000 + minute)), occurred_at=at(minute), owner=ALICE,
        quest_id=quest_id, changes=("title",),
        after=QuestFacts(title=title, difficulty="easy", priority=1),
    )  # fmt: skip


async def test_rows_kept_before_the_upgrade_follow_the_order_rule_after_it(
    database_url: str,
) -> None:
    await upgrade_async(database_url, "0025")
    engine = make_engine(database_url)
    table = "ai_quest_views" if database_url.startswith("sqlite") else "ai.ai_quest_views"
    try:
        async with engine.begin() as connection:
            for quest_id, title in ((KEPT, "Plan the move"), (GONE, "Old errand")):
                await connection.execute(
                    text(
                        f"INSERT INTO {table} (owner, quest_id, title, difficulty, priority,"
                        " tags, status, progress, created_at, updated_at, depends_on)"
                        " VALUES (:owner, :quest, :title, 'easy', 1, '[]', 'todo', 0,"
                        " :created, :updated, '[]')"
                    ),
                    {
                        "owner": ALICE if database_url.startswith("post") else ALICE.hex,
                        "quest": quest_id if database_url.startswith("post") else quest_id.hex,
                        "title": title,
                        "created": T0,
                        "updated": at(10),
                    },
                )
        await upgrade_async(database_url)

        late = updated(KEPT, "A stale title", minute=5)  # older than the row's last change
        newer = updated(KEPT, "Plan the move to Leipzig", minute=20)
        gone = QuestDeleted(
            event_id=EventId(UUID(int=2000)), occurred_at=at(30), owner=ALICE, quest_id=GONE,
            status="todo",
        )  # fmt: skip
        recreated = QuestCreated(
            event_id=EventId(UUID(int=2001)), occurred_at=at(1), owner=ALICE, quest_id=GONE,
            title="Old errand", difficulty="easy", priority=1,
        )  # fmt: skip

        async def titles() -> list[str]:
            ranking = await prioritize(
                Prioritize(owner=ALICE, now=at(24 * 60)),
                SqlAiUnitOfWork(engine),
                None,  # type: ignore[arg-type]  # no model rerank
            )
            return sorted(item.title for item in ranking.items)

        await project_quest_event(late, SqlAiUnitOfWork(engine))
        assert await titles() == ["Old errand", "Plan the move"]

        for event in (newer, gone, recreated):
            await project_quest_event(event, SqlAiUnitOfWork(engine))
        assert await titles() == ["Plan the move to Leipzig"]
    finally:
        await engine.dispose()
