"""The integrations service's dependencies, read from the container in app state.

``bus`` is the integrations context's message bus (:mod:`questlog_core.integrations.bootstrap`):
the controllers build a message and dispatch it there. Queries run on read-only units of work.
"""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.integrations.bootstrap import bootstrap
from questlog_core.integrations.ports import IntegrationsUnitOfWork
from questlog_core.integrations.use_cases import Webhooks
from questlog_core.kernel.bus import MessageBus


def provide_integrations_bus(state: State) -> MessageBus[IntegrationsUnitOfWork]:
    """The integrations bus, bootstrapped once per app. It asks the container for a unit of
    work on every message, so a provider replaced later is used."""
    bus: MessageBus[IntegrationsUnitOfWork] | None = getattr(state, "integrations_bus", None)
    if bus is None:
        container = container_of(state)
        webhooks = Webhooks(
            resolver=container.webhook_resolver(),
            clock=container.clock(),
            ids=container.ids(),
            policy=container.webhook_policy(),
        )
        bus = bootstrap(
            writer=container.integrations_uow,
            reader=container.integrations_reader_uow,
            webhooks=webhooks,
        )
        state.integrations_bus = bus
    return bus


#: the integrations bus, as a handler parameter (``bus: IntegrationsBus``)
IntegrationsBus = NamedDependency[SkipValidation[MessageBus[IntegrationsUnitOfWork]]]

#: the dependencies of the integrations controllers
DEPENDENCIES: dict[str, Provide] = {
    "bus": Provide(provide_integrations_bus, sync_to_thread=False),
}
