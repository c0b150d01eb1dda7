"""The analytics context's queries as messages for the bus, and the handler of each.

Every analytics route only reads: the records are written by the consumer, never by a request.
:func:`handlers` binds each message to its use case (see :mod:`.bootstrap`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

import msgspec

from questlog_core.analytics.model import DailyFigures, Kind, PlayerSummary, RecordedEvent
from questlog_core.analytics.ports import AnalyticsUnitOfWork
from questlog_core.analytics.use_cases import (
    DAILY_MAX_DAYS,
    EXPORT_PAGE,
    SUMMARY_MAX_DAYS,
    daily_figures,
    export_page,
    summary_of,
)
from questlog_core.kernel.ids import UserId

__all__ = [
    "DAILY_MAX_DAYS",
    "QUERIES",
    "SUMMARY_MAX_DAYS",
    "DailyFigures",
    "ExportMyRecords",
    "GetDailyFigures",
    "GetMySummary",
    "Kind",
    "PlayerSummary",
    "RecordedEvent",
    "handlers",
]


class GetMySummary(msgspec.Struct, frozen=True, kw_only=True):
    """``owner``'s summary of their last ``days`` days (in their time zone) before ``now``."""

    owner: UserId
    now: datetime
    days: int = 30


class ExportMyRecords(msgspec.Struct, frozen=True, kw_only=True):
    """A page of ``owner``'s records after ``position`` ``after``."""

    owner: UserId
    after: int = 0
    limit: int = EXPORT_PAGE


class GetDailyFigures(msgspec.Struct, frozen=True, kw_only=True):
    """Every player's daily figures from ``first`` to ``last`` (inclusive)."""

    first: date
    last: date


#: every analytics message (all of them only read)
QUERIES: frozenset[type[msgspec.Struct]] = frozenset(
    {GetMySummary, ExportMyRecords, GetDailyFigures}
)

Handler = Callable[[Any, AnalyticsUnitOfWork], Awaitable[Any]]


def handlers() -> dict[type[msgspec.Struct], Handler]:
    """Every analytics message mapped to its use case."""

    async def summary(q: GetMySummary, uow: AnalyticsUnitOfWork) -> PlayerSummary:
        return await summary_of(q.owner, q.now, q.days, uow)

    async def export(q: ExportMyRecords, uow: AnalyticsUnitOfWork) -> list[RecordedEvent]:
        return await export_page(q.owner, q.after, uow, q.limit)

    async def daily(q: GetDailyFigures, uow: AnalyticsUnitOfWork) -> list[DailyFigures]:
        return await daily_figures(q.first, q.last, uow)

    return {GetMySummary: summary, ExportMyRecords: export, GetDailyFigures: daily}
