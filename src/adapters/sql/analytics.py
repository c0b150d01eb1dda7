"""Analytics on SQL (SQLite and PostgreSQL): the recorded events in ``analytics_events``.

Each row keeps its UTC ``day`` beside its moment, written with it, so the admins' daily
figures are one ``GROUP BY day`` alike on both databases.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables import analytics as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.analytics.model import DailyFigures, Kind, RecordedEvent
from questlog_core.kernel.ids import EventId, UserId

__all__ = ["SqlAnalyticsRecords", "SqlAnalyticsUnitOfWork", "reading_analytics_uow"]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _event(row: Any) -> RecordedEvent:
    return RecordedEvent(
        event_id=EventId(row.event_id),
        owner=UserId(row.owner),
        kind=Kind(row.kind),
        at=_aware(row.at),
        properties=dict(row.properties),
        position=int(row.id),
    )


def _day(value: date | str) -> date:
    # SQLite may hand a grouped date back as its stored text
    return date.fromisoformat(value) if isinstance(value, str) else value


# Built once per dialect: every recorded event runs it.
_RECORD = {
    "postgresql": pg_insert(t.events).on_conflict_do_nothing(index_elements=["event_id"]),
    "sqlite": sqlite_insert(t.events).on_conflict_do_nothing(index_elements=["event_id"]),
}


class SqlAnalyticsRecords:
    """The recorded events on the unit of work's connection."""

    def __init__(self, uow: SqlAnalyticsUnitOfWork) -> None:
        self._uow = uow

    async def add(self, event: RecordedEvent) -> bool:
        values = {
            "event_id": event.event_id,
            "owner": event.owner,
            "kind": event.kind.value,
            "at": event.at,
            "day": event.day,
            "properties": dict(event.properties),
        }
        connection = self._uow.connection
        result = await connection.execute(_RECORD[connection.dialect.name], values)
        added = bool(result.rowcount)
        if added:
            self._uow.inserted("analytics.analytics_events")
        return added

    async def forget_before(self, day: date) -> int:
        result = await self._uow.connection.execute(delete(t.events).where(t.events.c.day < day))
        return int(result.rowcount or 0)

    async def of_owner(
        self, owner: UserId, since: datetime, until: datetime
    ) -> list[RecordedEvent]:
        e = t.events.c
        rows = await self._uow.connection.execute(
            select(t.events)
            .where(e.owner == owner, e.at >= since, e.at < until)
            .order_by(e.at, e.id)
        )
        return [_event(row) for row in rows]

    async def page_of_owner(self, owner: UserId, after: int, limit: int) -> list[RecordedEvent]:
        e = t.events.c
        rows = await self._uow.connection.execute(
            select(t.events).where(e.owner == owner, e.id > after).order_by(e.id).limit(limit)
        )
        return [_event(row) for row in rows]

    async def daily(self, first: date, last: date) -> list[DailyFigures]:
        e = t.events.c
        completed = e.kind == Kind.QUEST_COMPLETED.value
        rows = await self._uow.connection.execute(
            select(
                e.day,
                func.count(e.owner.distinct()).label("active_users"),
                func.coalesce(func.sum(case((completed, 1), else_=0)), 0).label("completions"),
                func.count(case((completed, e.owner)).distinct()).label("completing_users"),
            )
            .where(e.day >= first, e.day <= last)
            .group_by(e.day)
            .order_by(e.day)
        )
        return [
            DailyFigures(
                day=_day(row.day),
                active_users=int(row.active_users),
                completions=int(row.completions),
                completing_users=int(row.completing_users),
            )
            for row in rows
        ]


class SqlAnalyticsUnitOfWork(SqlUnitOfWork):
    """One transaction over the recorded events, the inbox and the outbox."""

    service = "analytics"

    def __init__(self, engine: AsyncEngine, clock: Any = None) -> None:
        super().__init__(engine, clock)
        self.records = SqlAnalyticsRecords(self)


def reading_analytics_uow(engine: AsyncEngine, clock: Any = None) -> SqlAnalyticsUnitOfWork:
    """An analytics unit of work for queries only (on SQLite: no write lock; it cannot
    commit)."""
    return SqlAnalyticsUnitOfWork(engine, clock).reading()
