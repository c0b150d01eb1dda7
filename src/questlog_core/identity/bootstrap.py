"""The identity context's message bus, with every handler registered.

The composition root calls :func:`bootstrap` once; the auth HTTP controllers then build a
command or query (:mod:`.use_cases.messages`) and ``await bus.handle(message)``.

Unlike the other contexts, the auth use cases open their own unit of work (a sign-in throttles,
checks the password and commits; a refresh that detects reuse commits the revocation before it
fails), so the handlers are thin delegates to :class:`~questlog_core.identity.use_cases.AuthService`
and the bus is given :class:`OwnUnitOfWork`, a stand-in with no events to publish in process:
identity's events reach their consumers through the outbox the use cases commit to.
"""

from __future__ import annotations

from collections.abc import Callable

from questlog_core.identity.use_cases import AuthService, second_factor_messages
from questlog_core.identity.use_cases.external_login import ExternalSignInUseCases
from questlog_core.identity.use_cases.external_messages import EXTERNAL_QUERIES, external_handlers
from questlog_core.identity.use_cases.messages import QUERIES, ProfileRead, handlers
from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.events import DomainEvent

__all__ = ["OwnUnitOfWork", "bootstrap"]


class OwnUnitOfWork:
    """What the identity bus hands each handler: nothing to use (the use case opens its own
    unit of work) and no events for in-process subscribers."""

    def committed_events(self) -> list[DomainEvent]:
        return []


_NOTHING = OwnUnitOfWork()


def bootstrap(
    *,
    auth: Callable[[], AuthService],
    read_profile: ProfileRead | None = None,
    external: Callable[[], ExternalSignInUseCases] | None = None,
) -> MessageBus[OwnUnitOfWork]:
    """The identity bus: every auth command and query routed to its ``AuthService`` method.

    ``auth`` gives the service for each message (the container's provider); ``read_profile``
    is where a :class:`~.use_cases.messages.GetProfile` reads (the profile cache at the edge);
    ``external`` gives the external sign-in use cases (:mod:`.use_cases.external_messages`).
    """
    bus: MessageBus[OwnUnitOfWork] = MessageBus(lambda: _NOTHING)
    for message_type, handler in handlers(auth, read_profile).items():
        if message_type in QUERIES:
            bus.register_query(message_type, handler)
        else:
            bus.register(message_type, handler)
    if external is not None:
        for message_type, handler in external_handlers(external).items():
            if message_type in EXTERNAL_QUERIES:
                bus.register_query(message_type, handler)
            else:
                bus.register(message_type, handler)
    for message_type, handler in second_factor_messages.handlers(auth).items():
        if message_type in second_factor_messages.QUERIES:
            bus.register_query(message_type, handler)
        else:
            bus.register(message_type, handler)
    return bus
