"""Session state in process: the token denylist and refresh-token families (embedded default)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from adapters.memory.clock import SystemClock
from questlog_core.ports.platform import Clock
from questlog_core.ports.sessions import RefreshOutcome, Rotation, SessionInfo


class MemoryTokenDenylist:
    """Denied ``jti``s and per-subject revocation instants, forgotten after their ``until``."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._jtis: dict[str, datetime] = {}
        self._subjects: dict[str, tuple[datetime, datetime]] = {}  # instant, until

    async def deny(self, jti: str, until: datetime) -> None:
        """Deny ``jti`` until ``until``; a moment already past is a no-op."""
        if until <= self._clock.now():
            return
        self._jtis[jti] = max(until, self._jtis.get(jti, until))

    async def is_denied(self, jti: str) -> bool:
        """Whether ``jti`` is denied now."""
        until = self._jtis.get(jti)
        if until is None:
            return False
        if until <= self._clock.now():
            del self._jtis[jti]
            return False
        return True

    async def revoke_subject(self, subject: str, issued_before: datetime, until: datetime) -> None:
        """Deny ``subject``'s tokens issued before ``issued_before`` (the latest instant wins)."""
        now = self._clock.now()
        current = self._live_subject(subject, now)
        if current is not None:
            issued_before = max(issued_before, current[0])
            until = max(until, current[1])
        if until > now:
            self._subjects[subject] = (issued_before, until)

    async def is_revoked(self, jti: str, subject: str, issued_at: datetime) -> bool:
        """Denied by ``jti``, or issued before ``subject``'s revocation instant."""
        if await self.is_denied(jti):
            return True
        current = self._live_subject(subject, self._clock.now())
        return current is not None and issued_at < current[0]

    def _live_subject(self, subject: str, now: datetime) -> tuple[datetime, datetime] | None:
        current = self._subjects.get(subject)
        if current is not None and current[1] <= now:
            del self._subjects[subject]
            return None
        return current


@dataclass(slots=True)
class _Family:
    subject: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime
    revoked: bool = False

    def info(self, family_id: str) -> SessionInfo:
        return SessionInfo(
            family_id=family_id,
            subject=self.subject,
            created_at=self.created_at,
            expires_at=self.expires_at,
            last_used_at=self.last_used_at,
            revoked=self.revoked,
        )


class MemoryRefreshTokenStore:
    """Refresh-token families in process; ``rotate`` never awaits, so it is atomic here."""

    def __init__(self) -> None:
        self._families: dict[str, _Family] = {}
        self._tokens: dict[str, tuple[str, bool]] = {}  # hash -> (family id, used)

    async def start(
        self, family_id: str, subject: str, token_hash: str, now: datetime, expires_at: datetime
    ) -> SessionInfo:
        """Begin a family whose first token is ``token_hash``."""
        family = _Family(subject, created_at=now, expires_at=expires_at, last_used_at=now)
        self._families[family_id] = family
        self._tokens[token_hash] = (family_id, False)
        return family.info(family_id)

    async def rotate(self, token_hash: str, new_token_hash: str, now: datetime) -> Rotation:
        """Spend ``token_hash``; a second presentation revokes the whole family."""
        entry = self._tokens.get(token_hash)
        family = self._families.get(entry[0]) if entry is not None else None
        if entry is None or family is None:
            return Rotation(outcome=RefreshOutcome.UNKNOWN)
        family_id, used = entry
        if family.revoked:
            return Rotation(outcome=RefreshOutcome.REVOKED, session=family.info(family_id))
        if now >= family.expires_at:
            return Rotation(outcome=RefreshOutcome.EXPIRED, session=family.info(family_id))
        if used:
            family.revoked = True
            return Rotation(outcome=RefreshOutcome.REUSED, session=family.info(family_id))
        self._tokens[token_hash] = (family_id, True)
        self._tokens[new_token_hash] = (family_id, False)
        family.last_used_at = now
        return Rotation(outcome=RefreshOutcome.ROTATED, session=family.info(family_id))

    async def revoke_family(self, family_id: str) -> None:
        """Revoke one session."""
        family = self._families.get(family_id)
        if family is not None:
            family.revoked = True

    async def revoke_subject(self, subject: str) -> None:
        """Revoke every session of ``subject``."""
        for family in self._families.values():
            if family.subject == subject:
                family.revoked = True

    async def sessions(self, subject: str, now: datetime) -> list[SessionInfo]:
        """Live sessions of ``subject``, newest first."""
        live = [
            f.info(fid)
            for fid, f in self._families.items()
            if f.subject == subject and not f.revoked and now < f.expires_at
        ]
        return sorted(live, key=lambda s: (s.created_at, s.family_id), reverse=True)


__all__ = ["MemoryRefreshTokenStore", "MemoryTokenDenylist"]
