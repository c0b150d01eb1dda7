"""When notifications fall due, and how long a failed delivery waits before it is tried again.

Pure functions of the facts and the clock; the use cases store what they compute as
:class:`~.model.ScheduledNotification` rows, so the schedule survives restarts and is
dispatched by whichever process runs the periodic job.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from questlog_core.ids import QuestId, UserId
from questlog_core.notifications.preferences import zone

#: the local hour of a player's evening, when a streak at risk is pointed out
STREAK_AT_RISK_HOUR = 20
#: first pause before a failed delivery is tried again; doubles each attempt
FIRST_RETRY = timedelta(seconds=30)
#: longest pause between two attempts
LONGEST_RETRY = timedelta(hours=1)
#: attempts after which a delivery that keeps failing is given up (``failed``)
MAX_ATTEMPTS = 6


def reminder_times(
    due: datetime, offsets_minutes: tuple[int, ...], now: datetime
) -> list[tuple[int, datetime]]:
    """``(offset, when)`` of each reminder of a quest due at ``due`` that is still ahead of
    ``now`` (a reminder whose moment has passed is not sent late)."""
    return sorted(
        (
            (minutes, due - timedelta(minutes=minutes))
            for minutes in offsets_minutes
            if due - timedelta(minutes=minutes) > now
        ),
        key=lambda pair: pair[1],
    )


def reminder_key(quest_id: QuestId, due: datetime, offset_minutes: int, plan: str) -> str:
    """One reminder per quest, due time, offset and ``plan`` (the event that set the due
    date: moving the date away and back again plans the reminders anew)."""
    return f"reminder:{quest_id}:{due.isoformat()}:{offset_minutes}:{plan}"


def deadline_key(quest_id: QuestId, due: datetime, plan: str) -> str:
    return f"deadline:{quest_id}:{due.isoformat()}:{plan}"


def quest_subject(quest_id: QuestId) -> str:
    """What groups a quest's scheduled notifications (cancelled together)."""
    return f"quest:{quest_id}"


def streak_at_risk_at(day: date, timezone: str, hour: int = STREAK_AT_RISK_HOUR) -> datetime:
    """The player's evening of ``day``: ``hour`` o'clock on their wall clock, in UTC."""
    return datetime.combine(day, time(hour)).replace(tzinfo=zone(timezone)).astimezone(UTC)


def streak_at_risk_key(user: UserId, day: date) -> str:
    return f"streak-at-risk:{user}:{day.isoformat()}"


def local_day(at: datetime, timezone: str) -> date:
    """The calendar day of ``at`` on the user's wall clock."""
    return at.astimezone(zone(timezone)).date()


def retry_delay(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed attempt: 30 s, 60 s, 2 min ... up to 1 h."""
    if attempts < 1:
        raise ValueError("attempts counts from 1")
    delay: timedelta = FIRST_RETRY * int(2 ** min(attempts - 1, 20))
    return min(delay, LONGEST_RETRY)


__all__ = [
    "FIRST_RETRY",
    "LONGEST_RETRY",
    "MAX_ATTEMPTS",
    "STREAK_AT_RISK_HOUR",
    "deadline_key",
    "local_day",
    "quest_subject",
    "reminder_key",
    "reminder_times",
    "retry_delay",
    "streak_at_risk_at",
    "streak_at_risk_key",
]
