"""Erased accounts in memory: one service's tombstones and how it erases an account's rows.

``memory://`` has no event flow (no outbox relay, no consumers), so the app never builds
these; they give the erasure and the late-event guard
(:func:`questlog_core.moving.erasure.unless_erased`) the same contract as on SQL, for tests
and for whoever embeds the core without a database. One process, one event loop: an erasure
and a sweep never interleave inside a call, so no lock is needed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from questlog_core.ids import UserId

#: deletes every row of one account in the service's store; returns how many
EraseRows = Callable[[UserId], Awaitable[int]]


class InMemoryErasedAccounts:
    """:class:`~questlog_core.moving.erasure.ErasedAccounts` and the tombstone half of
    :class:`~questlog_core.moving.erasure.PersonalData` over one service's store."""

    def __init__(self, erase_rows: EraseRows, now: Callable[[], datetime] | None = None) -> None:
        self._erase_rows = erase_rows
        self._now = now or (lambda: datetime.now(UTC))
        #: the erased accounts and when
        self.erased: dict[UserId, datetime] = {}

    async def remember_erased(self, owner: UserId) -> None:
        """Record ``owner``'s account as erased (the first time counts)."""
        self.erased.setdefault(owner, self._now())

    async def sweep(self, owner: UserId) -> int | None:
        if owner not in self.erased:
            return None
        return await self._erase_rows(owner)


__all__ = ["EraseRows", "InMemoryErasedAccounts"]
