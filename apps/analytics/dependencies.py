"""The analytics service's dependencies, read from the container in app state.

``bus`` is the analytics context's message bus (:mod:`questlog_core.analytics.bootstrap`): the
controllers build a query and dispatch it there. Every query only reads (on SQLite it never
takes the write lock): the records are written by the analytics consumer, never by a request.
"""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.analytics.bootstrap import bootstrap
from questlog_core.analytics.ports import AnalyticsUnitOfWork
from questlog_core.kernel.bus import MessageBus


def provide_analytics_bus(state: State) -> MessageBus[AnalyticsUnitOfWork]:
    """The analytics bus, bootstrapped once per app. It asks the container for a unit of work
    on every message, so a provider replaced later is used."""
    bus: MessageBus[AnalyticsUnitOfWork] | None = getattr(state, "analytics_bus", None)
    if bus is None:
        container = container_of(state)
        bus = bootstrap(reader=container.analytics_reader_uow)
        state.analytics_bus = bus
    return bus


#: the analytics bus, as a handler parameter (``bus: AnalyticsBus``)
AnalyticsBus = NamedDependency[SkipValidation[MessageBus[AnalyticsUnitOfWork]]]

#: the dependencies of the analytics controllers
DEPENDENCIES: dict[str, Provide] = {
    "bus": Provide(provide_analytics_bus, sync_to_thread=False),
}
