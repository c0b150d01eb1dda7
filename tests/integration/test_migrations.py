"""The migration history applies up and down on both databases and matches the models.

"Matches" means Alembic's autogenerate, run against a fully migrated database, finds
nothing to do: a column added to a table module without a migration fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from adapters.sql import search as sql_search
from adapters.sql.engine import make_engine
from adapters.sql.migrations import (
    MIGRATIONS_DIR,
    alembic_config,
    context_options,
    current_async,
    downgrade_async,
    head_revision,
    upgrade_async,
)
from adapters.sql.scratch import scratch_database
from adapters.sql.search import SqlSearchUnitOfWork
from adapters.sql.tables import metadata_for
from adapters.sql.tables.search import SQLITE_ONLY_TABLES
from apps.services import schemas, table_groups
from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.search.model import SearchDocument, parse_query


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    server = request.getfixturevalue("postgres_url")
    with scratch_database(server, "migrations") as url:
        yield url


def _revisions_oldest_first() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def _diff(url: str) -> list[Any]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:

            def compare(sync: Connection) -> list[Any]:
                options = context_options(sync.dialect.name, table_groups())
                target = options.pop("target_metadata")
                context = MigrationContext.configure(sync, opts=options)
                return list(compare_metadata(context, target))

            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:

            def names(sync: Connection) -> set[str]:
                found: set[str] = set()
                inspector = inspect(sync)
                if sync.dialect.name == "sqlite":
                    return set(inspector.get_table_names()) - {"alembic_version"}
                ours = set(inspector.get_schema_names()) & set(schemas())
                for schema in ours:
                    found |= {f"{schema}.{t}" for t in inspector.get_table_names(schema)}
                return found

            return await connection.run_sync(names)
    finally:
        await engine.dispose()


def _expected_tables(url: str) -> set[str]:
    if url.startswith("sqlite"):
        # plus the search service's FTS5 table and its shadow tables (not modelled)
        return set(metadata_for("sqlite", table_groups()).tables) | SQLITE_ONLY_TABLES
    return set(metadata_for("postgresql", table_groups()).tables)


def test_file_names_carry_a_date_prefix_and_the_revision() -> None:
    names = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    assert names, "no migrations found"
    for name in names:
        date, rev, _slug = name.split("_", 2)
        assert len(date) == 8, name
        assert date.isdigit(), name
        assert rev in _revisions_oldest_first(), name


async def test_upgrade_to_head_creates_every_table_and_matches_the_models(
    database_url: str,
) -> None:
    assert await current_async(database_url) is None

    await upgrade_async(database_url)

    assert await current_async(database_url) == head_revision()
    assert await _tables(database_url) == _expected_tables(database_url)
    assert await _diff(database_url) == []


async def test_each_migration_goes_down_and_up_again_one_step_at_a_time(
    database_url: str,
) -> None:
    revisions = _revisions_oldest_first()
    for rev in revisions:
        await upgrade_async(database_url, rev)
        assert await current_async(database_url) == rev
    for rev in reversed(revisions[:-1]):
        await downgrade_async(database_url, "-1")
        assert await current_async(database_url) == rev
    await downgrade_async(database_url, "base")
    assert await current_async(database_url) is None
    assert await _tables(database_url) == set()

    await upgrade_async(database_url)
    assert await current_async(database_url) == head_revision()
    assert await _diff(database_url) == []


@pytest.mark.postgres
async def test_postgres_keeps_each_service_in_its_own_schema(postgres_url: str) -> None:
    with scratch_database(postgres_url, "schemas") as url:
        await upgrade_async(url)
        by_schema: dict[str, set[str]] = {}
        for qualified in await _tables(url):
            schema, table = qualified.split(".")
            by_schema.setdefault(schema, set()).add(table)
        assert set(by_schema) == set(schemas())
        for schema, tables in by_schema.items():
            assert all(t.startswith(schema) for t in tables), (schema, tables)

        await downgrade_async(url, "base")
        assert await _tables(url) == set()


async def test_search_text_times_start_at_the_time_the_text_had(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0027: documents indexed before it take their title and notes' time from the one time
    text and filters shared (``content_at``, or ``created_at`` where that was never set), and
    stay searchable; going down drops the column again."""
    at = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    owner = UserId(UUID(int=1))
    edited, fresh = QuestId(UUID(int=10)), QuestId(UUID(int=11))
    before = [
        SearchDocument(
            owner=owner, quest_id=edited, title="Paint the fence", created_at=at,
            updated_at=at + timedelta(minutes=5), content_at=at + timedelta(minutes=5),
            status_at=at,
        ),
        SearchDocument(owner=owner, quest_id=fresh, title="Paint the shed", created_at=at,
                       updated_at=at),
    ]  # fmt: skip
    await upgrade_async(database_url, "0026")
    # What the adapter wrote before 0027: no text_at.
    row = sql_search._row

    def row_of_0026(document: SearchDocument) -> dict[str, Any]:
        return {k: v for k, v in row(document).items() if k != "text_at"}

    monkeypatch.setattr(sql_search, "_row", row_of_0026)
    engine = make_engine(database_url)
    try:
        async with SqlSearchUnitOfWork(engine) as uow:
            await uow.index.put_many(before)
            await uow.commit()
    finally:
        await engine.dispose()
    monkeypatch.undo()

    await upgrade_async(database_url, "0027")
    engine = make_engine(database_url)
    try:
        async with SqlSearchUnitOfWork(engine) as uow:
            got = await uow.index.get_many(owner, [edited, fresh])
            hits = await uow.index.search(owner, parse_query("paint"))
        assert got[edited].text_at == at + timedelta(minutes=5)
        assert got[fresh].text_at == at
        assert {hit.quest_id for hit in hits} == {edited, fresh}
    finally:
        await engine.dispose()

    await downgrade_async(database_url, "0026")
    assert await current_async(database_url) == "0026"
    assert "text_at" not in await _columns(database_url, "search_documents")


async def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:

            def names(sync: Connection) -> set[str]:
                schema = None if sync.dialect.name == "sqlite" else "search"
                return {c["name"] for c in inspect(sync).get_columns(table, schema=schema)}

            return await connection.run_sync(names)
    finally:
        await engine.dispose()
