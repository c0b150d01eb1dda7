"""The identity context's commands and queries as messages for the bus, and the handler of each.

:class:`~questlog_core.identity.use_cases.AuthService` stays the implementation (the CLI, the
token check at the HTTP edge and the tests call it directly); these frozen structs are what an
HTTP controller builds, and :func:`handlers` binds each to its ``AuthService`` method (see
:mod:`questlog_core.identity.bootstrap`). The result types each message answers are
re-exported here, so a controller needs nothing deeper than this module.

A message that acts for a signed-in caller carries their verified
:class:`~questlog_core.identity.tokens.Principal`; ``ip`` and ``user_agent`` are what the edge
read from the request (for throttling and the session list).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import msgspec

from questlog_core.identity.tokens import Principal
from questlog_core.identity.use_cases import AuthService
from questlog_core.identity.use_cases.results import (
    ApiTokenCreated,
    ApiTokenInfo,
    Profile,
    RegistrationReceipt,
    SessionInfo,
    SignedIn,
    TokenPair,
)
from questlog_core.identity.use_cases.second_factor import SecondFactorRequired
from questlog_core.kernel.ids import UserId

__all__ = [
    "QUERIES",
    "ApiTokenCreated",
    "ApiTokenInfo",
    "ChangePassword",
    "CreateApiToken",
    "DeleteAccount",
    "DisableUser",
    "EnableUser",
    "ForgotPassword",
    "GetJwks",
    "GetProfile",
    "GetUser",
    "GrantRole",
    "Jwks",
    "ListApiTokens",
    "ListSessions",
    "Login",
    "Logout",
    "LogoutEverywhere",
    "Profile",
    "ProfileRead",
    "Refresh",
    "Register",
    "RegistrationReceipt",
    "ResetPassword",
    "RevokeApiToken",
    "RevokeRole",
    "RevokeSession",
    "SecondFactorRequired",
    "SessionInfo",
    "SignedIn",
    "TokenPair",
    "UpdateProfile",
    "handlers",
]


class _Message(msgspec.Struct, frozen=True, kw_only=True):
    pass


class _ForCaller(_Message, frozen=True, kw_only=True):
    principal: Principal


# -- accounts and sign-in (public) ----------------------------------------------------------


class Register(_Message, frozen=True, kw_only=True):
    """Create an account; an address already registered gets the same receipt."""

    email: str
    password: str
    display_name: str
    timezone: str = "UTC"
    day_start_hour: int = 0
    ip: str | None = None


class Login(_Message, frozen=True, kw_only=True):
    """Sign in with email and password (``device_cookie``: the browser's, if it sent one)."""

    email: str
    password: str
    ip: str | None = None
    user_agent: str | None = None
    device_cookie: str | None = None


class Refresh(_Message, frozen=True, kw_only=True):
    """Trade a refresh token for a new pair."""

    refresh_token: str
    ip: str | None = None
    user_agent: str | None = None


class ForgotPassword(_Message, frozen=True, kw_only=True):
    """Email a reset link (answers nothing, whether or not the address is known)."""

    email: str
    ip: str | None = None


class ResetPassword(_Message, frozen=True, kw_only=True):
    """Set a new password with a single-use reset token."""

    token: str
    new_password: str


class GetJwks(_Message, frozen=True, kw_only=True):
    """The public keys that verify access tokens."""


# -- the caller's own account ---------------------------------------------------------------


class Logout(_ForCaller, frozen=True, kw_only=True):
    """End the caller's session."""


class LogoutEverywhere(_ForCaller, frozen=True, kw_only=True):
    """End every session of the caller's account."""


class GetProfile(_ForCaller, frozen=True, kw_only=True):
    """The caller's profile (through the profile cache when the bus was given one)."""


class UpdateProfile(_ForCaller, frozen=True, kw_only=True):
    """Change display name, time zone or day start (``None``: unchanged)."""

    display_name: str | None = None
    timezone: str | None = None
    day_start_hour: int | None = None
    expected_version: int | None = None


class ChangePassword(_ForCaller, frozen=True, kw_only=True):
    current_password: str
    new_password: str
    ip: str | None = None
    user_agent: str | None = None


class ListSessions(_ForCaller, frozen=True, kw_only=True):
    pass


class RevokeSession(_ForCaller, frozen=True, kw_only=True):
    session_id: UUID


class CreateApiToken(_ForCaller, frozen=True, kw_only=True):
    name: str
    scopes: tuple[str, ...]
    expires_in: timedelta | None = None


class ListApiTokens(_ForCaller, frozen=True, kw_only=True):
    pass


class RevokeApiToken(_ForCaller, frozen=True, kw_only=True):
    token_id: UUID


class DeleteAccount(_ForCaller, frozen=True, kw_only=True):
    """Lock the caller's account and announce its erasure (answers the user id)."""

    password: str


# -- administering other accounts (``principal`` is the acting administrator) --------------


class GetUser(_ForCaller, frozen=True, kw_only=True):
    user_id: UUID


class GrantRole(_ForCaller, frozen=True, kw_only=True):
    user_id: UUID
    role: str


class RevokeRole(_ForCaller, frozen=True, kw_only=True):
    user_id: UUID
    role: str


class DisableUser(_ForCaller, frozen=True, kw_only=True):
    user_id: UUID
    reason: str = ""


class EnableUser(_ForCaller, frozen=True, kw_only=True):
    user_id: UUID


#: the messages that only read
QUERIES: frozenset[type[msgspec.Struct]] = frozenset(
    {GetJwks, GetProfile, ListSessions, ListApiTokens, GetUser}
)

#: reads one profile (the profile cache at the HTTP edge)
ProfileRead = Callable[[UserId], Awaitable[Profile]]
#: what :class:`GetJwks` answers: a JSON Web Key Set
Jwks = dict[str, Any]

Handler = Callable[[Any, Any], Awaitable[Any]]


def handlers(
    auth: Callable[[], AuthService], read_profile: ProfileRead | None = None
) -> dict[type[msgspec.Struct], Handler]:
    """Every identity command and query mapped to its :class:`AuthService` method.

    ``auth`` is asked for the service on every message (the container's provider), so a
    service the operator or a test replaced is used at once; ``read_profile`` is where
    :class:`GetProfile` reads (the database when not given). The second argument of each
    handler is the bus's unit of work, unused: the auth use cases open their own.
    """

    async def register(m: Register, _: object) -> RegistrationReceipt:
        return await auth().register(
            email=m.email,
            password=m.password,
            display_name=m.display_name,
            timezone=m.timezone,
            day_start_hour=m.day_start_hour,
            ip=m.ip,
        )

    async def login(m: Login, _: object) -> SignedIn | SecondFactorRequired:
        return await auth().sign_in(
            email=m.email,
            password=m.password,
            ip=m.ip,
            user_agent=m.user_agent,
            device_cookie=m.device_cookie,
        )

    async def refresh(m: Refresh, _: object) -> TokenPair:
        return await auth().refresh(m.refresh_token, ip=m.ip, user_agent=m.user_agent)

    async def forgot_password(m: ForgotPassword, _: object) -> None:
        await auth().forgot_password(email=m.email, ip=m.ip)

    async def reset_password(m: ResetPassword, _: object) -> None:
        await auth().reset_password(token=m.token, new_password=m.new_password)

    async def jwks(m: GetJwks, _: object) -> Jwks:
        return auth().jwks()

    async def logout(m: Logout, _: object) -> None:
        await auth().logout(m.principal)

    async def logout_everywhere(m: LogoutEverywhere, _: object) -> None:
        await auth().logout_everywhere(m.principal)

    async def get_profile(m: GetProfile, _: object) -> Profile:
        return await auth().get_profile(m.principal, read=read_profile)

    async def update_profile(m: UpdateProfile, _: object) -> Profile:
        return await auth().update_profile(
            m.principal,
            display_name=m.display_name,
            timezone=m.timezone,
            day_start_hour=m.day_start_hour,
            expected_version=m.expected_version,
        )

    async def change_password(m: ChangePassword, _: object) -> TokenPair:
        return await auth().change_password(
            m.principal,
            current_password=m.current_password,
            new_password=m.new_password,
            ip=m.ip,
            user_agent=m.user_agent,
        )

    async def list_sessions(m: ListSessions, _: object) -> list[SessionInfo]:
        return await auth().list_sessions(m.principal)

    async def revoke_session(m: RevokeSession, _: object) -> None:
        await auth().revoke_session(m.principal, m.session_id)

    async def create_api_token(m: CreateApiToken, _: object) -> ApiTokenCreated:
        return await auth().create_api_token(
            m.principal, name=m.name, scopes=m.scopes, expires_in=m.expires_in
        )

    async def list_api_tokens(m: ListApiTokens, _: object) -> list[ApiTokenInfo]:
        return await auth().list_api_tokens(m.principal)

    async def revoke_api_token(m: RevokeApiToken, _: object) -> None:
        await auth().revoke_api_token(m.principal, m.token_id)

    async def delete_account(m: DeleteAccount, _: object) -> UserId:
        return await auth().delete_account(m.principal, password=m.password)

    async def get_user(m: GetUser, _: object) -> Profile:
        return await auth().get_user(m.principal, m.user_id)

    async def grant_role(m: GrantRole, _: object) -> Profile:
        return await auth().grant_role(m.principal, m.user_id, m.role)

    async def revoke_role(m: RevokeRole, _: object) -> Profile:
        return await auth().revoke_role(m.principal, m.user_id, m.role)

    async def disable_user(m: DisableUser, _: object) -> Profile:
        return await auth().disable_user(m.principal, m.user_id, reason=m.reason)

    async def enable_user(m: EnableUser, _: object) -> Profile:
        return await auth().enable_user(m.principal, m.user_id)

    return {
        Register: register,
        Login: login,
        Refresh: refresh,
        ForgotPassword: forgot_password,
        ResetPassword: reset_password,
        GetJwks: jwks,
        Logout: logout,
        LogoutEverywhere: logout_everywhere,
        GetProfile: get_profile,
        UpdateProfile: update_profile,
        ChangePassword: change_password,
        ListSessions: list_sessions,
        RevokeSession: revoke_session,
        CreateApiToken: create_api_token,
        ListApiTokens: list_api_tokens,
        RevokeApiToken: revoke_api_token,
        DeleteAccount: delete_account,
        GetUser: get_user,
        GrantRole: grant_role,
        RevokeRole: revoke_role,
        DisableUser: disable_user,
        EnableUser: enable_user,
    }
