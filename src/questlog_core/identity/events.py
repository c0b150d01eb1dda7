"""Events raised by identity: accounts registered, passwords changed, roles and access changed.

``owner`` is always the account the fact is about; ``by`` (where present) is who caused it.
No event carries a password, a hash or a token.
"""

from __future__ import annotations

from uuid import UUID

from questlog_core.kernel.events import DomainEvent, register
from questlog_core.kernel.ids import UserId


@register
class UserRegistered(DomainEvent, frozen=True, kw_only=True, tag="identity.user_registered.v1"):
    """A new account exists (other services create their per-user state from this)."""

    email: str
    display_name: str
    timezone: str
    day_start_hour: int


@register
class ProfileUpdated(DomainEvent, frozen=True, kw_only=True, tag="identity.profile_updated.v1"):
    """Display name, time zone or day start changed (streaks follow the new day boundary)."""

    display_name: str
    timezone: str
    day_start_hour: int


@register
class PasswordChanged(DomainEvent, frozen=True, kw_only=True, tag="identity.password_changed.v1"):
    """The password was changed (``via`` "change") or reset by email (``via`` "reset")."""

    via: str


@register
class UserDisabled(DomainEvent, frozen=True, kw_only=True, tag="identity.user_disabled.v1"):
    by: UserId
    reason: str = ""


@register
class UserEnabled(DomainEvent, frozen=True, kw_only=True, tag="identity.user_enabled.v1"):
    by: UserId


@register
class RoleGranted(DomainEvent, frozen=True, kw_only=True, tag="identity.role_granted.v1"):
    role: str
    by: UserId


@register
class RoleRevoked(DomainEvent, frozen=True, kw_only=True, tag="identity.role_revoked.v1"):
    role: str
    by: UserId


@register
class RefreshTokenReuseDetected(
    DomainEvent, frozen=True, kw_only=True, tag="identity.refresh_token_reuse_detected.v1"
):
    """A used refresh token was presented again; its whole session family was revoked."""

    session_id: UUID


@register
class AccountDeleted(DomainEvent, frozen=True, kw_only=True, tag="identity.account_deleted.v1"):
    """The owner deleted their account (after signing in again with their password). Every
    service deletes its rows of ``owner`` when it hears this (``questlog_core.moving.erasure``);
    the event carries nothing but the id, so it holds no personal data itself."""


@register
class SecondFactorEnabled(
    DomainEvent, frozen=True, kw_only=True, tag="identity.second_factor_enabled.v1"
):
    """The owner confirmed an authenticator app: password sign-ins now need a code
    (``method`` is ``"totp"``). Carries no secret and no code."""

    method: str


@register
class SecondFactorDisabled(
    DomainEvent, frozen=True, kw_only=True, tag="identity.second_factor_disabled.v1"
):
    """The owner turned two-step sign-in off (after proving a code or the password)."""

    method: str


__all__ = [
    "AccountDeleted",
    "PasswordChanged",
    "ProfileUpdated",
    "RefreshTokenReuseDetected",
    "RoleGranted",
    "RoleRevoked",
    "SecondFactorDisabled",
    "SecondFactorEnabled",
    "UserDisabled",
    "UserEnabled",
    "UserRegistered",
]
