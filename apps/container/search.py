"""The search part: the search service's full-text index of quests and its query log (fed by
quest events; its own tables on SQL)."""

from __future__ import annotations

from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import SystemClock
from adapters.memory.search import InMemorySearchStore, InMemorySearchUnitOfWork
from adapters.sql.search import SqlSearchUnitOfWork
from apps.container.platform import Platform


def reading_search_uow(engine: AsyncEngine, clock: SystemClock) -> SqlSearchUnitOfWork:
    """A search unit of work for queries only (on SQLite: no write lock; it cannot commit)."""
    return SqlSearchUnitOfWork(engine, clock).reading()


class SearchPart(Platform):
    """Searching quests and the analytics of what is searched (see the module docstring)."""

    #: the search index and query log in memory (``memory://``)
    search_store = providers.Singleton(InMemorySearchStore)
    #: searches and the analytics summary: never take SQLite's write lock, never commit
    search_reader_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemorySearchUnitOfWork, store=search_store),
        sql=providers.Factory(reading_search_uow, engine=Platform.engine, clock=Platform.clock),
    )
    #: the index's consumer and the query log's writes
    search_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemorySearchUnitOfWork, store=search_store),
        sql=providers.Factory(SqlSearchUnitOfWork, engine=Platform.engine, clock=Platform.clock),
    )


__all__ = ["SearchPart", "reading_search_uow"]
