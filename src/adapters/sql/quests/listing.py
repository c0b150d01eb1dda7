"""Listing quests: one statement per listing shape (which filters, which order), every value
(owner, filter values, keyset-cursor position, page size) a bound parameter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
)

from adapters.sql.tables import quest as t
from questlog_core.errors import ValidationFailed
from questlog_core.ports.quests import (
    TEXT_QUERY_MAX_LENGTH,
    QuestQuery,
    QuestSort,
    decode_cursor,
)
from questlog_core.quests.model import OPEN_STATUSES, QuestStatus

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


_EVERY_STATUS: Final = frozenset(QuestStatus)
_ALL_BUT_ARCHIVED: Final = _EVERY_STATUS - {QuestStatus.ARCHIVED}
#: ``ListingShape.statuses`` of the default listing (every status but archived)
_DEFAULT_STATUSES: Final = -1


class ListingShape(NamedTuple):
    """Which filters a listing has and its order: everything its SQL depends on. The values
    (owner, filter values, cursor position, page size) are bound parameters, so one
    statement, built and compiled once, serves every listing of the same shape."""

    dialect: str
    #: -1: every status but archived; 0: every status; n: n statuses (``status_0``...)
    statuses: int
    category: bool
    tag: bool
    due_after: bool
    due_before: bool
    parent: bool
    text: bool
    blocked: bool | None
    #: 0: first page; 1: after a row's (sort value, id); 2: due order past the last dated row
    cursor: int
    sort: QuestSort
    descending: bool


def listing_values(
    dialect: str, owner: UUID, query: QuestQuery, limit: int
) -> tuple[ListingShape, dict[str, Any]]:
    """The shape of ``query``'s listing and its bound values (one page plus one row).

    Raises:
        ValidationFailed: ``text`` too long, or a ``cursor`` not from this listing's order.
    """
    values: dict[str, Any] = {"owner": owner, "limit": limit + 1}
    statuses = 0
    if query.status:
        wanted = frozenset(query.status)
        if wanted == _ALL_BUT_ARCHIVED:
            statuses = _DEFAULT_STATUSES
        elif wanted != _EVERY_STATUS:
            chosen = sorted(s.value for s in wanted)
            statuses = len(chosen)
            for index, value in enumerate(chosen):
                values[f"status_{index}"] = value
    if query.category is not None:
        values["category"] = query.category
    if query.tag is not None:
        values["tag"] = query.tag
    if query.due_after is not None:
        values["due_after"] = query.due_after
    if query.due_before is not None:
        values["due_before"] = query.due_before
    if query.parent_id is not None:
        values["parent_id"] = query.parent_id
    if query.text:
        if len(query.text) > TEXT_QUERY_MAX_LENGTH:
            raise ValidationFailed("text", f"at most {TEXT_QUERY_MAX_LENGTH} characters")
        values["needle"] = query.text.casefold()
    cursor = 0
    if query.cursor is not None:
        null_flag, signed_value, signed_id = decode_cursor(
            query.cursor, query.sort, query.descending
        )
        values["after_id"] = UUID(int=abs(signed_id))
        if query.sort is QuestSort.DUE and null_flag == 1:
            cursor = 2
        else:
            cursor = 1
            after = abs(signed_value) if query.descending else signed_value
            values["after_value"] = _cursor_value(query.sort, after)
    shape = ListingShape(
        dialect,
        statuses,
        query.category is not None,
        query.tag is not None,
        query.due_after is not None,
        query.due_before is not None,
        query.parent_id is not None,
        bool(query.text),
        query.blocked,
        cursor,
        query.sort,
        query.descending,
    )
    return shape, values


def _bound(name: str, column: Any) -> Any:
    return bindparam(name, type_=column.type)


def listing_statement(columns: Select[Any], shape: ListingShape) -> Select[Any]:
    """``columns`` (a select from the quests table) filtered, ordered and limited as
    ``shape`` says, every value a bound parameter named as :func:`listing_values` names it."""
    q = t.quests.c
    statement = columns.where(q.owner == _bound("owner", q.owner))
    if shape.statuses == _DEFAULT_STATUSES:
        # One comparison instead of an IN list (same rows: a quest has exactly one status).
        statement = statement.where(q.status != QuestStatus.ARCHIVED.value)
    elif shape.statuses > 0:
        wanted = [_bound(f"status_{i}", q.status) for i in range(shape.statuses)]
        statement = statement.where(q.status.in_(wanted))
    if shape.category:
        statement = statement.where(q.category == _bound("category", q.category))
    if shape.tag:
        statement = statement.where(_tag_bound(shape.dialect))
    if shape.due_after:
        statement = statement.where(q.due >= _bound("due_after", q.due))
    if shape.due_before:
        statement = statement.where(q.due < _bound("due_before", q.due))
    if shape.parent:
        statement = statement.where(q.parent_id == _bound("parent_id", q.parent_id))
    if shape.text:
        needle = bindparam("needle", type_=String())
        name = "strpos" if shape.dialect == "postgresql" else "instr"
        find = getattr(func, name)
        statement = statement.where(
            or_(find(q.title_folded, needle) > 0, find(q.notes_folded, needle) > 0)
        )
    if shape.blocked is not None:
        prerequisite = t.quests.alias("prerequisite")
        d = t.dependencies.c
        owner = _bound("owner", q.owner)
        open_statuses = [literal(s.value, q.status.type) for s in OPEN_STATUSES]
        blocked = exists(
            select(literal(1))
            .select_from(t.dependencies.join(prerequisite, prerequisite.c.id == d.prerequisite))
            .where(
                d.owner == owner,
                d.dependent == q.id,
                prerequisite.c.owner == owner,
                prerequisite.c.status.in_(open_statuses),
            )
        )
        statement = statement.where(blocked if shape.blocked else ~blocked)
    key = _SORT_COLUMNS[shape.sort]
    if shape.cursor:
        after_id = _bound("after_id", q.id)
        after_null = q.id < after_id if shape.descending else q.id > after_id
        if shape.cursor == 2:
            # Past the last dated quest: only undated ones remain, ordered by id.
            statement = statement.where(and_(key.is_(None), after_null))
        else:
            position = tuple_(_bound("after_value", key), after_id)
            row = tuple_(key, q.id)
            after_value = row < position if shape.descending else row > position
            if shape.sort is QuestSort.DUE:
                # Undated quests always come after every dated one.
                after_value = or_(key.is_(None), and_(key.is_not(None), after_value))
            statement = statement.where(after_value)
    order: list[Any] = []
    if shape.sort is QuestSort.DUE:
        order.append(key.is_(None))  # undated last, in both directions
    order += [key.desc(), q.id.desc()] if shape.descending else [key, q.id]
    return statement.order_by(*order).limit(bindparam("limit", type_=Integer()))


def _tag_bound(dialect: str) -> ColumnElement[bool]:
    tags = t.quests.c.tags
    tag = bindparam("tag", type_=String())
    if dialect == "postgresql":
        return tags.op("@>")(func.jsonb_build_array(tag))
    each = func.json_each(tags).table_valued("value").alias("tag")
    return exists(select(literal(1)).select_from(each).where(each.c.value == tag))
