"""A quest row as the JSON document of a caller's shape, written by the database.

:meth:`~adapters.sql.quests.repository.SqlQuestRepository.list_as` selects one text column per
row: a JSON object with the shape's fields, built by SQLite's ``json_object`` or PostgreSQL's
``json_build_object``, and decodes the whole page with one msgspec call. Each field is written
in the form msgspec decodes into the value :class:`~questlog_core.quests.model.Quest`'s JSON
form holds:

* ids: SQLite stores 32 hex digits, PostgreSQL a ``uuid`` (written with hyphens); msgspec
  reads both.
* times: stored in UTC (SQLite as ``YYYY-MM-DD HH:MM:SS.ffffff`` text, PostgreSQL as
  ``timestamptz``), written as RFC 3339 with a ``Z``, microseconds included, independent of
  the session's time zone.
* JSON columns (tags, checklist, recurrence) are embedded as JSON, not as strings.
* text, numbers and enum values (stored as their values) as they are.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

import msgspec
from sqlalchemy import Column, Text, literal_column

from adapters.sql.tables import quest as t
from adapters.sql.types import JsonDocument, UtcDateTime

S = TypeVar("S", bound=msgspec.Struct)

#: fields a shape must have: the listing's cursor is made from them
ORDER_FIELDS = frozenset({"id", "created_at", "updated_at", "due", "priority"})

# Columns the domain's JSON form does not show (search helpers).
_HIDDEN = frozenset({"title_folded", "notes_folded"})


def _field(dialect: str, column: Column[Any]) -> str:
    name = column.name  # plain identifiers: written unquoted and unqualified
    if isinstance(column.type, UtcDateTime):
        if dialect == "postgresql":
            return f"""to_char({name} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
        return f"replace({name}, ' ', 'T') || 'Z'"  # NULL stays NULL
    if column.type is JsonDocument and dialect != "postgresql":
        return f"json({name})"  # embedded as JSON, not as a string
    return name


@cache
def quest_documents(dialect: str, shape: type[S]) -> tuple[Any, msgspec.json.Decoder[list[S]]]:
    """The select expression writing a quest row as ``shape``'s JSON object on ``dialect``
    (a text column), and the decoder of a JSON array of them.

    Raises:
        TypeError: ``shape`` has a field the quests table does not hold, or lacks one the
            listing's order needs (:data:`ORDER_FIELDS`).
    """
    names = shape.__struct_fields__
    columns = {c.name: c for c in t.quests.columns if c.name not in _HIDDEN}
    unknown = [n for n in names if n not in columns]
    missing = ORDER_FIELDS - set(names)
    if unknown or missing:
        raise TypeError(
            f"{shape.__name__} cannot be listed from quest rows "
            f"(unknown fields {unknown}, missing {sorted(missing)})"
        )
    pairs = ", ".join(f"'{name}', {_field(dialect, columns[name])}" for name in names)
    # One literal SQL fragment (column names unqualified: the listing selects from the quests
    # table alone) rather than 44 expressions: SQLAlchemy derives each execution's cache key
    # by walking the statement, and that walk was a third of a page's cost.
    if dialect == "postgresql":
        sql = f"json_build_object({pairs})::text"
    else:
        sql = f"json_object({pairs})"
    document = literal_column(sql, type_=Text).label("document")
    return document, msgspec.json.Decoder(list[shape])  # type: ignore[valid-type]
