"""Listing quests: sort columns, keyset-cursor conditions and tag/text filters (SQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Final
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables import quest as t
from questlog_core.ports.quests import QuestQuery, QuestSort

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

_SORT_COLUMNS: Final = {
    QuestSort.CREATED: t.quests.c.created_at,
    QuestSort.UPDATED: t.quests.c.updated_at,
    QuestSort.DUE: t.quests.c.due,
    QuestSort.PRIORITY: t.quests.c.priority,
}


def _cursor_value(sort: QuestSort, value: int) -> Any:
    if sort is QuestSort.PRIORITY:
        return value
    return _EPOCH + timedelta(microseconds=value)


def _after_cursor(query: QuestQuery, position: tuple[int, int, int]) -> ColumnElement[bool]:
    """Rows strictly after ``position`` (a :func:`scan_key`) in the query's order."""
    q = t.quests.c
    key = _SORT_COLUMNS[query.sort]
    null_flag, signed_value, signed_id = position
    last_id = UUID(int=abs(signed_id))
    last_value = _cursor_value(query.sort, abs(signed_value) if query.descending else signed_value)
    if query.descending:
        after_value = tuple_(key, q.id) < tuple_(literal(last_value, key.type), literal(last_id))
        after_null = q.id < last_id
    else:
        after_value = tuple_(key, q.id) > tuple_(literal(last_value, key.type), literal(last_id))
        after_null = q.id > last_id
    if query.sort is not QuestSort.DUE:
        return after_value
    if null_flag == 1:
        # Past the last dated quest: only undated ones remain, ordered by id.
        return and_(key.is_(None), after_null)
    # Undated quests always come after every dated one.
    return or_(key.is_(None), and_(key.is_not(None), after_value))


def _has_tag(connection: AsyncConnection, tag: str) -> ColumnElement[bool]:
    tags = t.quests.c.tags
    if connection.dialect.name == "postgresql":
        return tags.op("@>")(func.jsonb_build_array(tag))
    each = func.json_each(tags).table_valued("value").alias("tag")
    return exists(select(literal(1)).select_from(each).where(each.c.value == tag))


def _contains(connection: AsyncConnection, haystack: Any, needle: str) -> ColumnElement[bool]:
    # A plain substring test (no LIKE wildcards to escape): strpos / instr.
    name = "strpos" if connection.dialect.name == "postgresql" else "instr"
    return getattr(func, name)(haystack, needle) > 0  # type: ignore[no-any-return]
