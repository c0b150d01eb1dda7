"""The identity bus for the auth controllers (``bus: IdentityBus``)."""

from __future__ import annotations

from uuid import UUID

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.identity.bootstrap import OwnUnitOfWork, bootstrap
from questlog_core.identity.tokens import Principal
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

        bus = bootstrap(
            auth=container.auth_service,
            read_profile=read_profile,
            external=container.external_sign_in,
        )
        state.identity_bus = bus
    return bus


def provide_identity_bus_for_caller(
    state: State, user: SkipValidation[Principal]
) -> MessageBus[OwnUnitOfWork]:
    """The same bus for controllers whose every route is signed in. It takes ``user``
    (unused) so Litestar resolves ``user`` and then the bus one after the other instead of
    concurrently in a task group, which costs more per request than both (see the note in
    :mod:`apps.http.dependencies`)."""
    return provide_identity_bus(state)


#: the identity bus, as a handler parameter (``bus: IdentityBus``)
IdentityBus = NamedDependency[SkipValidation[MessageBus[OwnUnitOfWork]]]
#: the dependencies of an auth controller with public routes: ``bus``
IDENTITY_BUS: dict[str, Provide] = {"bus": Provide(provide_identity_bus, sync_to_thread=False)}
#: the dependencies of an auth controller whose every route is signed in: ``bus``
CALLER_IDENTITY_BUS: dict[str, Provide] = {
    "bus": Provide(provide_identity_bus_for_caller, sync_to_thread=False)
}
