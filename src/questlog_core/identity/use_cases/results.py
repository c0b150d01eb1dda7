"""What the auth use cases answer: the result structs, and reading a profile."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from questlog_core.identity.ports import AuthUnitOfWork
from questlog_core.identity.tokens import PersonalApiToken
from questlog_core.identity.users import User
from questlog_core.kernel.ids import UserId

REGISTRATION_MESSAGE = (
    "Thanks. If this address can be registered, the account is ready: sign in with it. "
    "Either way we have sent an email to the address."
)


class SignedIn(msgspec.Struct, frozen=True, kw_only=True):
    """A successful sign-in: the tokens, and the device cookie the client should keep (and
    for how long)."""

    tokens: TokenPair
    device_cookie: str
    device_cookie_max_age: timedelta


class TokenPair(msgspec.Struct, frozen=True, kw_only=True):
    """What a sign-in or a refresh hands the client."""

    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    session_id: UUID


class RegistrationReceipt(msgspec.Struct, frozen=True, kw_only=True):
    """The same for a new and an already-registered address (no enumeration)."""

    email: str
    message: str = REGISTRATION_MESSAGE


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    email: str
    display_name: str
    roles: tuple[str, ...]
    permissions: tuple[str, ...]
    timezone: str
    day_start_hour: int
    disabled: bool
    created_at: datetime
    version: int


class SessionInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    user_agent: str | None
    ip: str | None
    current: bool


class ApiTokenInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool


class ApiTokenCreated(msgspec.Struct, frozen=True, kw_only=True):
    """A new personal API token; ``token`` is shown this once and never stored."""

    token: str
    info: ApiTokenInfo


def _profile(user: User) -> Profile:
    return Profile(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=tuple(sorted(r.value for r in user.roles)),
        permissions=tuple(sorted(p.value for p in user.permissions)),
        timezone=user.timezone,
        day_start_hour=user.day_start_hour,
        disabled=user.disabled,
        created_at=user.created_at,
        version=user.version,
    )


async def read_profile(uow: AuthUnitOfWork, user_id: UserId) -> Profile:
    """A user's profile as stored, read in a unit of work of its own (no permission check:
    the caller decides who may see it)."""
    async with uow:
        return _profile(await uow.users.get(user_id))


def _api_token_info(token: PersonalApiToken) -> ApiTokenInfo:
    return ApiTokenInfo(
        id=token.id,
        name=token.name,
        scopes=tuple(sorted(s.value for s in token.scopes)),
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked=token.revoked_at is not None,
    )
