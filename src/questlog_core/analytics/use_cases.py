"""What the analytics context answers: one player's summary (the insights' raw material),
one player's records page by page (their export), every player's daily figures (admins).

Every one of them only reads; the records themselves are written by the consumer
(:mod:`.recording`), never by a request.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from questlog_core.analytics.model import (
    UTC_ZONE,
    DailyFigures,
    Kind,
    PlayerSummary,
    RecordedEvent,
    player_zone,
)
from questlog_core.analytics.ports import AnalyticsUnitOfWork
from questlog_core.kernel.errors import ValidationFailed
from questlog_core.kernel.ids import UserId

__all__ = [
    "DAILY_MAX_DAYS",
    "EXPORT_PAGE",
    "SUMMARY_MAX_DAYS",
    "daily_figures",
    "export_page",
    "summarise",
    "summary_of",
]

#: the longest window of a player's summary, in days
SUMMARY_MAX_DAYS = 366
#: the longest range of the admins' daily view, in days
DAILY_MAX_DAYS = 366
#: records read per page of an export
EXPORT_PAGE = 500


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def summarise(
    owner: UserId,
    events: list[RecordedEvent],
    since: datetime,
    until: datetime,
    timezone: str = UTC_ZONE,
) -> PlayerSummary:
    """The summary of ``owner``'s ``events`` (those of ``[since, until)``) on the player's own
    days (``timezone``'s days; each event on the local day it was recorded with); pure."""
    zone = player_zone(timezone)
    first = since.astimezone(zone).date()
    last = (until - timedelta(microseconds=1)).astimezone(zone).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    completed = [e for e in events if e.kind is Kind.QUEST_COMPLETED]
    per_day = Counter(e.player_day for e in completed)
    per_week = Counter(_monday(e.player_day) for e in completed)
    weeks = sorted({_monday(d) for d in days})
    category = Counter(_category(e) for e in completed)
    features = Counter(
        str(e.properties.get("feature")) for e in events if e.kind is Kind.AI_FEATURE_USED
    )
    kinds = Counter(e.kind for e in events)
    return PlayerSummary(
        owner=owner,
        since=since,
        until=until,
        timezone=timezone,
        completions_per_day=[(d, per_day[d]) for d in days],
        completions_per_week=[(w, per_week[w]) for w in weeks],
        completions_by_category=sorted(category.items(), key=lambda kv: (-kv[1], kv[0] or "")),
        ai_feature_use=sorted(features.items(), key=lambda kv: (-kv[1], kv[0])),
        counts={kind: kinds[kind] for kind in Kind},
        notifications_opened=sum(_count(e) for e in events if e.kind is Kind.NOTIFICATION_OPENED),
        active_days=len({e.player_day for e in events}),
    )


def _category(event: RecordedEvent) -> str | None:
    value = event.properties.get("category")
    return None if value is None else str(value)


def _count(event: RecordedEvent) -> int:
    value = event.properties.get("count")
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


async def summary_of(
    owner: UserId, now: datetime, days: int, uow: AnalyticsUnitOfWork
) -> PlayerSummary:
    """``owner``'s summary of their last ``days`` days (today in their time zone included, up
    to ``now``), on their own days: the analytics copy of their zone, UTC when unknown."""
    if not 1 <= days <= SUMMARY_MAX_DAYS:
        raise ValidationFailed("days", f"must be 1 to {SUMMARY_MAX_DAYS}")
    async with uow:
        timezone = await uow.player_zones.get(owner) or UTC_ZONE
        zone = player_zone(timezone)
        if str(zone) != timezone:
            timezone = UTC_ZONE  # a zone this machine does not know: its days are UTC days
        today = now.astimezone(zone).date()
        first = today - timedelta(days=days - 1)
        events = await uow.records.of_owner_on_days(owner, first, today)
    since = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    found = [e for e in events if e.at < now]
    return summarise(owner, found, since, now, timezone)


async def export_page(
    owner: UserId, after: int, uow: AnalyticsUnitOfWork, limit: int = EXPORT_PAGE
) -> list[RecordedEvent]:
    """The next page of ``owner``'s records after ``position`` ``after`` (empty: the end)."""
    async with uow:
        return await uow.records.page_of_owner(owner, after, limit)


async def daily_figures(first: date, last: date, uow: AnalyticsUnitOfWork) -> list[DailyFigures]:
    """Every player's figures for each UTC day from ``first`` to ``last`` (inclusive, at most
    :data:`DAILY_MAX_DAYS` days), days without a record included as zeros."""
    if last < first:
        raise ValidationFailed("to", "must not be before from")
    if (last - first).days + 1 > DAILY_MAX_DAYS:
        raise ValidationFailed("to", f"at most {DAILY_MAX_DAYS} days from from")
    async with uow:
        found = {f.day: f for f in await uow.records.daily(first, last)}
    return [
        found.get(day) or DailyFigures(day=day, active_users=0, completions=0, completing_users=0)
        for day in (first + timedelta(days=n) for n in range((last - first).days + 1))
    ]
