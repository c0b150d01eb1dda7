"""The revocation feed: access tokens revoked before their expiry.

Every service checks a presented access token against it (the auth service and the services
that verify tokens locally through the JWKS alike), so it is shared state: Redis in production,
in process for the all-in-one. Refresh-token families are *not* here: they are the auth
service's own durable records (:class:`~questlog_core.identity.ports.RefreshTokenRepository`).

Revocation checks **fail closed**: an adapter that cannot reach its store raises
``ServiceUnavailable`` (the HTTP edge answers 503) instead of guessing. Guessing "not denied"
would let a logged-out token back in; guessing "denied" would log every user out and hide the
outage behind 401s. Writes (``deny``, ``revoke_session``, ``revoke_subject``) raise the same
way, so a logout never reports success without having revoked anything.

The feed is what lets every service (the auth service included) accept an access token from its
signature and claims alone, with no database read per request: every way an access token can
end before its ``exp`` is published here (a ``jti``, a whole session, or all of a subject's
tokens issued before an instant), each remembered for as long as such a token could live.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class TokenDenylist(Protocol):
    """Access tokens revoked before their expiry, by ``jti`` or by subject and issue time."""

    async def deny(self, jti: str, until: datetime) -> None:
        """Deny the token ``jti`` until ``until`` (its ``exp``; afterwards it is dead anyway)."""
        ...

    async def is_denied(self, jti: str) -> bool:
        """Whether ``jti`` is denied; raises ``ServiceUnavailable`` if the store is down."""
        ...

    async def revoke_session(self, session_id: str, until: datetime) -> None:
        """Deny every access token of the session ``session_id`` (logout, a device signed
        out, refresh-token reuse), remembered until ``until`` (the latest ``exp`` a token of
        that session can carry). A later call with an earlier ``until`` never shortens it."""
        ...

    async def revoke_subject(self, subject: str, issued_before: datetime, until: datetime) -> None:
        """Deny every token of ``subject`` issued before ``issued_before`` (password change,
        account disabled), remembered until ``until`` (the longest access-token lifetime
        after ``issued_before``). A later call with an earlier instant never undoes it."""
        ...

    async def is_revoked(
        self,
        jti: str,
        subject: str,
        issued_at: datetime,
        session_id: str | None = None,
        *,
        reading: bool = False,
    ) -> bool:
        """One check for a presented token: denied by ``jti``, by its session ``session_id``
        (when given), or issued strictly before its subject's revocation instant (a token
        issued at that very instant, e.g. the fresh one handed out by a password change, is
        not revoked). Raises ``ServiceUnavailable`` if the store is down.

        ``reading`` says the request only reads: an adapter whose store is unreachable may then
        answer from a recent local copy of the feed for a bounded grace period (documented by
        the adapter) instead of failing closed at once. Writes never get that grace."""
        ...


__all__ = ["TokenDenylist"]
