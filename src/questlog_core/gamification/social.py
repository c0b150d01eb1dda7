"""Friends and shared achievements: who plays with whom, and what a player shows the world.

* A **friendship** is one record per pair of players (``user_a`` < ``user_b``): *pending*
  (``requested_by`` asked, the other has not accepted), *accepted*, or *blocked* by one side
  or both. A block ends any friendship or request between the two, and while it stands the
  blocked player's invitations to the blocker come to nothing (silently: a block is not
  announced to the one blocked).
* An invitation goes **by email** or **by link**. The game never holds an email address: an
  address is kept as its SHA-256 digest (:func:`email_digest`), matched against the digest
  each player's account announced when it registered. An invitation to an address with no
  player yet waits (:class:`EmailInvite`) and becomes a request when that address registers.
  A **link** carries an unguessable token (:func:`new_token`); only its digest is stored, it
  expires, is used once, and the inviter can revoke it.
* A **share link** shows one unlocked achievement to anyone holding it, with only what the
  player chose (:class:`ShareLink`: their display name, level, when it was unlocked), never
  an email or a user id. It is revocable; only the token's digest is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

import msgspec

from questlog_core.kernel.ids import UserId

#: how long an invitation link can be used
FRIEND_LINK_TTL = timedelta(days=7)
#: the most friends (and open requests) one player can have
MAX_FRIENDS = 500
#: token prefixes, so a leaked token is recognisable (and never confused with another kind)
FRIEND_LINK_PREFIX = "qlf_"
SHARE_PREFIX = "qls_"


class FriendStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    BLOCKED = "blocked"


class Friendship(msgspec.Struct, kw_only=True):
    """The relation between two players (see the module docstring)."""

    user_a: UserId
    user_b: UserId
    status: FriendStatus
    requested_by: UserId | None = None
    blocked_by_a: bool = False
    blocked_by_b: bool = False
    since: datetime

    @classmethod
    def between(
        cls,
        one: UserId,
        other: UserId,
        *,
        status: FriendStatus,
        since: datetime,
        requested_by: UserId | None = None,
    ) -> Friendship:
        a, b = pair(one, other)
        return cls(user_a=a, user_b=b, status=status, requested_by=requested_by, since=since)

    def other(self, user: UserId) -> UserId:
        return self.user_b if user == self.user_a else self.user_a

    def blocked_by(self, user: UserId) -> bool:
        return self.blocked_by_a if user == self.user_a else self.blocked_by_b

    def set_block(self, user: UserId, blocked: bool) -> None:
        if user == self.user_a:
            self.blocked_by_a = blocked
        else:
            self.blocked_by_b = blocked
        self.status = (
            FriendStatus.BLOCKED if self.blocked_by_a or self.blocked_by_b else self.status
        )


def pair(one: UserId, other: UserId) -> tuple[UserId, UserId]:
    """The two ids in storage order (smaller first)."""
    return (one, other) if str(one) < str(other) else (other, one)


class EmailInvite(msgspec.Struct, frozen=True, kw_only=True):
    """An invitation to an address that has no player yet."""

    email_digest: str
    inviter: UserId
    created_at: datetime


class FriendLink(msgspec.Struct, kw_only=True):
    """An invitation link (its token is shown once; only the digest is stored)."""

    link_id: UUID
    token_digest: str
    inviter: UserId
    created_at: datetime
    expires_at: datetime
    used_by: UserId | None = None
    revoked: bool = False

    def usable(self, now: datetime) -> bool:
        return self.used_by is None and not self.revoked and now < self.expires_at


class ShareLink(msgspec.Struct, kw_only=True):
    """A public link to one of a player's unlocked achievements, showing what they chose."""

    link_id: UUID
    token_digest: str
    user: UserId
    achievement_key: str
    show_display_name: bool
    show_level: bool
    show_unlocked_at: bool
    created_at: datetime
    revoked: bool = False


def email_digest(address: str) -> str:
    """The SHA-256 hex digest of an address in identity's canonical form (NFKC, trimmed,
    lower-cased): what the game keeps instead of the address."""
    canonical = unicodedata.normalize("NFKC", address).strip().lower()
    return hashlib.sha256(canonical.encode()).hexdigest()


def new_token(prefix: str) -> str:
    """An unguessable token: ``prefix`` and 256 random bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256 hex digest."""
    return hashlib.sha256(token.encode()).hexdigest()


__all__ = [
    "FRIEND_LINK_PREFIX",
    "FRIEND_LINK_TTL",
    "MAX_FRIENDS",
    "SHARE_PREFIX",
    "EmailInvite",
    "FriendLink",
    "FriendStatus",
    "Friendship",
    "ShareLink",
    "email_digest",
    "new_token",
    "pair",
    "token_digest",
]
