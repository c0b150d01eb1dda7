"""The search service's dependencies, read from the container in app state.

``search_uow`` only reads (on SQLite it never takes the write lock); the query log is written
after the answer is sent, through a unit of work of its own (:func:`search_writer`).
"""

from __future__ import annotations

from collections.abc import Callable

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.search.ports import SearchUnitOfWork


def provide_search_uow(state: State) -> SearchUnitOfWork:
    uow: SearchUnitOfWork = container_of(state).search_reader_uow()
    return uow


def search_writer(state: State) -> Callable[[], SearchUnitOfWork]:
    """Makes units of work that write (for the query log)."""
    maker: Callable[[], SearchUnitOfWork] = container_of(state).search_uow
    return maker


SearchUowDep = NamedDependency[SkipValidation[SearchUnitOfWork]]

#: the dependencies of the search controllers
DEPENDENCIES: dict[str, Provide] = {
    "search_uow": Provide(provide_search_uow, sync_to_thread=False),
}
