"""The notification service's dependencies, read from the container in app state.

``bus`` is the notification context's message bus
(:mod:`questlog_core.notifications.bootstrap`): the controllers build a message and dispatch
it there.
"""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.kernel.bus import MessageBus
from questlog_core.notifications.bootstrap import bootstrap
from questlog_core.notifications.ports import NotificationUnitOfWork


def provide_notification_bus(state: State) -> MessageBus[NotificationUnitOfWork]:
    """The notification bus, bootstrapped once per app. It asks the container for a unit of
    work, the clock and the id factory on every message, so a provider replaced later is
    used."""
    bus: MessageBus[NotificationUnitOfWork] | None = getattr(state, "notification_bus", None)
    if bus is None:
        container = container_of(state)
        bus = bootstrap(
            unit_of_work=container.notification_uow, clock=container.clock, ids=container.ids
        )
        state.notification_bus = bus
    return bus


#: the notification bus, as a handler parameter (``bus: NotificationBus``)
NotificationBus = NamedDependency[SkipValidation[MessageBus[NotificationUnitOfWork]]]

#: the dependencies of the notification controllers
DEPENDENCIES: dict[str, Provide] = {
    "bus": Provide(provide_notification_bus, sync_to_thread=False),
}
