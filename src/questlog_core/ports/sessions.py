"""Ports of session state: revoked access tokens and refresh-token families.

Revocation checks **fail closed**: an adapter that cannot reach its store raises
``ServiceUnavailable`` (the HTTP edge answers 503) instead of guessing. Guessing "not denied"
would let a logged-out token back in; guessing "denied" would log every user out and hide the
outage behind 401s. Writes (``deny``, ``revoke_subject``) raise the same way, so a logout never
reports success without having revoked anything.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

import msgspec


class TokenDenylist(Protocol):
    """Access tokens revoked before their expiry, by ``jti`` or by subject and issue time."""

    async def deny(self, jti: str, until: datetime) -> None:
        """Deny the token ``jti`` until ``until`` (its ``exp``; afterwards it is dead anyway)."""
        ...

    async def is_denied(self, jti: str) -> bool:
        """Whether ``jti`` is denied; raises ``ServiceUnavailable`` if the store is down."""
        ...

    async def revoke_subject(self, subject: str, issued_before: datetime, until: datetime) -> None:
        """Deny every token of ``subject`` issued before ``issued_before`` (password change,
        account disabled), remembered until ``until`` (the longest access-token lifetime
        after ``issued_before``). A later call with an earlier instant never undoes it."""
        ...

    async def is_revoked(self, jti: str, subject: str, issued_at: datetime) -> bool:
        """One check for a presented token: denied by ``jti`` or issued before its subject's
        revocation instant. Raises ``ServiceUnavailable`` if the store is down."""
        ...


class RefreshOutcome(StrEnum):
    """What presenting a refresh token led to."""

    ROTATED = "rotated"  # valid: it is now used and the new token is the family's current one
    REUSED = "reused"  # already used: the whole family is now revoked (RFC 9700 reuse detection)
    REVOKED = "revoked"  # its family was revoked (logout, reuse, password change)
    EXPIRED = "expired"  # its family's absolute lifetime is over
    UNKNOWN = "unknown"  # never issued (or long forgotten)


class SessionInfo(msgspec.Struct, frozen=True, kw_only=True):
    """One login session: a refresh-token family."""

    family_id: str
    subject: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime
    revoked: bool = False


class Rotation(msgspec.Struct, frozen=True, kw_only=True):
    """The result of :meth:`RefreshTokenStore.rotate`; ``session`` is set unless UNKNOWN."""

    outcome: RefreshOutcome
    session: SessionInfo | None = None


class RefreshTokenStore(Protocol):
    """Refresh tokens by hash (never the token itself), grouped in families (sessions).

    ``rotate`` is atomic: of two concurrent rotations of one token exactly one is ROTATED and
    the other is REUSED (which revokes the family, as RFC 9700 prescribes).
    """

    async def start(
        self,
        family_id: str,
        subject: str,
        token_hash: str,
        now: datetime,
        expires_at: datetime,
    ) -> SessionInfo:
        """Begin a family (a login) whose first token is ``token_hash``."""
        ...

    async def rotate(self, token_hash: str, new_token_hash: str, now: datetime) -> Rotation:
        """Spend ``token_hash`` and make ``new_token_hash`` the family's current token."""
        ...

    async def revoke_family(self, family_id: str) -> None:
        """Revoke one session (logout, or the user revoking it from the sessions list)."""
        ...

    async def revoke_subject(self, subject: str) -> None:
        """Revoke every session of ``subject`` (password change, account disabled)."""
        ...

    async def sessions(self, subject: str, now: datetime) -> list[SessionInfo]:
        """``subject``'s live sessions (neither revoked nor expired), newest first."""
        ...


__all__ = [
    "RefreshOutcome",
    "RefreshTokenStore",
    "Rotation",
    "SessionInfo",
    "TokenDenylist",
]
