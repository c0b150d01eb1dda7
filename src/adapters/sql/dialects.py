"""The few statements whose spelling differs between PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert(connection: AsyncConnection, table: Table) -> Any:
    """An INSERT that supports ``on_conflict_do_nothing/do_update`` on this dialect.

    Both dialects spell the clause the same (``ON CONFLICT``), only the construct's class
    differs, so callers write one statement.
    """
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def insert_if_absent(
    connection: AsyncConnection, table: Table, values: dict[str, Any]
) -> bool:
    """Insert one row unless it clashes with a unique key; ``True`` if it went in.

    ``ON CONFLICT DO NOTHING`` keeps the transaction usable on a clash (a failed INSERT would
    abort a PostgreSQL transaction), and a racing transaction waits for the winner and then
    sees the conflict. ``RETURNING`` tells the outcome: the driver's row count for an INSERT
    is not reliable across drivers (psycopg reports -1 here).
    """
    cache_key = (connection.dialect.name, table)
    statement = _INSERT_IF_ABSENT.get(cache_key)
    if statement is None:
        # Built once per table and dialect: a reused statement object also reuses its
        # memoised cache key, which keeps hot-path inserts cheap.
        key = next(iter(table.primary_key.columns))
        statement = insert(connection, table).on_conflict_do_nothing().returning(key)
        _INSERT_IF_ABSENT[cache_key] = statement
    return (await connection.execute(statement, values)).first() is not None


_INSERT_IF_ABSENT: dict[tuple[str, Table], Any] = {}


def greatest(connection: AsyncConnection, a: Any, b: Any) -> ColumnElement[Any]:
    """The larger of two values (``GREATEST`` on PostgreSQL, two-argument ``MAX`` on SQLite)."""
    if connection.dialect.name == "postgresql":
        return func.greatest(a, b)
    return func.max(a, b)


__all__ = ["greatest", "insert", "insert_if_absent"]
