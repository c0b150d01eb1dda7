"""A select compiled once and run on the driver's connection, for hot read paths.

SQLAlchemy's ``execute`` pays, on every call, for the statement's cache key (a walk over the
whole expression), the compiled-cache lookup, an execution context, the result machinery and
two greenlet switches; for a page of 50 quests that was about as much CPU as SQLite's own
work. :class:`PreparedQuery` compiles a statement whose values are all bound parameters once
(with the connection's dialect and schema translation, so the SQL is what SQLAlchemy would
send), keeps the bind processors of its parameters' types, and runs it with the driver's own
cursor, inside the unit of work's transaction (SQLite: on the loop's thread when the
connection runs inline, see :class:`~adapters.sql.engine.WriterConnection`; PostgreSQL:
psycopg, which prepares a statement the server has seen a few times).

What it does not do: no result processing (rows are the driver's tuples, so select values the
driver hands out as they are, e.g. text), no statement events (``before_cursor_execute``
listeners do not see it) and no disconnect handling (a lost connection shows up as the
driver's error, which :func:`adapters.outages.as_outage` still reads as an outage; the pool
finds the connection dead when it is next used or pinged).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

import aiosqlite
from sqlalchemy import Connection, Select
from sqlalchemy.ext.asyncio import AsyncConnection


class PreparedQuery:
    """``statement`` compiled for one dialect and schema translation (see the module doc)."""

    __slots__ = ("_fixed", "_named", "_order", "_processors", "sql")

    def __init__(self, statement: Select[Any], connection: AsyncConnection) -> None:
        dialect = connection.dialect
        translate = schema_translation(connection)
        compiled = statement.compile(
            dialect=dialect,
            schema_translate_map=translate,
            render_schema_translate=translate is not None,
        )
        #: the SQL text the driver runs
        self.sql: str = compiled.string
        names = compiled.bind_names  # BindParameter -> its name in the SQL
        # Values written into the statement (literals such as LIMIT's OFFSET 0 or a fixed
        # status) are bound like the others; they are known now.
        self._fixed: dict[str, Any] = {
            name: bind.value for bind, name in names.items() if not bind.required
        }
        processors: dict[str, Callable[[Any], Any]] = {}
        for bind, name in names.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
        self._processors = tuple(processors.items())
        positions = compiled.positiontup
        self._named = positions is None
        self._order: tuple[str, ...] = tuple(positions or ())

    def parameters(self, values: Mapping[str, Any]) -> Any:
        """The driver's parameters for ``values`` (by name): processed like SQLAlchemy would,
        a tuple for positional paramstyles, a dict for named ones."""
        merged = {**self._fixed, **values}
        for name, process in self._processors:
            merged[name] = process(merged[name])
        if self._named:
            return merged
        return tuple(merged[name] for name in self._order)

    async def all(self, connection: AsyncConnection, values: Mapping[str, Any]) -> list[Any]:
        """Every row (driver tuples) of the statement run with ``values`` on ``connection``
        (an open one, inside its transaction)."""
        # The open transaction's connection (no greenlet hop, unlike get_raw_connection).
        driver = _open(connection).connection.driver_connection
        parameters = self.parameters(values)
        if isinstance(driver, aiosqlite.Connection):
            # Inline when the connection runs on the loop's thread (a WriterConnection in a
            # transaction), else one hop to the connection's own thread.
            rows: list[Any] = await driver._execute(  # type: ignore[no-untyped-call]
                _fetch_all, driver._conn, self.sql, parameters
            )
            return rows
        cursor = driver.cursor()  # type: ignore[union-attr]
        try:
            await cursor.execute(self.sql, parameters)
            return list(await cursor.fetchall())
        finally:
            await cursor.close()


def _open(connection: AsyncConnection) -> Connection:
    sync = connection.sync_connection
    if sync is None:
        raise RuntimeError("the connection is not open")
    return sync


def schema_translation(connection: AsyncConnection) -> dict[str | None, str | None] | None:
    """The schema translation map ``connection`` executes with (``None``: none)."""
    translate: dict[str | None, str | None] | None = (
        _open(connection).get_execution_options().get("schema_translate_map")
    )
    return translate


def _fetch_all(connection: sqlite3.Connection, sql: str, parameters: Any) -> list[Any]:
    cursor = connection.execute(sql, parameters)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


__all__ = ["PreparedQuery", "schema_translation"]
