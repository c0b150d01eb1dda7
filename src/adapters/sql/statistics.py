"""Planner statistics kept current: after migrations and after bulk loads.

PostgreSQL chooses a plan from its statistics. A table that was just created or just filled
has none (autovacuum analyzes it within a minute or so, on its own schedule), and meanwhile
the planner guesses: measured here, the first page of a user's 20,000 quests (``ORDER BY
created_at, id LIMIT 51``) was planned as a bitmap scan of all 20,000 rows and a sort (53 ms)
instead of a walk down the ``(owner, created_at, id)`` index (under 1 ms), until ``ANALYZE``.

So:

* :func:`refresh_statistics` analyzes every table (PostgreSQL: ``ANALYZE`` of the service
  schemas; SQLite: ``PRAGMA optimize``, which re-analyzes only where it helps). Migrations
  call it after they apply something, and so do bulk loads such as ``questlog demo``.
* :func:`note_inserted` counts rows a committed unit of work inserted per table; once a table
  has taken :data:`ANALYZE_AFTER_ROWS` new rows since its last analysis in this process, it is
  analyzed in the background (one at a time, never in the request's transaction). That covers
  bulk creation through the API and imports. PostgreSQL only: SQLite's plans here do not
  depend on statistics (checked with ``EXPLAIN QUERY PLAN``), and its ``ANALYZE`` reads whole
  indexes.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Sequence
from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables.base import declared_groups

log = logging.getLogger(__name__)

#: rows inserted into one table (in this process) after which it is analyzed again
ANALYZE_AFTER_ROWS: Final = 1_000


async def refresh_statistics(engine: AsyncEngine, schemas: Sequence[str] | None = None) -> None:
    """Bring the planner's statistics up to date for every Questlog table (in ``schemas``;
    default: every declared table group's)."""
    if schemas is None:
        schemas = [g.schema for g in declared_groups()]
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # Questlog's tables only: the database may hold others that are not ours.
            rows = await connection.execute(
                text(
                    "SELECT schemaname, tablename FROM pg_tables "
                    "WHERE schemaname = ANY(:schemas) ORDER BY 1, 2"
                ),
                {"schemas": list(schemas)},
            )
            for schema, table in rows.all():
                await connection.exec_driver_sql(f'ANALYZE "{schema}"."{table}"')
        elif engine.dialect.name == "sqlite":
            await connection.exec_driver_sql("PRAGMA optimize")
        await connection.commit()


class _Keeper:
    """Rows inserted per table since its last analysis, and the analysis under way."""

    def __init__(self) -> None:
        self.inserted: dict[str, int] = {}
        self.running: asyncio.Task[None] | None = None


_KEEPERS: weakref.WeakKeyDictionary[Engine, _Keeper] = weakref.WeakKeyDictionary()


def note_inserted(engine: AsyncEngine, table: str, rows: int) -> asyncio.Task[None] | None:
    """After a commit that inserted ``rows`` into ``table`` (``schema.table``): analyze it in
    the background once enough rows have come in. Returns the task it started, if any."""
    if rows <= 0 or engine.dialect.name != "postgresql":
        return None
    keeper = _KEEPERS.setdefault(engine.sync_engine, _Keeper())
    keeper.inserted[table] = keeper.inserted.get(table, 0) + rows
    if keeper.inserted[table] < ANALYZE_AFTER_ROWS or keeper.running is not None:
        return None
    keeper.inserted[table] = 0
    task = asyncio.get_running_loop().create_task(_analyze(engine, table, keeper))
    keeper.running = task
    return task


async def _analyze(engine: AsyncEngine, table: str, keeper: _Keeper) -> None:
    schema, _, name = table.partition(".")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(f'ANALYZE "{schema}"."{name}"')
            await connection.commit()
    except Exception as exc:  # statistics are an optimisation: never fail anything for them
        log.warning("could not analyze %s: %s", table, exc)
    finally:
        keeper.running = None


__all__ = ["ANALYZE_AFTER_ROWS", "note_inserted", "refresh_statistics"]
