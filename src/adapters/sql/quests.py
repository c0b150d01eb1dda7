"""SQL repositories and unit of work of the quest service (outbox: :mod:`adapters.sql.messaging`).

Same semantics as :mod:`adapters.memory.quests` (the contract tests hold both to them). The
hot paths, getting a quest by id and inserting one, are single Core statements on the unit of
work's connection, translated to and from :class:`Quest` by hand: no ORM session, identity
map or change tracking sits in between (see ``docs/persistence.md``).

* Updates are optimistic: ``UPDATE ... WHERE id AND owner AND version = expected``; zero rows
  means the quest is gone (``QuestNotFound``) or someone saved first (``ConcurrencyConflict``).
* Uniqueness (ids, a series' occurrences, category names) is the database's: inserts are
  ``ON CONFLICT DO NOTHING`` and a refused row becomes ``AlreadyExists`` without aborting the
  transaction.
* ``graph_of(for_update=True)`` takes a transaction-scoped advisory lock on the owner on
  PostgreSQL; SQLite transactions already hold the database's write lock from their start.
* Listing is keyset-paginated with the shared cursor of :mod:`questlog_core.ports.quests`.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, cast
from uuid import UUID

import msgspec
from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import dialects
from adapters.sql.tables import quest as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.errors import (
    AlreadyExists,
    AttachmentNotFound,
    CategoryNotFound,
    ConcurrencyConflict,
    QuestNotFound,
    TemplateNotFound,
    ValidationFailed,
)
from questlog_core.events import DomainEvent
from questlog_core.ids import AttachmentId, CategoryId, EventId, QuestId, TemplateId, UserId
from questlog_core.ports.platform import Clock
from questlog_core.ports.quests import (
    TEXT_QUERY_MAX_LENGTH,
    Page,
    QuestQuery,
    QuestSort,
    clamp_limit,
    decode_cursor,
    encode_cursor,
)
from questlog_core.quests.attachments import Attachment, AttachmentState
from questlog_core.quests.dependencies import DependencyGraph
from questlog_core.quests.model import (
    OPEN_STATUSES,
    ChecklistItem,
    Difficulty,
    Priority,
    Quest,
    QuestStatus,
)
from questlog_core.quests.recurrence import Recurrence
from questlog_core.quests.templates import Category, QuestTemplate, TemplateStep

if TYPE_CHECKING:
    from questlog_core.ports.quests import Outbox, QuestUnitOfWork

Edge = tuple[QuestId, QuestId]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

# -- rows <-> domain ----------------------------------------------------------------------------


def _quest_values(quest: Quest) -> dict[str, Any]:
    return {
        "title": quest.title,
        "notes": quest.notes,
        "title_folded": quest.title.casefold(),
        "notes_folded": quest.notes.casefold(),
        "category": quest.category,
        "tags": list(quest.tags),
        "difficulty": quest.difficulty.value,
        "priority": int(quest.priority),
        "due": quest.due,
        "estimate_minutes": quest.estimate_minutes,
        "recurrence": (
            msgspec.to_builtins(quest.recurrence) if quest.recurrence is not None else None
        ),
        "parent_id": quest.parent_id,
        "template_id": quest.template_id,
        "progress": quest.progress,
        "checklist": [{"text": i.text, "done": i.done} for i in quest.checklist],
        "status": quest.status.value,
        "created_at": quest.created_at,
        "updated_at": quest.updated_at,
        "started_at": quest.started_at,
        "completed_at": quest.completed_at,
        "occurrence": quest.occurrence,
        "series_id": quest.series_id,
    }


# Stored value -> member by dict lookup: calling the enum class is several times slower,
# and a page of quests converts three per row.
_DIFFICULTIES: Final = {d.value: d for d in Difficulty}
_PRIORITIES: Final = {int(p): p for p in Priority}
_STATUSES: Final = {s.value: s for s in QuestStatus}


#: the quests table's columns in the order ``_quest`` unpacks a full row
_QUEST_COLUMNS: Final = [
    *("id", "owner", "title", "notes", "title_folded", "notes_folded", "category", "tags"),
    *("difficulty", "priority", "due", "estimate_minutes", "recurrence", "parent_id"),
    *("template_id", "progress", "checklist", "status", "version", "created_at"),
    *("updated_at", "started_at", "completed_at", "occurrence", "series_id"),
]
if [c.name for c in t.quests.columns] != _QUEST_COLUMNS:  # pragma: no cover - schema drift
    raise RuntimeError("adapters.sql.quests._quest no longer matches the quests table")


def _quest(row: Row[Any]) -> Quest:
    # One tuple unpacking instead of 25 attribute lookups on the Row (a third of the cost
    # of a page of quests); rows come from select(t.quests), in _QUEST_COLUMNS order.
    (
        id_,
        owner,
        title,
        notes,
        _title_folded,
        _notes_folded,
        category,
        tags,
        difficulty,
        priority,
        due,
        estimate_minutes,
        recurrence,
        parent_id,
        template_id,
        progress,
        checklist,
        status,
        version,
        created_at,
        updated_at,
        started_at,
        completed_at,
        occurrence,
        series_id,
    ) = cast("tuple[Any, ...]", row)
    return Quest(
        id=QuestId(id_),
        owner=UserId(owner),
        title=title,
        notes=notes,
        category=category,
        tags=tuple(tags),
        difficulty=_DIFFICULTIES[difficulty],
        priority=_PRIORITIES[priority],
        due=due,
        estimate_minutes=estimate_minutes,
        recurrence=msgspec.convert(recurrence, Recurrence) if recurrence is not None else None,
        parent_id=QuestId(parent_id) if parent_id is not None else None,
        template_id=TemplateId(template_id) if template_id is not None else None,
        progress=progress,
        checklist=[ChecklistItem(i["text"], i["done"]) for i in checklist],
        status=_STATUSES[status],
        version=version,
        created_at=created_at,
        updated_at=updated_at,
        started_at=started_at,
        completed_at=completed_at,
        occurrence=occurrence,
        series_id=QuestId(series_id) if series_id is not None else None,
    )


def _template_values(template: QuestTemplate) -> dict[str, Any]:
    return {
        "id": template.id,
        "owner": template.owner,
        "name": template.name,
        "name_key": template.name.casefold(),
        "title_pattern": template.title_pattern,
        "notes": template.notes,
        "category": template.category,
        "tags": list(template.tags),
        "difficulty": template.difficulty.value,
        "priority": int(template.priority),
        "estimate_minutes": template.estimate_minutes,
        "checklist": list(template.checklist),
        "steps": [
            {
                "title_pattern": s.title_pattern,
                "difficulty": s.difficulty.value if s.difficulty is not None else None,
                "estimate_minutes": s.estimate_minutes,
                "checklist": list(s.checklist),
                "after": list(s.after) if s.after is not None else None,
            }
            for s in template.steps
        ],
        "created_at": template.created_at,
    }


def _template(row: Row[Any]) -> QuestTemplate:
    return QuestTemplate(
        id=TemplateId(row.id),
        owner=UserId(row.owner),
        name=row.name,
        title_pattern=row.title_pattern,
        notes=row.notes,
        category=row.category,
        tags=tuple(row.tags),
        difficulty=Difficulty(row.difficulty),
        priority=Priority(row.priority),
        estimate_minutes=row.estimate_minutes,
        checklist=tuple(row.checklist),
        steps=tuple(
            TemplateStep(
                title_pattern=s["title_pattern"],
                difficulty=Difficulty(s["difficulty"]) if s["difficulty"] is not None else None,
                estimate_minutes=s["estimate_minutes"],
                checklist=tuple(s["checklist"]),
                after=tuple(s["after"]) if s["after"] is not None else None,
            )
            for s in row.steps
        ),
        created_at=row.created_at,
    )


def _category(row: Row[Any]) -> Category:
    return Category(
        id=CategoryId(row.id),
        owner=UserId(row.owner),
        name=row.name,
        color=row.color,
        created_at=row.created_at,
    )


def _text_order(connection: AsyncConnection, expression: Any) -> Any:
    # Python orders strings by code point; so does SQLite's BINARY collation, and "C" on
    # PostgreSQL (whose default collation is the locale's).
    return expression.collate("C") if connection.dialect.name == "postgresql" else expression


# -- listing ------------------------------------------------------------------------------------

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


# -- repositories -------------------------------------------------------------------------------


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
        q = t.quests.c
        statement = select(t.quests).where(q.owner == owner)
        if query.status:
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
        limit = clamp_limit(query.limit)
        rows = (await c.execute(statement.order_by(*order).limit(limit + 1))).all()
        page = [self._hand_out(r) for r in rows[:limit]]
        more = len(rows) > limit
        cursor = encode_cursor(page[-1], query.sort, query.descending) if more else None
        return Page(page, cursor)

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


def _owner_lock_key(owner: UserId) -> int:
    # A signed 64-bit key for pg_advisory_xact_lock, derived from the owner's uuid.
    value = owner.int >> 64
    return value - (1 << 64) if value >= 1 << 63 else value


class SqlDependencyRepository:
    """:class:`~questlog_core.ports.quests.DependencyRepository` on the connection."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    async def graph_of(self, owner: UserId, *, for_update: bool = False) -> DependencyGraph:
        c = self._uow.connection
        if for_update and c.dialect.name == "postgresql":
            await c.execute(select(func.pg_advisory_xact_lock(_owner_lock_key(owner))))
        d = t.dependencies.c
        query = (
            select(d.prerequisite, d.dependent)
            .where(d.owner == owner)
            .order_by(d.prerequisite, d.dependent)
        )
        rows = await c.execute(query)
        return DependencyGraph((QuestId(r.prerequisite), QuestId(r.dependent)) for r in rows)

    async def add(self, owner: UserId, prerequisite: QuestId, dependent: QuestId) -> None:
        c = self._uow.connection
        statement = dialects.insert(c, t.dependencies).on_conflict_do_nothing()
        await c.execute(
            statement, {"owner": owner, "prerequisite": prerequisite, "dependent": dependent}
        )

    async def remove(self, owner: UserId, prerequisite: QuestId, dependent: QuestId) -> bool:
        d = t.dependencies.c
        statement = delete(t.dependencies).where(
            d.owner == owner, d.prerequisite == prerequisite, d.dependent == dependent
        )
        return bool((await self._uow.connection.execute(statement)).rowcount == 1)

    async def remove_quest(self, owner: UserId, quest_id: QuestId) -> builtins.list[Edge]:
        c = self._uow.connection
        d = t.dependencies.c
        touching = and_(d.owner == owner, or_(d.prerequisite == quest_id, d.dependent == quest_id))
        rows = await c.execute(
            select(d.prerequisite, d.dependent)
            .where(touching)
            .order_by(d.prerequisite, d.dependent)
        )
        edges = [(QuestId(r.prerequisite), QuestId(r.dependent)) for r in rows]
        if edges:
            await c.execute(delete(t.dependencies).where(touching))
        return edges


class SqlTemplateRepository:
    """:class:`~questlog_core.ports.quests.TemplateRepository` on the connection."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId, template_id: TemplateId) -> QuestTemplate:
        query = select(t.templates).where(
            t.templates.c.id == template_id, t.templates.c.owner == owner
        )
        row = (await self._uow.connection.execute(query)).first()
        if row is None:
            raise TemplateNotFound(template_id)
        return _template(row)

    async def add(self, template: QuestTemplate) -> None:
        c = self._uow.connection
        if not await dialects.insert_if_absent(c, t.templates, _template_values(template)):
            raise AlreadyExists("template", template.id)
        self._uow.seen(template)

    async def list(self, owner: UserId) -> builtins.list[QuestTemplate]:
        c = self._uow.connection
        query = (
            select(t.templates)
            .where(t.templates.c.owner == owner)
            .order_by(_text_order(c, t.templates.c.name_key), t.templates.c.id)
        )
        return [_template(r) for r in await c.execute(query)]

    async def update(self, template: QuestTemplate) -> None:
        values = _template_values(template)
        del values["id"], values["owner"], values["created_at"]
        statement = (
            update(t.templates)
            .where(t.templates.c.id == template.id, t.templates.c.owner == template.owner)
            .values(**values)
        )
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise TemplateNotFound(template.id)
        self._uow.seen(template)

    async def delete(self, owner: UserId, template_id: TemplateId) -> None:
        statement = delete(t.templates).where(
            t.templates.c.id == template_id, t.templates.c.owner == owner
        )
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise TemplateNotFound(template_id)


class SqlCategoryRepository:
    """:class:`~questlog_core.ports.quests.CategoryRepository` on the connection."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId, category_id: CategoryId) -> Category:
        query = select(t.categories).where(
            t.categories.c.id == category_id, t.categories.c.owner == owner
        )
        row = (await self._uow.connection.execute(query)).first()
        if row is None:
            raise CategoryNotFound(category_id)
        return _category(row)

    async def add(self, category: Category) -> None:
        c = self._uow.connection
        values = {
            "id": category.id,
            "owner": category.owner,
            "name": category.name,
            "name_key": category.key,
            "color": category.color,
            "created_at": category.created_at,
        }
        if not await dialects.insert_if_absent(c, t.categories, values):
            same_id = (
                await c.execute(select(t.categories.c.id).where(t.categories.c.id == category.id))
            ).first()
            raise AlreadyExists("category", category.id if same_id else category.name)
        self._uow.seen(category)

    async def list(self, owner: UserId) -> builtins.list[Category]:
        c = self._uow.connection
        query = (
            select(t.categories)
            .where(t.categories.c.owner == owner)
            .order_by(_text_order(c, t.categories.c.name_key), t.categories.c.id)
        )
        return [_category(r) for r in await c.execute(query)]

    async def update(self, category: Category) -> None:
        c = self._uow.connection
        cat = t.categories.c
        clash = (
            await c.execute(
                select(cat.id).where(
                    cat.owner == category.owner,
                    cat.name_key == category.key,
                    cat.id != category.id,
                )
            )
        ).first()
        if clash is not None:
            raise AlreadyExists("category", category.name)
        statement = (
            update(t.categories)
            .where(cat.id == category.id, cat.owner == category.owner)
            .values(name=category.name, name_key=category.key, color=category.color)
        )
        try:
            result = await c.execute(statement)
        except IntegrityError:
            # A concurrent transaction took the name between the check and the write.
            raise AlreadyExists("category", category.name) from None
        if result.rowcount != 1:
            raise CategoryNotFound(category.id)
        self._uow.seen(category)

    async def delete(self, owner: UserId, category_id: CategoryId) -> None:
        statement = delete(t.categories).where(
            t.categories.c.id == category_id, t.categories.c.owner == owner
        )
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise CategoryNotFound(category_id)


def _attachment(row: Row[Any]) -> Attachment:
    return Attachment(
        id=AttachmentId(row.id),
        owner=UserId(row.owner),
        quest_id=QuestId(row.quest_id),
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        state=AttachmentState(row.state),
        created_at=row.created_at,
        stored_at=row.stored_at,
    )


class SqlAttachmentRepository:
    """:class:`~questlog_core.ports.quests.AttachmentRepository` on the connection."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    @staticmethod
    def _one(owner: UserId, quest_id: QuestId, attachment_id: AttachmentId) -> Any:
        a = t.attachments.c
        return and_(a.id == attachment_id, a.owner == owner, a.quest_id == quest_id)

    async def get(
        self, owner: UserId, quest_id: QuestId, attachment_id: AttachmentId
    ) -> Attachment:
        query = select(t.attachments).where(self._one(owner, quest_id, attachment_id))
        row = (await self._uow.connection.execute(query)).first()
        if row is None:
            raise AttachmentNotFound(attachment_id)
        return _attachment(row)

    async def add(self, attachment: Attachment) -> None:
        values = {
            "id": attachment.id,
            "owner": attachment.owner,
            "quest_id": attachment.quest_id,
            "filename": attachment.filename,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "state": attachment.state.value,
            "created_at": attachment.created_at,
            "stored_at": attachment.stored_at,
        }
        if not await dialects.insert_if_absent(self._uow.connection, t.attachments, values):
            raise AlreadyExists("attachment", attachment.id)

    async def update(self, attachment: Attachment) -> None:
        statement = (
            update(t.attachments)
            .where(self._one(attachment.owner, attachment.quest_id, attachment.id))
            .values(
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=attachment.size,
                state=attachment.state.value,
                stored_at=attachment.stored_at,
            )
        )
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise AttachmentNotFound(attachment.id)

    async def delete(self, owner: UserId, quest_id: QuestId, attachment_id: AttachmentId) -> None:
        statement = delete(t.attachments).where(self._one(owner, quest_id, attachment_id))
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise AttachmentNotFound(attachment_id)

    async def list(self, owner: UserId, quest_id: QuestId) -> builtins.list[Attachment]:
        a = t.attachments.c
        query = (
            select(t.attachments)
            .where(a.owner == owner, a.quest_id == quest_id)
            .order_by(a.created_at, a.id)
        )
        return [_attachment(r) for r in await self._uow.connection.execute(query)]

    async def remove_quest(self, owner: UserId, quest_id: QuestId) -> builtins.list[Attachment]:
        removed = await self.list(owner, quest_id)
        if removed:
            a = t.attachments.c
            await self._uow.connection.execute(
                delete(t.attachments).where(a.owner == owner, a.quest_id == quest_id)
            )
        return removed


class SqlQuestInbox:
    """:class:`~questlog_core.ports.quests.Inbox` of the quest service."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        return await self._uow.claim(consumer, event_id)


class SqlQuestUnitOfWork(SqlUnitOfWork):
    """One transaction over the quest service's tables, inbox and outbox.

    Create one per use case: ``SqlQuestUnitOfWork(engine)`` (optionally with the
    :class:`Clock` that stamps outbox and inbox rows).
    """

    service = "quest"

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        super().__init__(engine, clock)
        self._quests = SqlQuestRepository(self)
        self._dependencies = SqlDependencyRepository(self)
        self._templates = SqlTemplateRepository(self)
        self._categories = SqlCategoryRepository(self)
        self._attachments = SqlAttachmentRepository(self)
        self._inbox = SqlQuestInbox(self)

    @property
    def quests(self) -> SqlQuestRepository:
        return self._quests

    @property
    def dependencies(self) -> SqlDependencyRepository:
        return self._dependencies

    @property
    def templates(self) -> SqlTemplateRepository:
        return self._templates

    @property
    def categories(self) -> SqlCategoryRepository:
        return self._categories

    @property
    def attachments(self) -> SqlAttachmentRepository:
        return self._attachments

    @property
    def inbox(self) -> SqlQuestInbox:
        return self._inbox

    def record(self, *events: DomainEvent) -> None:
        """Add events that belong to no aggregate (they are written on commit)."""
        self.collect(*events)

    def committed_events(self) -> builtins.list[DomainEvent]:
        """The events of the last successful commit, in order."""
        return list(self.last_committed)


if TYPE_CHECKING:  # the adapters satisfy the ports (checked by mypy, free at runtime)

    def _satisfies_ports(engine: AsyncEngine) -> tuple[QuestUnitOfWork, Outbox]:
        from adapters.sql.messaging import SqlOutbox

        return SqlQuestUnitOfWork(engine), SqlOutbox(engine, "quest")


__all__ = [
    "SqlAttachmentRepository",
    "SqlCategoryRepository",
    "SqlDependencyRepository",
    "SqlQuestInbox",
    "SqlQuestRepository",
    "SqlQuestUnitOfWork",
    "SqlTemplateRepository",
]
