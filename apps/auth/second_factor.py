"""Two-step sign-in (TOTP) endpoints: the second step of a sign-in, and turning an
authenticator app on and off for the caller's own account. Each handler builds a message of
:mod:`questlog_core.identity.use_cases.second_factor_messages` and dispatches it."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from apps.auth.bus import CALLER_IDENTITY_BUS, IDENTITY_BUS, IdentityBus
from apps.auth.controllers import DEVICE_COOKIE, _agent, _device_cookie, _ip
from apps.auth.schemas import Password
from apps.http.dependencies import CurrentUser
from apps.http.permissions import public, requires
from questlog_core.identity.rbac import Permission
from questlog_core.identity.use_cases import second_factor_messages as two_step
from questlog_core.identity.use_cases.results import TokenPair
from questlog_core.identity.use_cases.second_factor_messages import (
    RecoveryCodes,
    SecondFactorStatus,
    SignedIn,
    TotpEnrolment,
)

#: a code from the authenticator app (spaces allowed, as apps show ``123 456``)
TotpCode = Annotated[
    str, msgspec.Meta(min_length=6, max_length=8, pattern=r"^[0-9 ]+$", examples=["123456"])
]
#: one of the recovery codes (dashes and case do not matter)
RecoveryCode = Annotated[
    str,
    msgspec.Meta(
        min_length=16,
        max_length=40,
        pattern=r"^[A-Za-z2-7 -]+$",
        examples=["abcd-efgh-ijkl-mnop"],
    ),
]
#: the challenge a password sign-in answered
Challenge = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class TotpLoginIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The second step of a sign-in: the challenge and either a code or a recovery code."""

    challenge: Challenge
    code: TotpCode | None = None
    recovery_code: RecoveryCode | None = None


class TotpConfirmIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The first code the app shows after adding the enrolment."""

    code: TotpCode


class TotpCodeIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A current code of the enrolled authenticator app."""

    code: TotpCode


class TotpDisableIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One proof: a current code, an unused recovery code or the password."""

    code: TotpCode | None = None
    recovery_code: RecoveryCode | None = None
    password: Password | None = None


class SecondStepController(Controller):
    """The second step of a password sign-in with two-step sign-in on."""

    dependencies = IDENTITY_BUS
    path = "/api/v1/auth/login"
    tags = ["auth"]

    @post(
        "/totp",
        status_code=200,
        rate_limited=True,
        checks_credentials=True,
        **public(),
    )
    async def login_totp(
        self, request: Request[Any, Any, Any], data: JSONBody[TotpLoginIn], bus: IdentityBus
    ) -> Response[TokenPair]:
        """Finish a sign-in: the ``challenge`` a password sign-in answered, and a current
        ``code`` from the app or an unused ``recovery_code`` (exactly one). Answers the tokens
        and device cookie a sign-in would. A wrong or replayed code is a 401 and spends the
        sign-in failure budget; five wrong codes spend the challenge."""
        signed: SignedIn = await bus.handle(
            two_step.CompleteSignIn(
                challenge=data.challenge,
                code=data.code,
                recovery_code=data.recovery_code,
                ip=_ip(request),
                user_agent=_agent(request),
                device_cookie=request.cookies.get(DEVICE_COOKIE),
            )
        )
        cookie: Cookie = _device_cookie(request, signed.device_cookie, signed.device_cookie_max_age)
        return Response(signed.tokens, cookies=[cookie])


class TotpController(Controller):
    """The caller's authenticator app: status, enrol, confirm, turn off."""

    dependencies = CALLER_IDENTITY_BUS
    path = "/api/v1/auth/totp"
    tags = ["auth"]

    @get("/", **requires(Permission.SECOND_FACTOR_MANAGE))
    async def status(self, user: CurrentUser, bus: IdentityBus) -> SecondFactorStatus:
        """Whether sign-ins need a code, and how many recovery codes are left."""
        status: SecondFactorStatus = await bus.handle(two_step.GetSecondFactor(principal=user))
        return status

    @post("/enrol", status_code=201, **requires(Permission.SECOND_FACTOR_MANAGE))
    async def enrol(self, user: CurrentUser, bus: IdentityBus) -> TotpEnrolment:
        """A new secret and its ``otpauth://`` URI (show it as a QR code). Nothing changes
        until ``/confirm``; enrolling again replaces an unconfirmed secret. 409 when two-step
        sign-in is on already. Needs a sign-in's access token (not an API token)."""
        enrolment: TotpEnrolment = await bus.handle(two_step.EnrolTotp(principal=user))
        return enrolment

    @post(
        "/confirm", status_code=200, rate_limited=True, **requires(Permission.SECOND_FACTOR_MANAGE)
    )
    async def confirm(
        self, data: JSONBody[TotpConfirmIn], user: CurrentUser, bus: IdentityBus
    ) -> RecoveryCodes:
        """Turn two-step sign-in on with the app's current code. Answers ten recovery codes,
        shown this once (each stands in for a code, once). A wrong code is a 422; 409 when
        no enrolment waits for a code."""
        codes: RecoveryCodes = await bus.handle(
            two_step.ConfirmTotp(principal=user, code=data.code)
        )
        return codes

    @post(
        "/recovery-codes",
        status_code=200,
        rate_limited=True,
        checks_credentials=True,
        **requires(Permission.SECOND_FACTOR_MANAGE),
    )
    async def regenerate_recovery_codes(
        self, data: JSONBody[TotpCodeIn], user: CurrentUser, bus: IdentityBus
    ) -> RecoveryCodes:
        """Ten new recovery codes for the authenticator, proven by its current code, shown
        this once; the old codes stop working. A wrong code is a 401 (and counts toward the
        sign-in lockout); 409 when two-step sign-in is not on."""
        codes: RecoveryCodes = await bus.handle(
            two_step.RegenerateRecoveryCodes(principal=user, code=data.code)
        )
        return codes

    @delete(
        "/",
        status_code=HTTP_204_NO_CONTENT,
        rate_limited=True,
        checks_credentials=True,
        **requires(Permission.SECOND_FACTOR_MANAGE),
    )
    async def disable(
        self, data: JSONBody[TotpDisableIn], user: CurrentUser, bus: IdentityBus
    ) -> None:
        """Turn two-step sign-in off (or drop an unconfirmed enrolment), proven by a current
        ``code``, an unused ``recovery_code`` or the ``password``; a wrong one is a 401."""
        await bus.handle(
            two_step.DisableTotp(
                principal=user,
                code=data.code,
                recovery_code=data.recovery_code,
                password=data.password,
            )
        )


__all__ = ["SecondStepController", "TotpController"]
