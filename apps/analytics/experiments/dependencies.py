"""The experiments bus, read from the container in app state (one per container)."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.analytics.experiments.ports import ExperimentUnitOfWork
from questlog_core.kernel.bus import MessageBus


def provide_experiments_bus(state: State) -> MessageBus[ExperimentUnitOfWork]:
    """The container's experiments bus (it asks for a unit of work on every message, so a
    provider replaced later is used)."""
    bus: MessageBus[ExperimentUnitOfWork] = container_of(state).experiments_bus()
    return bus


#: the experiments bus, as a handler parameter (``bus: ExperimentsBus``)
ExperimentsBus = NamedDependency[SkipValidation[MessageBus[ExperimentUnitOfWork]]]

DEPENDENCIES: dict[str, Provide] = {
    "bus": Provide(provide_experiments_bus, sync_to_thread=False),
}
