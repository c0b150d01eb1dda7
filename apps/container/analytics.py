"""The analytics part: the analytics service's recorded product events (fed by the other
services' events through its consumer; its own tables on SQL)."""

from __future__ import annotations

from dependency_injector import providers

from adapters.memory.analytics import InMemoryAnalyticsStore, InMemoryAnalyticsUnitOfWork
from adapters.sql.analytics import SqlAnalyticsUnitOfWork, reading_analytics_uow
from apps.container.platform import Platform


class AnalyticsPart(Platform):
    """Recording product events and reading them back (see the module docstring)."""

    #: the recorded events in memory (``memory://``)
    analytics_store = providers.Singleton(InMemoryAnalyticsStore)
    #: the summary, the export and the daily view: never take SQLite's write lock
    analytics_reader_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryAnalyticsUnitOfWork, store=analytics_store),
        sql=providers.Factory(reading_analytics_uow, engine=Platform.engine, clock=Platform.clock),
    )
    #: the consumer's writes
    analytics_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryAnalyticsUnitOfWork, store=analytics_store),
        sql=providers.Factory(SqlAnalyticsUnitOfWork, engine=Platform.engine, clock=Platform.clock),
    )


__all__ = ["AnalyticsPart"]
