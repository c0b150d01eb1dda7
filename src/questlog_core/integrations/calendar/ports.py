"""Ports of calendar feeds: the feeds, the quest entries, the owners' zones, their unit of work,
and the renderer.

Adapters: :mod:`adapters.memory.calendar` (reference semantics) and
:mod:`adapters.sql.calendar` (SQLite and PostgreSQL); one contract suite runs over all three
(``tests/contract/test_calendar_store.py``). Every read but the token lookup is scoped by owner.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from questlog_core.integrations.calendar.model import (
    CalendarEntry,
    CalendarFeed,
    FeedContent,
)
from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.kernel.unit_of_work import UnitOfWork

__all__ = [
    "CalendarEntries",
    "CalendarFeeds",
    "CalendarRenderer",
    "CalendarUnitOfWork",
    "CalendarZones",
]


class CalendarFeeds(Protocol):
    """Each user's feeds, found by owner or by the hash of their token."""

    async def add(self, feed: CalendarFeed) -> None: ...

    async def save(self, feed: CalendarFeed) -> None:
        """Replace the stored feed of the same ``feed_id`` (token hash, revocation)."""
        ...

    async def get(self, owner: UserId, feed_id: UUID) -> CalendarFeed | None:
        """The owner's feed (``None`` for another owner's)."""
        ...

    async def of_owner(self, owner: UserId) -> list[CalendarFeed]:
        """The owner's feeds, revoked ones too, oldest first."""
        ...

    async def by_token_hash(self, token_hash: str) -> CalendarFeed | None:
        """The feed whose token hashes to ``token_hash``, revoked or not."""
        ...


class CalendarEntries(Protocol):
    """The integrations service's copy of each quest (see :class:`CalendarEntry`)."""

    async def get(self, owner: UserId, quest_id: QuestId) -> CalendarEntry | None: ...

    async def put(self, entry: CalendarEntry) -> None:
        """Store ``entry``, replacing what ``(owner, quest_id)`` had."""
        ...

    async def remove(self, owner: UserId, quest_id: QuestId) -> None:
        """Forget the quest (nothing happens if it is not there)."""
        ...

    async def in_feed(self, owner: UserId) -> list[CalendarEntry]:
        """The owner's entries that a calendar shows (a due date, not archived), by due date
        then quest id."""
        ...


class CalendarZones(Protocol):
    """Each user's time zone, as identity last announced it."""

    async def get(self, owner: UserId) -> str | None: ...

    async def put(self, owner: UserId, timezone: str) -> None: ...


class CalendarUnitOfWork(UnitOfWork, Protocol):
    """One transaction over the feeds, the entries, the zones and the integrations inbox."""

    feeds: CalendarFeeds
    entries: CalendarEntries
    zones: CalendarZones


class CalendarRenderer(Protocol):
    """Turns a feed's content into an iCalendar (RFC 5545) document."""

    def render(self, content: FeedContent, *, now: datetime) -> bytes:
        """The ``VCALENDAR`` of ``content``; ``now`` is the ``DTSTAMP`` of entries that have
        no change time of their own."""
        ...
