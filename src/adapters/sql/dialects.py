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


def greatest(connection: AsyncConnection, a: Any, b: Any) -> ColumnElement[Any]:
    """The larger of two values (``GREATEST`` on PostgreSQL, two-argument ``MAX`` on SQLite)."""
    if connection.dialect.name == "postgresql":
        return func.greatest(a, b)
    return func.max(a, b)


__all__ = ["greatest", "insert"]
