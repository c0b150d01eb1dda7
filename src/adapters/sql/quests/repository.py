"""The SQL quest repository: get, add, optimistic update, delete, keyset listing."""

from __future__ import annotations

import builtins
from collections import OrderedDict
from collections.abc import Collection
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

import msgspec
from sqlalchemy import Select, bindparam, delete, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql import dialects
from adapters.sql.prepared import PreparedQuery, schema_translation
from adapters.sql.quests.documents import quest_documents
from adapters.sql.quests.listing import ListingShape, listing_statement, listing_values
from adapters.sql.quests.rows import _quest, _quest_values
from adapters.sql.tables import quest as t
from questlog_core.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    QuestNotFound,
)
from questlog_core.ids import QuestId, UserId
from questlog_core.ports.quests import (
    Page,
    QuestQuery,
    clamp_limit,
    encode_cursor,
)
from questlog_core.quests.model import Quest, QuestStatus
from questlog_core.quests.ports import Listed

if TYPE_CHECKING:
    from adapters.sql.quests.unit_of_work import SqlQuestUnitOfWork


S = TypeVar("S", bound=msgspec.Struct)


#: listing shapes whose statements are kept: every combination of filters is possible (tens
#: of thousands), the ones in use are few
LISTING_SHAPES_KEPT: Final = 256


@lru_cache(maxsize=LISTING_SHAPES_KEPT)
def _quest_rows(listing: ListingShape) -> Select[Any]:
    """The listing statement of whole rows (for :class:`Quest`), built once per shape."""
    return listing_statement(select(t.quests), listing)


#: compiled documents listings: (dialect, driver, schemas, shape type, listing shape) -> query
_DOCUMENT_QUERIES: OrderedDict[tuple[Any, ...], PreparedQuery] = OrderedDict()


def _prepared_documents(
    connection: AsyncConnection, shape: type[S], listing: ListingShape
) -> tuple[PreparedQuery, msgspec.json.Decoder[list[S]]]:
    """The compiled listing of ``shape`` documents for ``listing`` on ``connection``'s
    dialect and schema translation (compiled on first use), and the page's decoder."""
    dialect = connection.dialect
    translate = schema_translation(connection)
    schema = t.quests.schema
    key = (
        dialect.driver,
        None if translate is None else translate.get(schema, schema),
        shape,
        listing,
    )
    document, decoder = quest_documents(dialect.name, shape)
    prepared = _DOCUMENT_QUERIES.get(key)
    if prepared is None:
        prepared = PreparedQuery(listing_statement(select(document), listing), connection)
        _DOCUMENT_QUERIES[key] = prepared
        if len(_DOCUMENT_QUERIES) > LISTING_SHAPES_KEPT:
            _DOCUMENT_QUERIES.popitem(last=False)  # the oldest compiled
    return prepared, decoder


# The hot path's statement is built once (construction and cache-key work are paid once).
_GET_QUEST: Final = select(t.quests).where(
    t.quests.c.id == bindparam("quest_id"), t.quests.c.owner == bindparam("owner")
)


class SqlQuestRepository:
    """:class:`~questlog_core.ports.quests.QuestRepository` on the unit of work's connection."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    def _hand_out(self, row: Row[Any]) -> Quest:
        quest = _quest(row)
        self._uow.seen(quest)
        return quest

    async def get(self, owner: UserId, quest_id: QuestId) -> Quest:
        parameters = {"quest_id": quest_id, "owner": owner}
        row = (await self._uow.connection.execute(_GET_QUEST, parameters)).first()
        if row is None:
            raise QuestNotFound(quest_id)
        return self._hand_out(row)

    async def add(self, quest: Quest) -> None:
        c = self._uow.connection
        values = {"id": quest.id, "owner": quest.owner, "version": quest.version}
        values.update(_quest_values(quest))
        if not await dialects.insert_if_absent(c, t.quests, values):
            taken = (
                await c.execute(select(t.quests.c.id).where(t.quests.c.id == quest.id))
            ).first()
            if taken is not None or quest.series_id is None:
                raise AlreadyExists("quest", quest.id)
            raise AlreadyExists("occurrence", f"{quest.series_id}#{quest.occurrence}")
        self._uow.seen(quest)
        self._uow.inserted("quest.quests")

    async def update(self, quest: Quest, expected_version: int) -> None:
        c = self._uow.connection
        q = t.quests.c
        statement = (
            update(t.quests)
            .where(q.id == quest.id, q.owner == quest.owner, q.version == expected_version)
            .values(version=expected_version + 1, **_quest_values(quest))
        )
        if (await c.execute(statement)).rowcount != 1:
            actual = (
                await c.execute(select(q.version).where(q.id == quest.id, q.owner == quest.owner))
            ).scalar_one_or_none()
            if actual is None:
                raise QuestNotFound(quest.id)
            raise ConcurrencyConflict("quest", quest.id, expected_version, actual)
        quest.version = expected_version + 1
        self._uow.seen(quest)

    async def delete(self, owner: UserId, quest_id: QuestId) -> None:
        statement = delete(t.quests).where(t.quests.c.id == quest_id, t.quests.c.owner == owner)
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise QuestNotFound(quest_id)

    async def list(self, owner: UserId, query: QuestQuery) -> Page[Quest]:
        c = self._uow.connection
        limit = clamp_limit(query.limit)
        shape, values = listing_values(c.dialect.name, owner, query, limit)
        rows = (await c.execute(_quest_rows(shape), values)).all()
        page = [self._hand_out(r) for r in rows[:limit]]
        more = len(rows) > limit
        cursor = encode_cursor(page[-1], query.sort, query.descending) if more else None
        return Page(page, cursor)

    async def list_as(self, owner: UserId, query: QuestQuery, shape: type[S]) -> Page[S]:
        # The database writes each row as a JSON object of the shape's fields and msgspec
        # decodes the page in one call: no Quest, no per-column result processing. The
        # statement is compiled once per listing shape and runs on the driver (see
        # adapters.sql.prepared): SQLAlchemy's per-execution work cost as much as SQLite's.
        c = self._uow.connection
        limit = clamp_limit(query.limit)
        listing, values = listing_values(c.dialect.name, owner, query, limit)
        prepared, decoder = _prepared_documents(c, shape, listing)
        rows = await prepared.all(c, values)
        items = decoder.decode("[" + ",".join([r[0] for r in rows[:limit]]) + "]")
        more = len(rows) > limit
        # quest_documents refuses a shape without the order's fields, so items are Listed
        last = cast(Listed, items[-1]) if more else None
        cursor = None if last is None else encode_cursor(last, query.sort, query.descending)
        return Page(items, cursor)

    async def statuses(
        self, owner: UserId, quest_ids: Collection[QuestId]
    ) -> dict[QuestId, QuestStatus]:
        if not quest_ids:
            return {}
        query = select(t.quests.c.id, t.quests.c.status).where(
            t.quests.c.owner == owner, t.quests.c.id.in_(list(quest_ids))
        )
        rows = await self._uow.connection.execute(query)
        return {QuestId(r.id): QuestStatus(r.status) for r in rows}

    async def children(self, owner: UserId, parent_id: QuestId) -> builtins.list[Quest]:
        query = (
            select(t.quests)
            .where(t.quests.c.owner == owner, t.quests.c.parent_id == parent_id)
            .order_by(t.quests.c.created_at, t.quests.c.id)
        )
        return [self._hand_out(r) for r in await self._uow.connection.execute(query)]

    async def get_occurrence(
        self, owner: UserId, series_id: QuestId, occurrence: int
    ) -> Quest | None:
        query = select(t.quests).where(
            t.quests.c.owner == owner,
            t.quests.c.series_id == series_id,
            t.quests.c.occurrence == occurrence,
        )
        row = (await self._uow.connection.execute(query)).first()
        return self._hand_out(row) if row is not None else None
