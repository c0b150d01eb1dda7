"""The external sign-in commands and queries as messages for the identity bus, and their
handlers (bound to :class:`~.external_login.ExternalSignInUseCases`; see
:func:`questlog_core.identity.bootstrap.bootstrap`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from questlog_core.identity.tokens import Principal
from questlog_core.identity.use_cases.external_login import (
    ExternalSignInStarted,
    ExternalSignInUseCases,
    LinkedIdentity,
    SignInProvider,
)
from questlog_core.identity.use_cases.results import SignedIn
from questlog_core.identity.use_cases.second_factor import SecondFactorRequired

Handler = Callable[[Any, Any], Awaitable[Any]]


class ListSignInProviders(msgspec.Struct, frozen=True, kw_only=True):
    """Which providers this deployment offers."""


class StartExternalSignIn(msgspec.Struct, frozen=True, kw_only=True):
    provider: str
    ip: str | None = None


class FinishExternalSignIn(msgspec.Struct, frozen=True, kw_only=True):
    provider: str
    code: str
    state: str
    #: the binding secret the browser kept from the start (its cookie), if any
    binding: str | None
    ip: str | None = None
    user_agent: str | None = None


class ListLinkedIdentities(msgspec.Struct, frozen=True, kw_only=True):
    principal: Principal


class UnlinkIdentity(msgspec.Struct, frozen=True, kw_only=True):
    principal: Principal
    provider: str


EXTERNAL_QUERIES: frozenset[type[msgspec.Struct]] = frozenset(
    {ListSignInProviders, ListLinkedIdentities}
)


def external_handlers(
    external: Callable[[], ExternalSignInUseCases],
) -> dict[type[msgspec.Struct], Handler]:
    """Each external sign-in message mapped to its use case (``external`` is asked for the
    use cases on every message, like the other identity handlers)."""

    async def providers(m: ListSignInProviders, _: object) -> list[SignInProvider]:
        return external().providers()

    async def start(m: StartExternalSignIn, _: object) -> ExternalSignInStarted:
        return await external().start(m.provider, ip=m.ip)

    async def finish(m: FinishExternalSignIn, _: object) -> SignedIn | SecondFactorRequired:
        return await external().finish(
            m.provider,
            code=m.code,
            state=m.state,
            binding=m.binding,
            ip=m.ip,
            user_agent=m.user_agent,
        )

    async def linked(m: ListLinkedIdentities, _: object) -> list[LinkedIdentity]:
        return await external().linked_identities(m.principal)

    async def unlink(m: UnlinkIdentity, _: object) -> None:
        await external().unlink(m.principal, m.provider)

    return {
        ListSignInProviders: providers,
        StartExternalSignIn: start,
        FinishExternalSignIn: finish,
        ListLinkedIdentities: linked,
        UnlinkIdentity: unlink,
    }


__all__ = [
    "EXTERNAL_QUERIES",
    "ExternalSignInStarted",
    "FinishExternalSignIn",
    "LinkedIdentity",
    "ListLinkedIdentities",
    "ListSignInProviders",
    "SignInProvider",
    "StartExternalSignIn",
    "UnlinkIdentity",
    "external_handlers",
]
