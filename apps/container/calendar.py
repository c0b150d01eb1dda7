"""The calendar part: the integrations service's calendar feeds, its copy of each quest a
calendar shows and each owner's time zone (fed by quest and identity events; its own tables on
SQL), and the iCalendar renderer."""

from __future__ import annotations

from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.ical import ICalendarRenderer
from adapters.memory.calendar import InMemoryCalendarStore, InMemoryCalendarUnitOfWork
from adapters.memory.clock import SystemClock
from adapters.sql.calendar import SqlCalendarUnitOfWork
from apps.container.platform import Platform


def reading_calendar_uow(engine: AsyncEngine, clock: SystemClock) -> SqlCalendarUnitOfWork:
    """A calendar unit of work for queries only (on SQLite: no write lock; it cannot commit)."""
    return SqlCalendarUnitOfWork(engine, clock).reading()


class CalendarPart(Platform):
    """Calendar feeds (see the module docstring)."""

    #: feeds, entries and zones in memory (``memory://``)
    calendar_store = providers.Singleton(InMemoryCalendarStore)
    #: listing and reading feeds: never take SQLite's write lock, never commit
    calendar_reader_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryCalendarUnitOfWork, store=calendar_store),
        sql=providers.Factory(reading_calendar_uow, engine=Platform.engine, clock=Platform.clock),
    )
    #: making, rotating and revoking feeds, and the projection's consumer
    calendar_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryCalendarUnitOfWork, store=calendar_store),
        sql=providers.Factory(SqlCalendarUnitOfWork, engine=Platform.engine, clock=Platform.clock),
    )
    #: turns a feed's quests into RFC 5545
    calendar_renderer = providers.Singleton(ICalendarRenderer)


__all__ = ["CalendarPart", "reading_calendar_uow"]
