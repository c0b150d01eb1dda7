"""The experiments part (analytics service): experiment definitions and the exposure log (its
tables in the analytics schema on SQL), the experiments bus and the in-process
:class:`~questlog_core.analytics.experiments.ports.ExperimentAssignments` for apps that run
beside the analytics service."""

from __future__ import annotations

from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import SystemClock
from adapters.memory.experiments import InMemoryExperimentStore, InMemoryExperimentUnitOfWork
from adapters.sql.experiments import SqlExperimentUnitOfWork
from apps.container.platform import Platform
from questlog_core.analytics.experiments.assignments import LocalExperimentAssignments
from questlog_core.analytics.experiments.bootstrap import bootstrap


def reading_experiment_uow(engine: AsyncEngine, clock: SystemClock) -> SqlExperimentUnitOfWork:
    """An experiments unit of work for queries only (on SQLite: no write lock)."""
    return SqlExperimentUnitOfWork(engine, clock).reading()


class ExperimentsPart(Platform):
    """Experiments: definitions, exposures, the bus and the local assignments port."""

    #: experiments and exposures in memory (``memory://``)
    experiment_store = providers.Singleton(InMemoryExperimentStore)
    #: definitions, exposures and the completion counter's writes
    experiment_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryExperimentUnitOfWork, store=experiment_store),
        sql=providers.Factory(
            SqlExperimentUnitOfWork, engine=Platform.engine, clock=Platform.clock
        ),
    )
    #: reading experiments and summaries
    experiment_reader_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryExperimentUnitOfWork, store=experiment_store),
        sql=providers.Factory(reading_experiment_uow, engine=Platform.engine, clock=Platform.clock),
    )
    #: the experiments bus of this process
    experiments_bus = providers.Singleton(
        bootstrap, writer=experiment_uow.provider, reader=experiment_reader_uow.provider
    )
    #: "which variant am I in" for code running in this process (records the exposure)
    experiment_assignments = providers.Singleton(
        LocalExperimentAssignments, bus=experiments_bus, clock=Platform.clock
    )


__all__ = ["ExperimentsPart", "reading_experiment_uow"]
