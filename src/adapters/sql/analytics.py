"""Analytics on SQL (SQLite and PostgreSQL): the recorded events in ``analytics_events``, each
player's time zone in ``analytics_player_zones``.

Each row keeps its UTC ``day`` and the player's own ``local_day`` beside its moment, written
with it, so the admins' daily figures are one ``GROUP BY day`` alike on both databases and a
player's summary reads one range of ``local_day``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables import analytics as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.analytics.model import DailyFigures, Kind, RecordedEvent
from questlog_core.kernel.ids import EventId, UserId

__all__ = [
    "SqlAnalyticsPlayerZones",
    "SqlAnalyticsRecords",
    "SqlAnalyticsUnitOfWork",
    "reading_analytics_uow",
]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _event(row: Any) -> RecordedEvent:
    return RecordedEvent(
        event_id=EventId(row.event_id),
        owner=UserId(row.owner),
        kind=Kind(row.kind),
        at=_aware(row.at),
        properties=dict(row.properties),
        local_day=_day(row.local_day) if row.local_day is not None else None,
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

_ZONE_OF = select(t.player_zones.c.timezone).where(t.player_zones.c.owner == bindparam("key_owner"))
_SET_ZONE = (
    update(t.player_zones)
    .where(t.player_zones.c.owner == bindparam("key_owner"))
    .values(timezone=bindparam("timezone"))
)
_ADD_ZONE = insert(t.player_zones)


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
            "local_day": event.player_day,
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

    async def of_owner_on_days(self, owner: UserId, first: date, last: date) -> list[RecordedEvent]:
        e = t.events.c
        rows = await self._uow.connection.execute(
            select(t.events)
            .where(e.owner == owner, e.local_day >= first, e.local_day <= last)
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


class SqlAnalyticsPlayerZones:
    """Each player's time zone (``analytics.analytics_player_zones``), on the unit of work's
    connection."""

    def __init__(self, uow: SqlAnalyticsUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId) -> str | None:
        found = await self._uow.connection.execute(_ZONE_OF, {"key_owner": owner})
        zone: str | None = found.scalar_one_or_none()
        return zone

    async def put(self, owner: UserId, timezone: str) -> None:
        connection = self._uow.connection
        changed = await connection.execute(_SET_ZONE, {"key_owner": owner, "timezone": timezone})
        if changed.rowcount == 0:
            await connection.execute(_ADD_ZONE, {"owner": owner, "timezone": timezone})


class SqlAnalyticsUnitOfWork(SqlUnitOfWork):
    """One transaction over the recorded events, the players' time zones, the inbox and the
    outbox."""

    service = "analytics"

    def __init__(self, engine: AsyncEngine, clock: Any = None) -> None:
        super().__init__(engine, clock)
        self.records = SqlAnalyticsRecords(self)
        self.player_zones = SqlAnalyticsPlayerZones(self)


def reading_analytics_uow(engine: AsyncEngine, clock: Any = None) -> SqlAnalyticsUnitOfWork:
    """An analytics unit of work for queries only (on SQLite: no write lock; it cannot
    commit)."""
    return SqlAnalyticsUnitOfWork(engine, clock).reading()
