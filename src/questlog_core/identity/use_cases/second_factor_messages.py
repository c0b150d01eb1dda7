"""Two-step sign-in's commands and queries for the identity bus, and the handler of each
(bound to :class:`~questlog_core.identity.use_cases.second_factor.SecondFactorUseCases`
methods of the auth service, like :mod:`.messages`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import msgspec

from questlog_core.identity.tokens import Principal
from questlog_core.identity.use_cases.results import SignedIn
from questlog_core.identity.use_cases.second_factor import (
    RecoveryCodes,
    SecondFactorRequired,
    SecondFactorStatus,
    TotpEnrolment,
)

if TYPE_CHECKING:
    from questlog_core.identity.use_cases import AuthService


class CompleteSignIn(msgspec.Struct, frozen=True, kw_only=True):
    """The second step of a sign-in: the challenge and a code or a recovery code."""

    challenge: str
    code: str | None = None
    recovery_code: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    device_cookie: str | None = None


class GetSecondFactor(msgspec.Struct, frozen=True, kw_only=True):
    """Whether the caller's sign-ins need a code."""

    principal: Principal


class EnrolTotp(msgspec.Struct, frozen=True, kw_only=True):
    """Start (or restart) adding an authenticator app."""

    principal: Principal


class ConfirmTotp(msgspec.Struct, frozen=True, kw_only=True):
    """Turn two-step sign-in on with a first code (answers the recovery codes)."""

    principal: Principal
    code: str


class RegenerateRecoveryCodes(msgspec.Struct, frozen=True, kw_only=True):
    """Ten new recovery codes (the old ones stop working), proven by a current code."""

    principal: Principal
    code: str


class DisableTotp(msgspec.Struct, frozen=True, kw_only=True):
    """Turn two-step sign-in off, proven by a code, a recovery code or the password."""

    principal: Principal
    code: str | None = None
    recovery_code: str | None = None
    password: str | None = None


#: the messages that only read
QUERIES: frozenset[type[msgspec.Struct]] = frozenset({GetSecondFactor})

Handler = Callable[[Any, Any], Awaitable[Any]]


def handlers(auth: Callable[[], AuthService]) -> dict[type[msgspec.Struct], Handler]:
    """Every two-step sign-in message mapped to its ``AuthService`` method."""

    async def complete(m: CompleteSignIn, _: object) -> SignedIn:
        return await auth().complete_sign_in(
            challenge=m.challenge,
            code=m.code,
            recovery_code=m.recovery_code,
            ip=m.ip,
            user_agent=m.user_agent,
            device_cookie=m.device_cookie,
        )

    async def status(m: GetSecondFactor, _: object) -> SecondFactorStatus:
        return await auth().second_factor_status(m.principal)

    async def enrol(m: EnrolTotp, _: object) -> TotpEnrolment:
        return await auth().enrol_totp(m.principal)

    async def confirm(m: ConfirmTotp, _: object) -> RecoveryCodes:
        return await auth().confirm_totp(m.principal, code=m.code)

    async def regenerate(m: RegenerateRecoveryCodes, _: object) -> RecoveryCodes:
        return await auth().regenerate_recovery_codes(m.principal, code=m.code)

    async def disable(m: DisableTotp, _: object) -> None:
        await auth().disable_totp(
            m.principal, code=m.code, recovery_code=m.recovery_code, password=m.password
        )

    return {
        CompleteSignIn: complete,
        GetSecondFactor: status,
        EnrolTotp: enrol,
        ConfirmTotp: confirm,
        DisableTotp: disable,
        RegenerateRecoveryCodes: regenerate,
    }


__all__ = [
    "QUERIES",
    "CompleteSignIn",
    "ConfirmTotp",
    "DisableTotp",
    "EnrolTotp",
    "GetSecondFactor",
    "RecoveryCodes",
    "RegenerateRecoveryCodes",
    "SecondFactorRequired",
    "SecondFactorStatus",
    "SignedIn",
    "TotpEnrolment",
    "handlers",
]
