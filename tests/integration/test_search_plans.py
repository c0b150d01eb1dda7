"""On PostgreSQL each search is planned with its own words, also once the driver has prepared
the statement (psycopg does after five runs of the same SQL): a word in one quest of thousands
is looked up in the GIN index, a word in all of them walks the owner's newest quests. A generic
plan would pick one of the two for every word, and a rare word would read every quest.

The plans are those of the query ``search.search_page`` runs, sent to the test's connection as
notices by ``auto_explain``. The function's in-memory page cost must not outlive its call: the
pooled connection keeps the server's setting for whatever runs on it next.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from psycopg.errors import Diagnostic
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.engine import make_engine
from adapters.sql.migrations import upgrade
from adapters.sql.scratch import create_database, drop_database
from adapters.sql.search import _PG_SEARCH, SqlSearchUnitOfWork, _pg_search_parameters
from questlog_core.ids import QuestId, UserId
from questlog_core.search.model import SearchDocument, parse_query

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
QUESTS = 3_000
RARE_ONE = 1_234


@pytest.fixture
def fresh_database(postgres_url: str) -> Iterator[str]:
    url = create_database(postgres_url, "search_plans")
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(url)


async def search(
    connection: AsyncConnection, owner: UserId, words: str, runs: int
) -> tuple[list[str], list[str]]:
    """The titles found by ``runs`` searches for ``words`` (the same each time), and the plans
    of the window query ``search.search_page`` ran for them, in order."""
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    notices: list[str] = []

    def keep(notice: Diagnostic) -> None:
        notices.append(notice.message_primary or "")

    driver.add_notice_handler(keep)
    parameters = _pg_search_parameters(owner, parse_query(words), offset=0, limit=21)
    found = []
    for _ in range(runs):
        found.append([row.title for row in await connection.execute(_PG_SEARCH, parameters)])
    driver.remove_notice_handler(keep)
    assert all(titles == found[0] for titles in found)
    return found[0], [plan for plan in notices if "ts_rank(m.search_vector" in plan]


async def test_each_search_is_planned_with_its_words(fresh_database: str) -> None:
    engine = make_engine(fresh_database)
    owner = UserId(uuid.uuid4())
    try:
        documents = [
            SearchDocument(
                owner=owner,
                quest_id=QuestId(uuid.uuid4()),
                title=f"Weekly chore {n}" + (" zebra" if n == RARE_ONE else ""),
                created_at=T0,
                updated_at=T0,
            )
            for n in range(QUESTS)
        ]
        uow = SqlSearchUnitOfWork(engine)
        async with uow:
            await uow.index.put_many(documents)
            await uow.commit()
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE search.search_documents"))
            for setting in (
                "LOAD 'auto_explain'",
                "SET auto_explain.log_min_duration = 0",
                "SET auto_explain.log_nested_statements = on",
                "SET auto_explain.log_level = notice",
            ):
                await connection.execute(text(setting))
            default_cost = (await connection.execute(text("SHOW random_page_cost"))).scalar()

            rare_titles, rare = await search(connection, owner, "zebra", runs=8)
            common_titles, common = await search(connection, owner, "chore", runs=8)

            prepared = await connection.execute(
                text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :f"),
                {"f": "%search.search_page(%"},
            )
            assert prepared.scalar() == 1  # by the driver, after five runs
            assert rare_titles == [f"Weekly chore {RARE_ONE} zebra"]
            assert len(common_titles) == 21
            assert len(rare) == 8
            assert len(common) == 8
            # every time, the prepared ones included
            assert all("Bitmap Index Scan on ix_search_documents_search_vector" in p for p in rare)
            assert all("Index Scan Backward" in p for p in common)
            assert not any("Bitmap" in p for p in common)
            # the function's page cost held for its own query only
            after = (await connection.execute(text("SHOW random_page_cost"))).scalar()
            assert after == default_cost
    finally:
        await engine.dispose()
