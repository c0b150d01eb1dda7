"""The planner has statistics when users wait: after migrations and after bulk loads.

On PostgreSQL the first page of a user's quests must be read down the ``(owner, created_at,
id)`` index, not by sorting every one of their quests; without statistics (a fresh table, a
fresh bulk load) the planner guessed a sort of all rows. Checked with ``EXPLAIN``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import make_engine
from adapters.sql.migrations import upgrade
from adapters.sql.quests import SqlQuestUnitOfWork
from adapters.sql.scratch import create_database, drop_database
from adapters.sql.statistics import ANALYZE_AFTER_ROWS, note_inserted
from apps.services import schemas
from questlog_core.ids import UserId
from tests.contract.quest_builders import T0, new_quest, new_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def fresh_database(postgres_url: str) -> Iterator[str]:
    url = create_database(postgres_url, "statistics")
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(url)


FIRST_PAGE = (
    "EXPLAIN SELECT * FROM quest.quests WHERE owner = :owner "
    "AND status IN ('todo', 'active', 'done', 'abandoned') ORDER BY created_at, id LIMIT 51"
)


async def plan(engine: AsyncEngine, owner: UserId) -> str:
    async with engine.connect() as connection:
        rows = await connection.execute(text(FIRST_PAGE), {"owner": owner})
        return "\n".join(r[0] for r in rows)


async def load(engine: AsyncEngine, owner: UserId, count: int, per_commit: int = 100) -> None:
    for start in range(0, count, per_commit):
        async with SqlQuestUnitOfWork(engine) as uow:
            for n in range(start, min(count, start + per_commit)):
                await uow.quests.add(new_quest(owner, f"Quest {n}", at=T0 + timedelta(seconds=n)))
            await uow.commit()


async def last_analyze(engine: AsyncEngine) -> object:
    async with engine.connect() as connection:
        return (
            await connection.execute(
                text(
                    "SELECT last_analyze FROM pg_stat_user_tables "
                    "WHERE schemaname = 'quest' AND relname = 'quests'"
                )
            )
        ).scalar_one()


async def test_a_bulk_load_gets_the_table_analyzed_and_the_first_page_uses_the_index(
    fresh_database: str,
) -> None:
    engine = make_engine(fresh_database)
    try:
        owner = new_user()
        await load(engine, owner, 5 * ANALYZE_AFTER_ROWS // 2)
        for _ in range(200):  # the analysis runs in the background after the commit
            if await last_analyze(engine) is not None:
                break
            await asyncio.sleep(0.05)
        assert await last_analyze(engine) is not None
        shown = await plan(engine, owner)
        assert "Sort" not in shown, shown
        assert "created_at" in shown, shown
    finally:
        await engine.dispose()


async def test_migrating_analyzes_every_questlog_table(fresh_database: str) -> None:
    engine = make_engine(fresh_database)  # upgraded by the fixture, nothing else
    try:
        async with engine.connect() as connection:
            never = (
                await connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = ANY(:s) "
                        "AND last_analyze IS NULL"
                    ),
                    {"s": schemas()},
                )
            ).scalar_one()
        assert never == 0
    finally:
        await engine.dispose()


async def test_few_inserts_start_no_analysis(fresh_database: str) -> None:
    engine = make_engine(fresh_database)
    try:
        assert note_inserted(engine, "quest.quests", ANALYZE_AFTER_ROWS - 1) is None
        started = note_inserted(engine, "quest.quests", 1)
        assert started is not None
        await started
    finally:
        await engine.dispose()
