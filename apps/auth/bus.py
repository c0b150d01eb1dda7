"""The identity bus for the auth controllers (``bus: IdentityBus``)."""

from __future__ import annotations

from uuid import UUID

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.identity.bootstrap import OwnUnitOfWork, bootstrap
from questlog_core.identity.use_cases.messages import Profile
from questlog_core.kernel.bus import MessageBus


def provide_identity_bus(state: State) -> MessageBus[OwnUnitOfWork]:
    """The identity bus, bootstrapped once per app. It asks the container for the auth
    service and the profile cache on every message, so a provider replaced later is used."""
    bus: MessageBus[OwnUnitOfWork] | None = getattr(state, "identity_bus", None)
    if bus is None:
        container = container_of(state)

        async def read_profile(user_id: UUID) -> Profile:
            profile: Profile = await container.profile_reads().get(user_id)
            return profile

        bus = bootstrap(auth=container.auth_service, read_profile=read_profile)
        state.identity_bus = bus
    return bus


#: the identity bus, as a handler parameter (``bus: IdentityBus``)
IdentityBus = NamedDependency[SkipValidation[MessageBus[OwnUnitOfWork]]]
#: the auth controllers' dependencies: ``bus``
IDENTITY_BUS: dict[str, Provide] = {"bus": Provide(provide_identity_bus, sync_to_thread=False)}
