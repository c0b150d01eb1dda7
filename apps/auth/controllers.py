"""Auth endpoints: each handler builds an identity command or query
(:mod:`questlog_core.identity.use_cases.messages`) and dispatches it on the identity bus.

Each route declares the permission it needs (``**requires(...)``) or that it is public
(sign-up, sign-in, refresh, password reset, JWKS); :mod:`apps.http.permissions` checks it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import Cookie
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from apps.auth.bus import CALLER_IDENTITY_BUS, IDENTITY_BUS, IdentityBus
from apps.auth.schemas import (
    Accepted,
    ApiTokenIn,
    ChangePasswordIn,
    DisableIn,
    ForgotPasswordIn,
    LoginIn,
    ProfileIn,
    RefreshIn,
    RegisterIn,
    ResetPasswordIn,
    RoleIn,
)
from apps.http.client_address import request_client_address
from apps.http.dependencies import CurrentUser
from apps.http.etags import IfMatch, etag, expected_version
from apps.http.permissions import public, requires
from questlog_core.identity.rbac import Permission
from questlog_core.identity.use_cases import messages as identity
from questlog_core.identity.use_cases.messages import (
    ApiTokenCreated,
    ApiTokenInfo,
    Jwks,
    Profile,
    RegistrationReceipt,
    SecondFactorRequired,
    SessionInfo,
    SignedIn,
    TokenPair,
)

FORGOT_PASSWORD_MESSAGE = "If an account uses this address, we have sent it a reset link."


def _ip(request: Request[Any, Any, Any]) -> str | None:
    return request_client_address(request)


#: the cookie that marks a browser as a device the account signed in on before
DEVICE_COOKIE = "questlog_device"


def _device_cookie(request: Request[Any, Any, Any], value: str, max_age: timedelta) -> Cookie:
    """HttpOnly (scripts never see it), SameSite=Strict, Secure when served over https, and
    sent only to the auth endpoints."""
    settings = request.app.state.settings
    return Cookie(
        key=DEVICE_COOKIE,
        value=value,
        max_age=int(max_age.total_seconds()),
        path="/api/v1/auth",
        httponly=True,
        secure=settings.public_url.startswith("https://"),
        samesite="strict",
    )


def _agent(request: Request[Any, Any, Any]) -> str | None:
    agent = request.headers.get("user-agent")
    return agent[:300] if agent else None


def _with_etag(profile: Profile) -> Response[Profile]:
    return Response(profile, headers={"ETag": etag(profile.version)})


class AccountController(Controller):
    """Registration, sign-in, refresh, sign-out and password recovery."""

    dependencies = IDENTITY_BUS
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/register", status_code=HTTP_202_ACCEPTED, rate_limited=True, **public())
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[RegisterIn], bus: IdentityBus
    ) -> RegistrationReceipt:
        """Create an account. An address that is already registered gets the same answer."""
        receipt: RegistrationReceipt = await bus.handle(
            identity.Register(
                email=data.email,
                password=data.password,
                display_name=data.display_name,
                timezone=data.timezone,
                day_start_hour=data.day_start_hour,
                ip=_ip(request),
            )
        )
        return receipt

    @post(
        "/login",
        status_code=200,
        response_cookies=[
            Cookie(
                key=DEVICE_COOKIE,
                path="/api/v1/auth",
                httponly=True,
                samesite="strict",
                description=(
                    "Marks this browser as a device the account signed in on: later sign-ins "
                    "from it are limited by its own failure budget (see docs/auth.md)."
                ),
                documentation_only=True,
            )
        ],
        rate_limited=True,
        checks_credentials=True,
        **public(),
    )
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], bus: IdentityBus
    ) -> Response[TokenPair | SecondFactorRequired]:
        """Sign in with email and password; returns an access and a refresh token.

        With two-step sign-in on, the right password answers a ``second_factor_required``
        challenge instead (no session, no cookie): finish with ``POST /api/v1/auth/login/totp``.

        Also sets the ``questlog_device`` cookie: a later sign-in from this browser is limited
        by this device's own failure budget, so guesses from elsewhere cannot lock it out.
        """
        signed: SignedIn | SecondFactorRequired = await bus.handle(
            identity.Login(
                email=data.email,
                password=data.password,
                ip=_ip(request),
                user_agent=_agent(request),
                device_cookie=request.cookies.get(DEVICE_COOKIE),
            )
        )
        if isinstance(signed, SecondFactorRequired):
            return Response(signed)
        cookie = _device_cookie(request, signed.device_cookie, signed.device_cookie_max_age)
        return Response(signed.tokens, cookies=[cookie])

    @post("/refresh", status_code=200, checks_credentials=True, **public())
    async def refresh(
        self, request: Request[Any, Any, Any], data: JSONBody[RefreshIn], bus: IdentityBus
    ) -> TokenPair:
        """Trade a refresh token for a new pair. A used refresh token ends its whole session."""
        pair: TokenPair = await bus.handle(
            identity.Refresh(
                refresh_token=data.refresh_token, ip=_ip(request), user_agent=_agent(request)
            )
        )
        return pair

    @post("/logout", status_code=HTTP_204_NO_CONTENT, **requires(Permission.SESSIONS_MANAGE))
    async def logout(self, user: CurrentUser, bus: IdentityBus) -> None:
        """End this session; its access token stops working at once."""
        await bus.handle(identity.Logout(principal=user))

    @post(
        "/logout-everywhere",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.SESSIONS_MANAGE),
    )
    async def logout_everywhere(self, user: CurrentUser, bus: IdentityBus) -> None:
        """End every session of the account."""
        await bus.handle(identity.LogoutEverywhere(principal=user))

    @post("/forgot-password", status_code=HTTP_202_ACCEPTED, rate_limited=True, **public())
    async def forgot_password(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ForgotPasswordIn],
        bus: IdentityBus,
    ) -> Accepted:
        """Email a reset link. The answer is the same whether or not the address is known."""
        await bus.handle(identity.ForgotPassword(email=data.email, ip=_ip(request)))
        return Accepted(message=FORGOT_PASSWORD_MESSAGE)

    @post("/reset-password", status_code=HTTP_204_NO_CONTENT, **public())
    async def reset_password(self, data: JSONBody[ResetPasswordIn], bus: IdentityBus) -> None:
        """Set a new password with a reset token (single use); ends every session."""
        await bus.handle(identity.ResetPassword(token=data.token, new_password=data.new_password))


class ProfileController(Controller):
    """The signed-in user's own profile, password, sessions and API tokens."""

    dependencies = CALLER_IDENTITY_BUS
    path = "/api/v1/auth"
    tags = ["auth"]

    @get("/profile", **requires(Permission.PROFILE_READ))
    async def get_profile(self, user: CurrentUser, bus: IdentityBus) -> Response[Profile]:
        """The caller's profile, read through the cache (every write to the user invalidates)."""
        return _with_etag(await bus.handle(identity.GetProfile(principal=user)))

    @put("/profile", **requires(Permission.PROFILE_WRITE))
    async def update_profile(
        self,
        data: JSONBody[ProfileIn],
        user: CurrentUser,
        bus: IdentityBus,
        if_match: IfMatch = None,
    ) -> Response[Profile]:
        """Change display name, time zone or day-start hour (``If-Match`` guards races)."""
        profile: Profile = await bus.handle(
            identity.UpdateProfile(
                principal=user,
                display_name=data.display_name,
                timezone=data.timezone,
                day_start_hour=data.day_start_hour,
                expected_version=expected_version(if_match),
            )
        )
        return _with_etag(profile)

    @post("/password", status_code=200, rate_limited=True, **requires(Permission.PROFILE_WRITE))
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ChangePasswordIn],
        user: CurrentUser,
        bus: IdentityBus,
    ) -> TokenPair:
        """Change the password; every other session and access token stops working."""
        pair: TokenPair = await bus.handle(
            identity.ChangePassword(
                principal=user,
                current_password=data.current_password,
                new_password=data.new_password,
                ip=_ip(request),
                user_agent=_agent(request),
            )
        )
        return pair

    @get("/sessions", **requires(Permission.SESSIONS_MANAGE))
    async def list_sessions(self, user: CurrentUser, bus: IdentityBus) -> list[SessionInfo]:
        sessions: list[SessionInfo] = await bus.handle(identity.ListSessions(principal=user))
        return sessions

    @delete(
        "/sessions/{session_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.SESSIONS_MANAGE),
    )
    async def revoke_session(
        self, session_id: FromPath[UUID], user: CurrentUser, bus: IdentityBus
    ) -> None:
        await bus.handle(identity.RevokeSession(principal=user, session_id=session_id))

    @post("/tokens", status_code=201, **requires(Permission.API_TOKENS_MANAGE))
    async def create_api_token(
        self, data: JSONBody[ApiTokenIn], user: CurrentUser, bus: IdentityBus
    ) -> ApiTokenCreated:
        """Create a personal API token with scopes; the token is shown this once."""
        lifetime = timedelta(days=data.expires_in_days) if data.expires_in_days else None
        created: ApiTokenCreated = await bus.handle(
            identity.CreateApiToken(
                principal=user, name=data.name, scopes=tuple(data.scopes), expires_in=lifetime
            )
        )
        return created

    @get("/tokens", **requires(Permission.API_TOKENS_MANAGE))
    async def list_api_tokens(self, user: CurrentUser, bus: IdentityBus) -> list[ApiTokenInfo]:
        tokens: list[ApiTokenInfo] = await bus.handle(identity.ListApiTokens(principal=user))
        return tokens

    @delete(
        "/tokens/{token_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.API_TOKENS_MANAGE),
    )
    async def revoke_api_token(
        self, token_id: FromPath[UUID], user: CurrentUser, bus: IdentityBus
    ) -> None:
        await bus.handle(identity.RevokeApiToken(principal=user, token_id=token_id))


class AdminController(Controller):
    """User and role administration (needs the admin role's permissions)."""

    dependencies = CALLER_IDENTITY_BUS
    path = "/api/v1/auth/users"
    tags = ["auth-admin"]

    @get("/{user_id:uuid}", **requires(Permission.USERS_READ))
    async def get_user(
        self, user_id: FromPath[UUID], user: CurrentUser, bus: IdentityBus
    ) -> Profile:
        profile: Profile = await bus.handle(identity.GetUser(principal=user, user_id=user_id))
        return profile

    @post("/{user_id:uuid}/roles", status_code=200, **requires(Permission.ROLES_MANAGE))
    async def grant_role(
        self,
        user_id: FromPath[UUID],
        data: JSONBody[RoleIn],
        user: CurrentUser,
        bus: IdentityBus,
    ) -> Profile:
        profile: Profile = await bus.handle(
            identity.GrantRole(principal=user, user_id=user_id, role=data.role)
        )
        return profile

    @delete(
        "/{user_id:uuid}/roles/{role:str}", status_code=200, **requires(Permission.ROLES_MANAGE)
    )
    async def revoke_role(
        self, user_id: FromPath[UUID], role: FromPath[str], user: CurrentUser, bus: IdentityBus
    ) -> Profile:
        profile: Profile = await bus.handle(
            identity.RevokeRole(principal=user, user_id=user_id, role=role)
        )
        return profile

    @post("/{user_id:uuid}/disable", status_code=200, **requires(Permission.USERS_MANAGE))
    async def disable_user(
        self,
        user_id: FromPath[UUID],
        data: JSONBody[DisableIn],
        user: CurrentUser,
        bus: IdentityBus,
    ) -> Profile:
        """Disable an account: its sessions and access tokens stop working at once."""
        profile: Profile = await bus.handle(
            identity.DisableUser(principal=user, user_id=user_id, reason=data.reason)
        )
        return profile

    @post("/{user_id:uuid}/enable", status_code=200, **requires(Permission.USERS_MANAGE))
    async def enable_user(
        self, user_id: FromPath[UUID], user: CurrentUser, bus: IdentityBus
    ) -> Profile:
        profile: Profile = await bus.handle(identity.EnableUser(principal=user, user_id=user_id))
        return profile


class JwksController(Controller):
    """The public keys that verify access tokens, for the other services."""

    dependencies = IDENTITY_BUS
    path = "/.well-known"
    tags = ["auth"]

    @get("/jwks.json", cache=60, **public())
    async def jwks(self, bus: IdentityBus) -> dict[str, Any]:
        keys: Jwks = await bus.handle(identity.GetJwks())
        return keys
