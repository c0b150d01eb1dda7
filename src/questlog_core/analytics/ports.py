"""Ports of the analytics context: the recorded events and their unit of work.

Adapters: :mod:`adapters.memory.analytics` (reference semantics) and
:mod:`adapters.sql.analytics` (SQLite and PostgreSQL); one contract suite runs over all three.
Every read of one player's records is scoped by owner.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from questlog_core.analytics.model import DailyFigures, RecordedEvent
from questlog_core.kernel.ids import UserId
from questlog_core.kernel.unit_of_work import UnitOfWork

__all__ = ["AnalyticsPlayerZones", "AnalyticsRecords", "AnalyticsUnitOfWork"]


class AnalyticsRecords(Protocol):
    """Every player's recorded product events."""

    async def add(self, event: RecordedEvent) -> bool:
        """Record ``event``; ``False`` (and nothing recorded) if its ``event_id`` already was."""
        ...

    async def of_owner_on_days(self, owner: UserId, first: date, last: date) -> list[RecordedEvent]:
        """``owner``'s events of their own days (``local_day``) ``first`` to ``last``
        (inclusive), oldest first (ties: recording order)."""
        ...

    async def page_of_owner(self, owner: UserId, after: int, limit: int) -> list[RecordedEvent]:
        """Up to ``limit`` of ``owner``'s events recorded after ``position`` ``after``, in
        recording order (pass the last one's ``position`` for the next page)."""
        ...

    async def forget_before(self, day: date) -> int:
        """Delete every player's events of UTC days before ``day``; how many went."""
        ...

    async def daily(self, first: date, last: date) -> list[DailyFigures]:
        """Every player's figures for each UTC day from ``first`` to ``last`` (inclusive) that
        has a recorded event, oldest first."""
        ...


class AnalyticsPlayerZones(Protocol):
    """Each player's time zone as identity last announced it (``UserRegistered``,
    ``ProfileUpdated``): the analytics service's own copy."""

    async def get(self, owner: UserId) -> str | None:
        """``owner``'s IANA time zone, or ``None`` before identity told analytics."""
        ...

    async def put(self, owner: UserId, timezone: str) -> None: ...


class AnalyticsUnitOfWork(UnitOfWork, Protocol):
    """One transaction over the recorded events, the players' time zones and the analytics
    inbox."""

    records: AnalyticsRecords
    player_zones: AnalyticsPlayerZones
