"""Auth endpoints: thin controllers over :class:`~questlog_core.services.auth.AuthService`.

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
from apps.http.dependencies import AuthServiceDep, CurrentUser, ProfileReadsDep
from apps.http.etags import IfMatch, etag, expected_version
from apps.http.permissions import public, requires
from questlog_core.identity.rbac import Permission
from questlog_core.services.auth import (
    ApiTokenCreated,
    ApiTokenInfo,
    Profile,
    RegistrationReceipt,
    SessionInfo,
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

    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/register", status_code=HTTP_202_ACCEPTED, rate_limited=True, **public())
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[RegisterIn], auth: AuthServiceDep
    ) -> RegistrationReceipt:
        """Create an account. An address that is already registered gets the same answer."""
        return await auth.register(
            email=data.email,
            password=data.password,
            display_name=data.display_name,
            timezone=data.timezone,
            day_start_hour=data.day_start_hour,
            ip=_ip(request),
        )

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
        self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], auth: AuthServiceDep
    ) -> Response[TokenPair]:
        """Sign in with email and password; returns an access and a refresh token.

        Also sets the ``questlog_device`` cookie: a later sign-in from this browser is limited
        by this device's own failure budget, so guesses from elsewhere cannot lock it out.
        """
        signed = await auth.sign_in(
            email=data.email,
            password=data.password,
            ip=_ip(request),
            user_agent=_agent(request),
            device_cookie=request.cookies.get(DEVICE_COOKIE),
        )
        cookie = _device_cookie(request, signed.device_cookie, auth.settings.device_cookie_max_age)
        return Response(signed.tokens, cookies=[cookie])

    @post("/refresh", status_code=200, checks_credentials=True, **public())
    async def refresh(
        self, request: Request[Any, Any, Any], data: JSONBody[RefreshIn], auth: AuthServiceDep
    ) -> TokenPair:
        """Trade a refresh token for a new pair. A used refresh token ends its whole session."""
        return await auth.refresh(data.refresh_token, ip=_ip(request), user_agent=_agent(request))

    @post("/logout", status_code=HTTP_204_NO_CONTENT, **requires(Permission.SESSIONS_MANAGE))
    async def logout(self, user: CurrentUser, auth: AuthServiceDep) -> None:
        """End this session; its access token stops working at once."""
        await auth.logout(user)

    @post(
        "/logout-everywhere",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.SESSIONS_MANAGE),
    )
    async def logout_everywhere(self, user: CurrentUser, auth: AuthServiceDep) -> None:
        """End every session of the account."""
        await auth.logout_everywhere(user)

    @post("/forgot-password", status_code=HTTP_202_ACCEPTED, rate_limited=True, **public())
    async def forgot_password(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ForgotPasswordIn],
        auth: AuthServiceDep,
    ) -> Accepted:
        """Email a reset link. The answer is the same whether or not the address is known."""
        await auth.forgot_password(email=data.email, ip=_ip(request))
        return Accepted(message=FORGOT_PASSWORD_MESSAGE)

    @post("/reset-password", status_code=HTTP_204_NO_CONTENT, **public())
    async def reset_password(self, data: JSONBody[ResetPasswordIn], auth: AuthServiceDep) -> None:
        """Set a new password with a reset token (single use); ends every session."""
        await auth.reset_password(token=data.token, new_password=data.new_password)


class ProfileController(Controller):
    """The signed-in user's own profile, password, sessions and API tokens."""

    path = "/api/v1/auth"
    tags = ["auth"]

    @get("/profile", **requires(Permission.PROFILE_READ))
    async def get_profile(
        self, user: CurrentUser, auth: AuthServiceDep, profile_reads: ProfileReadsDep
    ) -> Response[Profile]:
        """The caller's profile, read through the cache (every write to the user invalidates)."""
        return _with_etag(await auth.get_profile(user, read=profile_reads.get))

    @put("/profile", **requires(Permission.PROFILE_WRITE))
    async def update_profile(
        self,
        data: JSONBody[ProfileIn],
        user: CurrentUser,
        auth: AuthServiceDep,
        if_match: IfMatch = None,
    ) -> Response[Profile]:
        """Change display name, time zone or day-start hour (``If-Match`` guards races)."""
        profile = await auth.update_profile(
            user,
            display_name=data.display_name,
            timezone=data.timezone,
            day_start_hour=data.day_start_hour,
            expected_version=expected_version(if_match),
        )
        return _with_etag(profile)

    @post("/password", status_code=200, rate_limited=True, **requires(Permission.PROFILE_WRITE))
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ChangePasswordIn],
        user: CurrentUser,
        auth: AuthServiceDep,
    ) -> TokenPair:
        """Change the password; every other session and access token stops working."""
        return await auth.change_password(
            user,
            current_password=data.current_password,
            new_password=data.new_password,
            ip=_ip(request),
            user_agent=_agent(request),
        )

    @get("/sessions", **requires(Permission.SESSIONS_MANAGE))
    async def list_sessions(self, user: CurrentUser, auth: AuthServiceDep) -> list[SessionInfo]:
        return await auth.list_sessions(user)

    @delete(
        "/sessions/{session_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.SESSIONS_MANAGE),
    )
    async def revoke_session(
        self, session_id: FromPath[UUID], user: CurrentUser, auth: AuthServiceDep
    ) -> None:
        await auth.revoke_session(user, session_id)

    @post("/tokens", status_code=201, **requires(Permission.API_TOKENS_MANAGE))
    async def create_api_token(
        self, data: JSONBody[ApiTokenIn], user: CurrentUser, auth: AuthServiceDep
    ) -> ApiTokenCreated:
        """Create a personal API token with scopes; the token is shown this once."""
        lifetime = timedelta(days=data.expires_in_days) if data.expires_in_days else None
        return await auth.create_api_token(
            user, name=data.name, scopes=data.scopes, expires_in=lifetime
        )

    @get("/tokens", **requires(Permission.API_TOKENS_MANAGE))
    async def list_api_tokens(self, user: CurrentUser, auth: AuthServiceDep) -> list[ApiTokenInfo]:
        return await auth.list_api_tokens(user)

    @delete(
        "/tokens/{token_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.API_TOKENS_MANAGE),
    )
    async def revoke_api_token(
        self, token_id: FromPath[UUID], user: CurrentUser, auth: AuthServiceDep
    ) -> None:
        await auth.revoke_api_token(user, token_id)


class AdminController(Controller):
    """User and role administration (needs the admin role's permissions)."""

    path = "/api/v1/auth/users"
    tags = ["auth-admin"]

    @get("/{user_id:uuid}", **requires(Permission.USERS_READ))
    async def get_user(
        self, user_id: FromPath[UUID], user: CurrentUser, auth: AuthServiceDep
    ) -> Profile:
        return await auth.get_user(user, user_id)

    @post("/{user_id:uuid}/roles", status_code=200, **requires(Permission.ROLES_MANAGE))
    async def grant_role(
        self,
        user_id: FromPath[UUID],
        data: JSONBody[RoleIn],
        user: CurrentUser,
        auth: AuthServiceDep,
    ) -> Profile:
        return await auth.grant_role(user, user_id, data.role)

    @delete(
        "/{user_id:uuid}/roles/{role:str}", status_code=200, **requires(Permission.ROLES_MANAGE)
    )
    async def revoke_role(
        self, user_id: FromPath[UUID], role: FromPath[str], user: CurrentUser, auth: AuthServiceDep
    ) -> Profile:
        return await auth.revoke_role(user, user_id, role)

    @post("/{user_id:uuid}/disable", status_code=200, **requires(Permission.USERS_MANAGE))
    async def disable_user(
        self,
        user_id: FromPath[UUID],
        data: JSONBody[DisableIn],
        user: CurrentUser,
        auth: AuthServiceDep,
    ) -> Profile:
        """Disable an account: its sessions and access tokens stop working at once."""
        return await auth.disable_user(user, user_id, reason=data.reason)

    @post("/{user_id:uuid}/enable", status_code=200, **requires(Permission.USERS_MANAGE))
    async def enable_user(
        self, user_id: FromPath[UUID], user: CurrentUser, auth: AuthServiceDep
    ) -> Profile:
        return await auth.enable_user(user, user_id)


class JwksController(Controller):
    """The public keys that verify access tokens, for the other services."""

    path = "/.well-known"
    tags = ["auth"]

    @get("/jwks.json", cache=60, **public())
    async def jwks(self, auth: AuthServiceDep) -> dict[str, Any]:
        return auth.jwks()
