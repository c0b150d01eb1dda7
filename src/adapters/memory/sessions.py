"""The revocation feed in process: the token denylist of the embedded default (one process)."""

from __future__ import annotations

from datetime import datetime

from adapters.memory.clock import SystemClock
from questlog_core.ports.platform import Clock


class MemoryTokenDenylist:
    """Denied ``jti``s and sessions, and per-subject revocation instants, each forgotten after
    its ``until``."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._jtis: dict[str, datetime] = {}
        self._sessions: dict[str, datetime] = {}
        self._subjects: dict[str, tuple[datetime, datetime]] = {}  # instant, until

    async def deny(self, jti: str, until: datetime) -> None:
        """Deny ``jti`` until ``until``; a moment already past is a no-op."""
        if until <= self._clock.now():
            return
        self._jtis[jti] = max(until, self._jtis.get(jti, until))

    async def is_denied(self, jti: str) -> bool:
        """Whether ``jti`` is denied now."""
        return self._live(self._jtis, jti)

    async def revoke_session(self, session_id: str, until: datetime) -> None:
        """Deny every token of ``session_id`` until ``until``; the later ``until`` wins."""
        if until <= self._clock.now():
            return
        self._sessions[session_id] = max(until, self._sessions.get(session_id, until))

    async def revoke_subject(self, subject: str, issued_before: datetime, until: datetime) -> None:
        """Deny ``subject``'s tokens issued before ``issued_before`` (the latest instant wins)."""
        now = self._clock.now()
        current = self._live_subject(subject, now)
        if current is not None:
            issued_before = max(issued_before, current[0])
            until = max(until, current[1])
        if until > now:
            self._subjects[subject] = (issued_before, until)

    async def is_revoked(
        self,
        jti: str,
        subject: str,
        issued_at: datetime,
        session_id: str | None = None,
        *,
        reading: bool = False,
    ) -> bool:
        """Denied by ``jti`` or session, or issued before ``subject``'s revocation instant
        (``reading`` changes nothing: this store is never unreachable)."""
        if self._live(self._jtis, jti):
            return True
        if session_id is not None and self._live(self._sessions, session_id):
            return True
        current = self._live_subject(subject, self._clock.now())
        return current is not None and issued_at < current[0]

    def forget_expired(self) -> None:
        """Drop every entry whose ``until`` has passed (lookups drop them one by one; a copy
        of the feed that is mostly written to calls this now and then)."""
        now = self._clock.now()
        for entries in (self._jtis, self._sessions):
            for key in [k for k, until in entries.items() if until <= now]:
                del entries[key]
        for subject in [k for k, (_, until) in self._subjects.items() if until <= now]:
            del self._subjects[subject]

    def __len__(self) -> int:
        return len(self._jtis) + len(self._sessions) + len(self._subjects)

    def _live(self, entries: dict[str, datetime], key: str) -> bool:
        until = entries.get(key)
        if until is None:
            return False
        if until <= self._clock.now():
            del entries[key]
            return False
        return True

    def _live_subject(self, subject: str, now: datetime) -> tuple[datetime, datetime] | None:
        current = self._subjects.get(subject)
        if current is not None and current[1] <= now:
            del self._subjects[subject]
            return None
        return current


__all__ = ["MemoryTokenDenylist"]
