"""Calendar feeds on SQL (SQLite and PostgreSQL): the integrations service's feeds, its copy of
each quest a calendar shows, and each owner's time zone (tables in
:mod:`adapters.sql.tables.integrations`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables import integrations as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.integrations.calendar.model import CalendarEntry, CalendarFeed, FeedKind
from questlog_core.kernel.ids import QuestId, UserId

__all__ = [
    "SqlCalendarEntries",
    "SqlCalendarFeeds",
    "SqlCalendarUnitOfWork",
    "SqlCalendarZones",
]


def _feed(row: Any) -> CalendarFeed:
    return CalendarFeed(
        feed_id=row.feed_id,
        owner=UserId(row.owner),
        label=row.label,
        token_hash=row.token_hash,
        created_at=row.created_at,
        rotated_at=row.rotated_at,
        revoked_at=row.revoked_at,
        kind=FeedKind(row.kind),
    )


def _entry(row: Any) -> CalendarEntry:
    return CalendarEntry(
        owner=UserId(row.owner),
        quest_id=QuestId(row.quest_id),
        title=row.title,
        notes=row.notes,
        tags=tuple(row.tags),
        category=row.category,
        priority=row.priority,
        status=row.status,
        due=row.due,
        completed_at=row.completed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        started=bool(row.started),
        estimate_minutes=row.estimate_minutes,
    )


class SqlCalendarFeeds:
    """The feeds on the unit of work's connection."""

    def __init__(self, uow: SqlCalendarUnitOfWork) -> None:
        self._uow = uow

    async def add(self, feed: CalendarFeed) -> None:
        f = t.calendar_feeds
        await self._uow.connection.execute(
            insert(f).values(
                feed_id=feed.feed_id,
                owner=feed.owner,
                label=feed.label,
                token_hash=feed.token_hash,
                created_at=feed.created_at,
                rotated_at=feed.rotated_at,
                revoked_at=feed.revoked_at,
                kind=feed.kind.value,
            )
        )
        self._uow.inserted("integrations.integrations_calendar_feeds")

    async def save(self, feed: CalendarFeed) -> None:
        f = t.calendar_feeds
        await self._uow.connection.execute(
            update(f)
            .where(f.c.feed_id == feed.feed_id, f.c.owner == feed.owner)
            .values(
                label=feed.label,
                token_hash=feed.token_hash,
                rotated_at=feed.rotated_at,
                revoked_at=feed.revoked_at,
                kind=feed.kind.value,
            )
        )

    async def get(self, owner: UserId, feed_id: UUID) -> CalendarFeed | None:
        f = t.calendar_feeds
        query = select(f).where(f.c.owner == owner, f.c.feed_id == feed_id)
        row = (await self._uow.connection.execute(query)).first()
        return None if row is None else _feed(row)

    async def of_owner(self, owner: UserId) -> list[CalendarFeed]:
        f = t.calendar_feeds
        query = select(f).where(f.c.owner == owner).order_by(f.c.created_at, f.c.feed_id)
        return [_feed(row) for row in await self._uow.connection.execute(query)]

    async def by_token_hash(self, token_hash: str) -> CalendarFeed | None:
        f = t.calendar_feeds
        query = select(f).where(f.c.token_hash == token_hash)
        row = (await self._uow.connection.execute(query)).first()
        return None if row is None else _feed(row)


# Built once: every quest event writes an entry (see adapters.sql.ai for why).
_INSERT_ENTRY = insert(t.calendar_entries)
_DELETE_ENTRY = delete(t.calendar_entries).where(
    t.calendar_entries.c.owner == bindparam("key_owner"),
    t.calendar_entries.c.quest_id == bindparam("key_quest_id"),
)


class SqlCalendarEntries:
    """The calendar's copy of each quest, always filtered by owner."""

    def __init__(self, uow: SqlCalendarUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId, quest_id: QuestId) -> CalendarEntry | None:
        e = t.calendar_entries
        query = select(e).where(e.c.owner == owner, e.c.quest_id == quest_id)
        row = (await self._uow.connection.execute(query)).first()
        return None if row is None else _entry(row)

    async def put(self, entry: CalendarEntry) -> None:
        await self.remove(entry.owner, entry.quest_id)
        await self._uow.connection.execute(
            _INSERT_ENTRY,
            {
                "owner": entry.owner,
                "quest_id": entry.quest_id,
                "title": entry.title,
                "notes": entry.notes,
                "tags": list(entry.tags),
                "category": entry.category,
                "priority": entry.priority,
                "status": entry.status,
                "due": entry.due,
                "completed_at": entry.completed_at,
                "created_at": entry.created_at,
                "updated_at": entry.updated_at,
                "started": entry.started,
                "estimate_minutes": entry.estimate_minutes,
            },
        )
        self._uow.inserted("integrations.integrations_calendar_entries")

    async def remove(self, owner: UserId, quest_id: QuestId) -> None:
        keys = {"key_owner": owner, "key_quest_id": quest_id}
        await self._uow.connection.execute(_DELETE_ENTRY, keys)

    async def in_feed(self, owner: UserId) -> list[CalendarEntry]:
        e = t.calendar_entries
        query = (
            select(e)
            .where(e.c.owner == owner, e.c.due.is_not(None), e.c.status != "archived")
            .order_by(e.c.due, e.c.quest_id)
        )
        return [_entry(row) for row in await self._uow.connection.execute(query)]


class SqlCalendarZones:
    """Each owner's time zone, as identity last announced it."""

    def __init__(self, uow: SqlCalendarUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId) -> str | None:
        z = t.calendar_zones
        query = select(z.c.timezone).where(z.c.owner == owner)
        value = (await self._uow.connection.execute(query)).scalar_one_or_none()
        return None if value is None else str(value)

    async def put(self, owner: UserId, timezone: str) -> None:
        z = t.calendar_zones
        connection = self._uow.connection
        await connection.execute(delete(z).where(z.c.owner == owner))
        await connection.execute(insert(z).values(owner=owner, timezone=timezone))


class SqlCalendarUnitOfWork(SqlUnitOfWork):
    """One transaction over the calendar feeds, entries and zones, and the integrations
    service's inbox and outbox."""

    service = "integrations"

    def __init__(self, engine: AsyncEngine, clock: Any = None) -> None:
        super().__init__(engine, clock)
        self.feeds = SqlCalendarFeeds(self)
        self.entries = SqlCalendarEntries(self)
        self.zones = SqlCalendarZones(self)
