"""The SQL quest repository: get, add, optimistic update, delete, keyset listing."""

from __future__ import annotations

import builtins
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Final, TypeVar

import msgspec
from sqlalchemy import Select, bindparam, delete, exists, literal, or_, select, update
from sqlalchemy.engine import Row

from adapters.sql import dialects
from adapters.sql.quests.documents import quest_documents
from adapters.sql.quests.listing import _SORT_COLUMNS, _after_cursor, _contains, _has_tag
from adapters.sql.quests.rows import _quest, _quest_values
from adapters.sql.tables import quest as t
from questlog_core.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    QuestNotFound,
    ValidationFailed,
)
from questlog_core.ids import QuestId, UserId
from questlog_core.ports.quests import (
    TEXT_QUERY_MAX_LENGTH,
    Page,
    QuestQuery,
    QuestSort,
    clamp_limit,
    decode_cursor,
    encode_cursor,
)
from questlog_core.quests.model import OPEN_STATUSES, Quest, QuestStatus

if TYPE_CHECKING:
    from adapters.sql.quests.unit_of_work import SqlQuestUnitOfWork


S = TypeVar("S", bound=msgspec.Struct)

_EVERY_STATUS: Final = frozenset(QuestStatus)
_ALL_BUT_ARCHIVED: Final = _EVERY_STATUS - {QuestStatus.ARCHIVED}

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
        limit = clamp_limit(query.limit)
        statement = self._listing(select(t.quests), owner, query, limit)
        rows = (await self._uow.connection.execute(statement)).all()
        page = [self._hand_out(r) for r in rows[:limit]]
        more = len(rows) > limit
        cursor = encode_cursor(page[-1], query.sort, query.descending) if more else None
        return Page(page, cursor)

    async def list_as(self, owner: UserId, query: QuestQuery, shape: type[S]) -> Page[S]:
        # The database writes each row as a JSON object of the shape's fields and msgspec
        # decodes the page in one call: no Quest, no per-column result processing.
        c = self._uow.connection
        document, decoder = quest_documents(c.dialect.name, shape)
        limit = clamp_limit(query.limit)
        statement = self._listing(select(document), owner, query, limit)
        rows = (await c.execute(statement)).all()
        items = decoder.decode("[" + ",".join([r[0] for r in rows[:limit]]) + "]")
        more = len(rows) > limit
        cursor = encode_cursor(items[-1], query.sort, query.descending) if more else None
        return Page(items, cursor)

    def _listing(self, statement: Select[Any], owner: UserId, query: QuestQuery, limit: int) -> Any:
        """``statement`` (a select from the quests table) filtered, ordered and limited to
        one page of ``query`` plus one row (to tell whether there is a next page)."""
        c = self._uow.connection
        q = t.quests.c
        statement = statement.where(q.owner == owner)
        if query.status:
            wanted = frozenset(query.status)
            if wanted == _ALL_BUT_ARCHIVED:
                # The default listing: one comparison instead of an IN list SQLAlchemy expands
                # on every execution (same rows: a quest has exactly one of the statuses).
                statement = statement.where(q.status != QuestStatus.ARCHIVED.value)
            elif wanted != _EVERY_STATUS:
                statement = statement.where(q.status.in_([s.value for s in query.status]))
        if query.category is not None:
            statement = statement.where(q.category == query.category)
        if query.tag is not None:
            statement = statement.where(_has_tag(c, query.tag))
        if query.due_after is not None:
            statement = statement.where(q.due >= query.due_after)
        if query.due_before is not None:
            statement = statement.where(q.due < query.due_before)
        if query.parent_id is not None:
            statement = statement.where(q.parent_id == query.parent_id)
        if query.text:
            if len(query.text) > TEXT_QUERY_MAX_LENGTH:
                raise ValidationFailed("text", f"at most {TEXT_QUERY_MAX_LENGTH} characters")
            needle = query.text.casefold()
            statement = statement.where(
                or_(_contains(c, q.title_folded, needle), _contains(c, q.notes_folded, needle))
            )
        if query.blocked is not None:
            prerequisite = t.quests.alias("prerequisite")
            d = t.dependencies.c
            blocked = exists(
                select(literal(1))
                .select_from(t.dependencies.join(prerequisite, prerequisite.c.id == d.prerequisite))
                .where(
                    d.owner == owner,
                    d.dependent == q.id,
                    prerequisite.c.owner == owner,
                    prerequisite.c.status.in_([s.value for s in OPEN_STATUSES]),
                )
            )
            statement = statement.where(blocked if query.blocked else ~blocked)
        if query.cursor is not None:
            position = decode_cursor(query.cursor, query.sort, query.descending)
            statement = statement.where(_after_cursor(query, position))
        key = _SORT_COLUMNS[query.sort]
        order: list[Any] = []
        if query.sort is QuestSort.DUE:
            order.append(key.is_(None))  # undated last, in both directions
        order += [key.desc(), q.id.desc()] if query.descending else [key, q.id]
        return statement.order_by(*order).limit(limit + 1)

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
