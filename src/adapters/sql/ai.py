"""The ai service's SQL adapters: the ``TokenUsageLedger`` in ``ai.ai_token_usage``, and the
read models of quests (``ai.ai_quest_views``) and of players' time zones (``ai.ai_player_zones``)
with the service's inbox, in one unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.dialects import insert_if_absent
from adapters.sql.tables import ai as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from adapters.sql.writers import read_connection, write_transaction
from questlog_core.errors import ServiceUnavailable
from questlog_core.ids import QuestId, UserId
from questlog_core.ports.ai import QuestView, TokenTotals, TokenUsageRecord


class SqlTokenUsageLedger:
    """Appends one row per answer; totals are one indexed aggregate over an owner's rows."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, entry: TokenUsageRecord) -> None:
        """Store ``entry`` (its own short transaction)."""
        row = {
            "owner": entry.owner,
            "at": entry.at,
            "provider": entry.provider,
            "model": entry.model,
            "input_tokens": entry.input_tokens,
            "output_tokens": entry.output_tokens,
        }
        try:
            async with write_transaction(self._engine) as connection:
                await connection.execute(insert(t.token_usage).values(row))
        except DBAPIError as exc:
            raise ServiceUnavailable("token usage ledger unavailable") from exc

    async def totals(self, owner: UserId, since: datetime) -> TokenTotals:
        """``owner``'s requests and tokens at or after ``since``."""
        table = t.token_usage
        query = select(
            func.count(),
            func.coalesce(func.sum(table.c.input_tokens), 0),
            func.coalesce(func.sum(table.c.output_tokens), 0),
        ).where(table.c.owner == owner, table.c.at >= since)
        try:
            async with read_connection(self._engine) as connection:
                requests, input_tokens, output_tokens = (await connection.execute(query)).one()
        except DBAPIError as exc:
            raise ServiceUnavailable("token usage ledger unavailable") from exc
        return TokenTotals(
            requests=int(requests), input_tokens=int(input_tokens), output_tokens=int(output_tokens)
        )


def _row(view: QuestView) -> dict[str, Any]:
    return {
        "owner": view.owner,
        "quest_id": view.quest_id,
        "title": view.title,
        "difficulty": view.difficulty,
        "priority": view.priority,
        "category": view.category,
        "tags": list(view.tags),
        "due": view.due,
        "estimate_minutes": view.estimate_minutes,
        "status": view.status,
        "progress": view.progress,
        "created_at": view.created_at,
        "updated_at": view.updated_at,
        "started_at": view.started_at,
        "completed_at": view.completed_at,
        "depends_on": [str(q) for q in view.depends_on],
        "title_at": view.title_at,
        "content_at": view.content_at,
        "status_at": view.status_at,
        "completion_at": view.completion_at,
        "progress_at": view.progress_at,
        "edges_at": [[str(q), at.isoformat()] for q, at in view.edges_at] or None,
    }


def _view(row: Any) -> QuestView:
    return QuestView(
        owner=UserId(row.owner),
        quest_id=QuestId(row.quest_id),
        title=row.title,
        difficulty=row.difficulty,
        priority=row.priority,
        category=row.category,
        tags=tuple(row.tags or ()),
        due=row.due,
        estimate_minutes=row.estimate_minutes,
        status=row.status,
        progress=row.progress,
        created_at=row.created_at,
        updated_at=row.updated_at,
        started_at=row.started_at,
        completed_at=row.completed_at,
        depends_on=tuple(QuestId(UUID(q)) for q in row.depends_on or ()),
        title_at=row.title_at,
        content_at=row.content_at,
        status_at=row.status_at,
        completion_at=row.completion_at,
        progress_at=row.progress_at,
        edges_at=tuple(
            (QuestId(UUID(q)), datetime.fromisoformat(at)) for q, at in row.edges_at or ()
        ),
    )


# Built once: the read model is written for every quest event, and building a statement per
# call (its clauses, bind parameters and cache key) cost more than running it.
_VIEW_KEY = (
    t.quest_views.c.owner == bindparam("key_owner"),
    t.quest_views.c.quest_id == bindparam("key_quest_id"),
)
_GET_VIEW = select(t.quest_views).where(*_VIEW_KEY)
_UPDATE_VIEW = update(t.quest_views).where(*_VIEW_KEY)
_INSERT_VIEW = insert(t.quest_views)
_DELETE_VIEW = delete(t.quest_views).where(*_VIEW_KEY)
_IS_FORGOTTEN = select(t.forgotten.c.quest_id).where(
    t.forgotten.c.owner == bindparam("key_owner"),
    t.forgotten.c.quest_id == bindparam("key_quest_id"),
)


class SqlQuestViews:
    """The read model's rows, on the unit of work's connection, always filtered by owner."""

    def __init__(self, uow: SqlAiUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId, quest_id: QuestId) -> QuestView | None:
        keys = {"key_owner": owner, "key_quest_id": quest_id}
        row = (await self._uow.connection.execute(_GET_VIEW, keys)).first()
        return None if row is None else _view(row)

    async def put(self, view: QuestView) -> None:
        row = _row(view)
        connection = self._uow.connection
        keys = {"key_owner": view.owner, "key_quest_id": view.quest_id}
        changed = await connection.execute(_UPDATE_VIEW, {**row, **keys})
        if changed.rowcount == 0:
            await connection.execute(_INSERT_VIEW, row)

    async def remove(self, owner: UserId, quest_id: QuestId) -> None:
        keys = {"key_owner": owner, "key_quest_id": quest_id}
        await self._uow.connection.execute(_DELETE_VIEW, keys)

    async def forget(self, owner: UserId, quest_id: QuestId, *, at: datetime) -> None:
        await self.remove(owner, quest_id)
        row = {"owner": owner, "quest_id": quest_id, "deleted_at": at}
        if await insert_if_absent(self._uow.connection, t.forgotten, row):
            self._uow.inserted("ai.ai_forgotten_quests")

    async def is_forgotten(self, owner: UserId, quest_id: QuestId) -> bool:
        keys = {"key_owner": owner, "key_quest_id": quest_id}
        return (await self._uow.connection.execute(_IS_FORGOTTEN, keys)).first() is not None

    async def of_owner(self, owner: UserId, *, open_only: bool = False) -> list[QuestView]:
        table = t.quest_views
        query = select(table).where(table.c.owner == owner)
        if open_only:
            query = query.where(table.c.status.in_(("todo", "active")))
        query = query.order_by(table.c.created_at, table.c.quest_id)
        return [_view(row) for row in await self._uow.connection.execute(query)]


class SqlPlayerZones:
    """Each player's time zone (``ai.ai_player_zones``), on the unit of work's connection."""

    def __init__(self, uow: SqlAiUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId) -> str | None:
        table = t.player_zones
        query = select(table.c.timezone).where(table.c.owner == owner)
        zone: str | None = (await self._uow.connection.execute(query)).scalar_one_or_none()
        return zone

    async def put(self, owner: UserId, timezone: str) -> None:
        table = t.player_zones
        changed = await self._uow.connection.execute(
            update(table).where(table.c.owner == owner).values(timezone=timezone)
        )
        if changed.rowcount == 0:
            await self._uow.connection.execute(insert(table).values(owner=owner, timezone=timezone))


class SqlAiUnitOfWork(SqlUnitOfWork):
    """One transaction over the ai service's read model, inbox and outbox."""

    service = "ai"

    def __init__(self, engine: AsyncEngine, clock: Any = None) -> None:
        super().__init__(engine, clock)
        self.quest_views = SqlQuestViews(self)
        self.player_zones = SqlPlayerZones(self)


__all__ = ["SqlAiUnitOfWork", "SqlPlayerZones", "SqlQuestViews", "SqlTokenUsageLedger"]
