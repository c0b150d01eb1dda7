"""The search service's dependencies, read from the container in app state.

``bus`` is the search context's message bus (:mod:`questlog_core.search.bootstrap`): the
controllers build a message and dispatch it there. Its queries only read (on SQLite they never
take the write lock); the query log is written after the answer is sent, by a command on a
unit of work of its own.
"""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.kernel.bus import MessageBus
from questlog_core.search.bootstrap import bootstrap
from questlog_core.search.ports import SearchUnitOfWork


def provide_search_bus(state: State) -> MessageBus[SearchUnitOfWork]:
    """The search bus, bootstrapped once per app. It asks the container for a unit of work on
    every message, so a provider replaced later is used."""
    bus: MessageBus[SearchUnitOfWork] | None = getattr(state, "search_bus", None)
    if bus is None:
        container = container_of(state)
        bus = bootstrap(writer=container.search_uow, reader=container.search_reader_uow)
        state.search_bus = bus
    return bus


#: the search bus, as a handler parameter (``bus: SearchBus``)
SearchBus = NamedDependency[SkipValidation[MessageBus[SearchUnitOfWork]]]

#: the dependencies of the search controllers
DEPENDENCIES: dict[str, Provide] = {
    "bus": Provide(provide_search_bus, sync_to_thread=False),
}
