"""Response bodies of the analytics service, built from the use cases' results
(``from_domain``), so the published contract changes only when this file does."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

import msgspec

from questlog_core.analytics.messages import DailyFigures, Kind, PlayerSummary, RecordedEvent

#: the columns of a CSV export, in order
CSV_COLUMNS: tuple[str, ...] = ("position", "event_id", "kind", "at", "properties")


class DayCountOut(msgspec.Struct, frozen=True, kw_only=True):
    """A day (or the Monday of an ISO week) and a count: the player's own day in their
    summary, a UTC day in the admins' view."""

    day: date
    count: int


class CategoryCountOut(msgspec.Struct, frozen=True, kw_only=True):
    """Completions of one quest category (``null``: quests without one)."""

    category: str | None
    count: int


class FeatureCountOut(msgspec.Struct, frozen=True, kw_only=True):
    """Uses of one AI feature."""

    feature: str
    count: int


class SummaryOut(msgspec.Struct, frozen=True, kw_only=True):
    """The caller's figures over ``[since, until)``: their last ``days`` days in their own
    time zone (``timezone``, the profile's; UTC before analytics learnt it), today included,
    each record on the day it was in that zone when it happened. Counts follow the events of
    the other services, so an action shows here a moment after it happened."""

    since: datetime
    until: datetime
    #: the IANA time zone whose days the figures are on
    timezone: str
    completions: int
    completions_per_day: list[DayCountOut]
    completions_per_week: list[DayCountOut]
    completions_by_category: list[CategoryCountOut]
    ai_feature_use: list[FeatureCountOut]
    notifications_opened: int
    active_days: int
    #: every kind of recorded event with its count (zero included)
    counts: dict[str, int]

    @classmethod
    def from_domain(cls, summary: PlayerSummary) -> SummaryOut:
        return cls(
            since=summary.since,
            until=summary.until,
            timezone=summary.timezone,
            completions=summary.completions,
            completions_per_day=[
                DayCountOut(day=d, count=n) for d, n in summary.completions_per_day
            ],
            completions_per_week=[
                DayCountOut(day=d, count=n) for d, n in summary.completions_per_week
            ],
            completions_by_category=[
                CategoryCountOut(category=c, count=n) for c, n in summary.completions_by_category
            ],
            ai_feature_use=[FeatureCountOut(feature=f, count=n) for f, n in summary.ai_feature_use],
            notifications_opened=summary.notifications_opened,
            active_days=summary.active_days,
            counts={kind.value: summary.counts[kind] for kind in Kind},
        )


class RecordOut(msgspec.Struct, frozen=True, kw_only=True):
    """One recorded event of the caller, as exported."""

    position: int
    event_id: UUID
    kind: str
    at: datetime
    properties: dict[str, str | int | bool | None]

    @classmethod
    def from_domain(cls, record: RecordedEvent) -> RecordOut:
        return cls(
            position=record.position,
            event_id=record.event_id,
            kind=record.kind.value,
            at=record.at,
            properties=dict(record.properties),
        )


class DailyFiguresOut(msgspec.Struct, frozen=True, kw_only=True):
    """One UTC day across every player: players with any recorded event, quests completed,
    and by how many players. No player is named."""

    day: date
    active_users: int
    completions: int
    completing_users: int

    @classmethod
    def from_domain(cls, figures: DailyFigures) -> DailyFiguresOut:
        return cls(
            day=figures.day,
            active_users=figures.active_users,
            completions=figures.completions,
            completing_users=figures.completing_users,
        )


class DailyOut(msgspec.Struct, frozen=True, kw_only=True):
    """Every day of the range, oldest first (days without a record are zeros)."""

    days: list[DailyFiguresOut]

    @classmethod
    def from_domain(cls, figures: Iterable[DailyFigures]) -> DailyOut:
        return cls(days=[DailyFiguresOut.from_domain(f) for f in figures])


def csv_header() -> str:
    """The first line of a CSV export."""
    return csv_rows([])


def csv_rows(records: Iterable[RecordedEvent], *, header: bool = True) -> str:
    """``records`` as CSV lines (``properties`` as a JSON object), after the header row when
    ``header``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for r in records:
        writer.writerow(
            (
                r.position,
                r.event_id,
                r.kind.value,
                r.at.isoformat(),
                msgspec.json.encode(r.properties).decode(),
            )
        )
    return out.getvalue()


def json_records(records: Iterable[RecordedEvent]) -> bytes:
    """``records`` as JSON objects separated by commas (a fragment of the export's array)."""
    return b",".join(msgspec.json.encode(RecordOut.from_domain(r)) for r in records)
