"""What the analytics context keeps and answers: recorded product events, one player's
summary and the admins' daily figures. Pure values; the rules that make them live in
:mod:`.recording` and :mod:`.use_cases`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from questlog_core.kernel.ids import EventId, UserId

__all__ = [
    "UTC_ZONE",
    "DailyFigures",
    "Kind",
    "PlayerSummary",
    "PropertyValue",
    "RecordedEvent",
    "local_day",
    "player_zone",
    "utc_day",
]

#: the zone of a player whose time zone analytics does not know (or does not recognise)
UTC_ZONE = "UTC"

#: a property's value: small and flat (no nesting, no free text beyond a label)
PropertyValue = str | int | bool | None


class Kind(StrEnum):
    """What a player did, as analytics counts it."""

    QUEST_CREATED = "quest.created"
    QUEST_STARTED = "quest.started"
    QUEST_COMPLETED = "quest.completed"
    QUEST_REOPENED = "quest.reopened"
    QUEST_ABANDONED = "quest.abandoned"
    QUEST_ARCHIVED = "quest.archived"
    QUEST_DELETED = "quest.deleted"
    AI_FEATURE_USED = "ai.feature_used"
    NOTIFICATION_OPENED = "notification.opened"


def utc_day(moment: datetime) -> date:
    """The UTC calendar day of ``moment`` (an aware datetime)."""
    return moment.astimezone(UTC).date()


def player_zone(name: str | None) -> ZoneInfo:
    """The IANA zone ``name``; UTC for ``None`` or a name this machine does not know."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(UTC_ZONE)


def local_day(moment: datetime, zone: str | None) -> date:
    """The calendar day of ``moment`` (an aware datetime) in the time zone named ``zone``
    (UTC when unknown)."""
    return moment.astimezone(player_zone(zone)).date()


class RecordedEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One product event of one player: what it was (``kind``), when, a few properties (the
    quest, its category, the AI feature...), and the domain event it was recorded from."""

    event_id: EventId
    owner: UserId
    kind: Kind
    at: datetime
    properties: dict[str, PropertyValue] = msgspec.field(default_factory=dict)
    #: the player's own calendar day at ``at``, in their time zone when it was recorded
    #: (``None``: not given, the UTC day stands for it)
    local_day: date | None = None
    #: the order it was recorded in (set by the store; 0 before)
    position: int = 0

    @property
    def day(self) -> date:
        """The UTC day it happened on."""
        return utc_day(self.at)

    @property
    def player_day(self) -> date:
        """The player's own day it happened on (:attr:`local_day`, else the UTC day)."""
        return self.local_day if self.local_day is not None else self.day


class PlayerSummary(msgspec.Struct, frozen=True, kw_only=True):
    """One player's figures over ``[since, until)``, on the player's own days (in
    ``timezone``): the insights' raw material."""

    owner: UserId
    since: datetime
    until: datetime
    #: the IANA time zone whose days the figures are on (the player's, UTC when unknown)
    timezone: str
    #: each of the player's days of the window (oldest first) with its completions (zero days
    #: included)
    completions_per_day: list[tuple[date, int]]
    #: each ISO week touched by the window (its Monday, oldest first) with its completions
    completions_per_week: list[tuple[date, int]]
    #: completions by quest category (``None``: no category), most first
    completions_by_category: list[tuple[str | None, int]]
    #: uses of each AI feature, most first
    ai_feature_use: list[tuple[str, int]]
    #: every kind's count over the window (kinds never seen are 0)
    counts: dict[Kind, int]
    #: notifications the player opened (one "mark all read" opens many)
    notifications_opened: int
    #: the player's days of the window with at least one recorded event
    active_days: int

    @property
    def completions(self) -> int:
        """Quests completed over the window."""
        return self.counts[Kind.QUEST_COMPLETED]


class DailyFigures(msgspec.Struct, frozen=True, kw_only=True):
    """One UTC day across every player: how many were active (any recorded event), how many
    quests were completed, by how many players."""

    day: date
    active_users: int
    completions: int
    completing_users: int
