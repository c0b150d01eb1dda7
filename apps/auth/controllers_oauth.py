"""Signing in with Google, GitHub or any OpenID Connect provider (authorization code + PKCE).

``GET /api/v1/auth/oauth/{provider}/authorize`` redirects the browser to the provider and sets
a short-lived ``questlog_oauth`` cookie binding the sign-in to that browser; the provider sends
the browser back to ``GET .../callback?code=...&state=...``, which answers the same tokens as
a password sign-in (and the device cookie). The rules are the domain's
(:mod:`questlog_core.identity.external`); docs/auth.md explains the whole flow.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get
from litestar.datastructures import Cookie
from litestar.params import FromPath, Parameter, QueryParameter
from litestar.response import Redirect
from litestar.status_codes import HTTP_204_NO_CONTENT, HTTP_302_FOUND

from apps.auth.bus import CALLER_IDENTITY_BUS, IDENTITY_BUS, IdentityBus
from apps.auth.controllers import DEVICE_COOKIE, _agent, _device_cookie, _ip
from apps.http.dependencies import CurrentUser
from apps.http.permissions import public, requires
from questlog_core.errors import ValidationFailed
from questlog_core.identity.external import ExternalSignInRefused
from questlog_core.identity.rbac import Permission
from questlog_core.identity.use_cases.external_messages import (
    ExternalSignInStarted,
    FinishExternalSignIn,
    LinkedIdentity,
    ListLinkedIdentities,
    ListSignInProviders,
    SignInProvider,
    StartExternalSignIn,
    UnlinkIdentity,
)
from questlog_core.identity.use_cases.messages import SignedIn, TokenPair
from questlog_core.identity.use_cases.second_factor import SecondFactorRequired

#: the cookie binding a started sign-in to the browser that started it
BINDING_COOKIE = "questlog_oauth"
_COOKIE_PATH = "/api/v1/auth/oauth"

ProviderName = Annotated[
    str,
    Parameter(
        description="the provider: google, github, or the configured OIDC provider's name",
        pattern=r"^[a-z0-9][a-z0-9-]{0,31}$",
        max_length=32,
    ),
]
_Secret = Annotated[
    str | None, QueryParameter(max_length=2048, schema_extra={"one_of": None, "type": "string"})
]
#: ``state`` is a name Litestar reserves for the app state, hence the alias
_State = Annotated[
    str | None,
    QueryParameter(name="state", max_length=2048, schema_extra={"one_of": None, "type": "string"}),
]


def _binding_cookie(request: Request[Any, Any, Any], value: str, max_age: int) -> Cookie:
    """HttpOnly, sent only to the OAuth endpoints, and SameSite=Lax: the provider's redirect
    back is a cross-site top-level navigation, which a Strict cookie would miss."""
    return Cookie(
        key=BINDING_COOKIE,
        value=value,
        max_age=max_age,
        path=_COOKIE_PATH,
        httponly=True,
        secure=request.app.state.settings.public_url.startswith("https://"),
        samesite="lax",
    )


class ExternalSignInController(Controller):
    """The external sign-in flow (public: it is how a browser signs in)."""

    dependencies = IDENTITY_BUS
    path = "/api/v1/auth/oauth"
    tags = ["auth"]

    @get("/providers", **public())
    async def providers(self, bus: IdentityBus) -> list[SignInProvider]:
        """The providers this deployment offers (each configured by its ``QUESTLOG_OAUTH_*``
        settings; none when none is)."""
        offered: list[SignInProvider] = await bus.handle(ListSignInProviders())
        return offered

    @get(
        "/{provider:str}/authorize",
        status_code=HTTP_302_FOUND,
        rate_limited=True,
        response_cookies=[
            Cookie(
                key=BINDING_COOKIE,
                path=_COOKIE_PATH,
                httponly=True,
                samesite="lax",
                description="Binds this sign-in to this browser until the callback (10 min).",
                documentation_only=True,
            )
        ],
        **public(),
    )
    async def authorize(
        self, request: Request[Any, Any, Any], provider: FromPath[ProviderName], bus: IdentityBus
    ) -> Redirect:
        """Start signing in with ``provider``: a redirect to it with ``state``, ``nonce`` and
        the PKCE ``S256`` ``code_challenge`` (404 for a provider that is not configured)."""
        started: ExternalSignInStarted = await bus.handle(
            StartExternalSignIn(provider=provider, ip=_ip(request))
        )
        cookie = _binding_cookie(
            request, started.binding, int(started.binding_max_age.total_seconds())
        )
        return Redirect(started.authorization_url, status_code=HTTP_302_FOUND, cookies=[cookie])

    @get("/{provider:str}/callback", checks_credentials=True, rate_limited=True, **public())
    async def callback(
        self,
        request: Request[Any, Any, Any],
        provider: FromPath[ProviderName],
        bus: IdentityBus,
        code: _Secret = None,
        oauth_state: _State = None,
        error: _Secret = None,
    ) -> Response[TokenPair | SecondFactorRequired]:
        """Where the provider sends the browser back: the same tokens as a password sign-in.

        An account with two-step sign-in on answers, like the password sign-in, a challenge
        to finish with a code at ``POST /api/v1/auth/login/totp`` (no session yet).

        Without ``code`` and ``state`` (and no provider ``error``): 422. Refused with 401
        (``external-sign-in-refused``) for an unknown, expired or reused
        ``state``, another browser than the one that started, a code the provider refuses,
        an ID token that fails its checks, or an address the provider has not verified.
        """
        if error is not None:
            raise ExternalSignInRefused(f"the provider did not sign you in ({error})")
        if code is None or oauth_state is None:
            raise ValidationFailed("code" if code is None else "state", "the callback needs both")
        signed: SignedIn | SecondFactorRequired = await bus.handle(
            FinishExternalSignIn(
                provider=provider,
                code=code,
                state=oauth_state,
                binding=request.cookies.get(BINDING_COOKIE),
                ip=_ip(request),
                user_agent=_agent(request),
            )
        )
        spent = _binding_cookie(request, "", 0)
        if isinstance(signed, SecondFactorRequired):
            return Response(signed, cookies=[spent])
        device = _device_cookie(request, signed.device_cookie, signed.device_cookie_max_age)
        return Response(signed.tokens, cookies=[device, spent])


class LinkedIdentitiesController(Controller):
    """The providers linked to the caller's account."""

    dependencies = CALLER_IDENTITY_BUS
    path = "/api/v1/auth/oauth/links"
    tags = ["auth"]

    @get("", **requires(Permission.PROFILE_READ))
    async def list_links(self, user: CurrentUser, bus: IdentityBus) -> list[LinkedIdentity]:
        """Each provider linked to the account, with the address it vouched for."""
        links: list[LinkedIdentity] = await bus.handle(ListLinkedIdentities(principal=user))
        return links

    @delete(
        "/{provider:str}", status_code=HTTP_204_NO_CONTENT, **requires(Permission.PROFILE_WRITE)
    )
    async def unlink(
        self, provider: FromPath[ProviderName], user: CurrentUser, bus: IdentityBus
    ) -> None:
        """Unlink a provider (409 ``last-sign-in-method`` if the account would have no way
        left to sign in: set a password first through "forgot password")."""
        await bus.handle(UnlinkIdentity(principal=user, provider=provider))


__all__ = [
    "BINDING_COOKIE",
    "DEVICE_COOKIE",
    "ExternalSignInController",
    "LinkedIdentitiesController",
]
