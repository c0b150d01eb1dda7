"""Ports of the analytics context: the recorded events and their unit of work.

Adapters: :mod:`adapters.memory.analytics` (reference semantics) and
:mod:`adapters.sql.analytics` (SQLite and PostgreSQL); one contract suite runs over all three.
Every read of one player's records is scoped by owner.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from questlog_core.analytics.model import DailyFigures, RecordedEvent
from questlog_core.kernel.ids import UserId
from questlog_core.kernel.unit_of_work import UnitOfWork

__all__ = ["AnalyticsRecords", "AnalyticsUnitOfWork"]


class AnalyticsRecords(Protocol):
    """Every player's recorded product events."""

    async def add(self, event: RecordedEvent) -> bool:
        """Record ``event``; ``False`` (and nothing recorded) if its ``event_id`` already was."""
        ...

    async def of_owner(
        self, owner: UserId, since: datetime, until: datetime
    ) -> list[RecordedEvent]:
        """``owner``'s events with ``since <= at < until``, oldest first (ties: recording
        order)."""
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


class AnalyticsUnitOfWork(UnitOfWork, Protocol):
    """One transaction over the recorded events and the analytics inbox."""

    records: AnalyticsRecords
