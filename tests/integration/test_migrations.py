"""The migration history applies up and down on both databases and matches the models.

"Matches" means Alembic's autogenerate, run against a fully migrated database, finds
nothing to do: a column added to a table module without a migration fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

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
from adapters.sql.tables import metadata_for
from adapters.sql.tables.search import SQLITE_ONLY_TABLES
from apps.services import schemas, table_groups


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
