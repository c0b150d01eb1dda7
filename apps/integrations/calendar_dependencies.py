"""The calendar feed routes' dependencies, read from the container in app state.

``bus`` is the calendar feeds' message bus
(:mod:`questlog_core.integrations.calendar.bootstrap`): the controllers build a message and
dispatch it there; listing and reading feeds only read.
"""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.integrations.calendar.bootstrap import bootstrap
from questlog_core.integrations.calendar.ports import CalendarUnitOfWork
from questlog_core.kernel.bus import MessageBus


def provide_calendar_bus(state: State) -> MessageBus[CalendarUnitOfWork]:
    """The calendar bus, bootstrapped once per app. It asks the container for a unit of work
    on every message, so a provider replaced later is used."""
    bus: MessageBus[CalendarUnitOfWork] | None = getattr(state, "calendar_bus", None)
    if bus is None:
        container = container_of(state)
        bus = bootstrap(
            writer=container.calendar_uow,
            reader=container.calendar_reader_uow,
            clock=container.clock(),
            ids=container.ids(),
            renderer=container.calendar_renderer(),
        )
        state.calendar_bus = bus
    return bus


#: the calendar bus, as a handler parameter (``bus: CalendarBus``)
CalendarBus = NamedDependency[SkipValidation[MessageBus[CalendarUnitOfWork]]]

#: the dependencies of the calendar controllers
CALENDAR_DEPENDENCIES: dict[str, Provide] = {
    "bus": Provide(provide_calendar_bus, sync_to_thread=False),
}
