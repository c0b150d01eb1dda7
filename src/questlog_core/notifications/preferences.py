"""What a user wants to hear about, where, and when not.

* per kind × channel: which channels each :class:`~.model.Kind` uses (defaults below);
* quiet hours: a window of local wall-clock time (``22:00``–``07:00`` wraps midnight) in the
  user's time zone during which nothing is emailed or pushed; what falls due in the window is
  held until it ends. In-app notifications are stored at once (they interrupt no one);
* a global opt-out: no email and no push of any kind (the in-app history keeps recording);
* the offsets before a quest's due time at which reminders fall due.

Quiet hours follow the wall clock through daylight-saving changes
(see :meth:`QuietHours.ends_after`).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from questlog_core.errors import ValidationFailed
from questlog_core.notifications.model import Channel, Kind

#: reminders fall due this many minutes before a quest's due time, unless the user chose
DEFAULT_REMINDER_OFFSETS_MINUTES: tuple[int, ...] = (24 * 60, 60)
#: most reminder offsets a user may keep (each is a notification per quest with a due date)
MAX_REMINDER_OFFSETS = 5
#: the longest reminder offset: 30 days
MAX_REMINDER_OFFSET_MINUTES = 30 * 24 * 60

#: channels of each kind for a user who never changed them
DEFAULT_CHANNELS: dict[Kind, frozenset[Channel]] = {
    Kind.REMINDER: frozenset({Channel.IN_APP, Channel.EMAIL, Channel.PUSH}),
    Kind.DEADLINE_PASSED: frozenset({Channel.IN_APP, Channel.EMAIL, Channel.PUSH}),
    Kind.ACHIEVEMENT_UNLOCKED: frozenset({Channel.IN_APP, Channel.EMAIL}),
    Kind.LEVEL_UP: frozenset({Channel.IN_APP, Channel.EMAIL}),
    Kind.STREAK_AT_RISK: frozenset({Channel.IN_APP, Channel.PUSH}),
    Kind.AI_SUGGESTION: frozenset({Channel.IN_APP}),
    Kind.SYSTEM_ANNOUNCEMENT: frozenset({Channel.IN_APP, Channel.EMAIL}),
}


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ``ValidationFailed`` if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed("timezone", f"unknown time zone {name!r}") from None


class QuietHours(msgspec.Struct, frozen=True, kw_only=True):
    """``start`` ≤ local time < ``end`` is quiet; ``start > end`` wraps past midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValidationFailed("quiet_hours", "start and end must differ")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValidationFailed("quiet_hours", "give local wall-clock times without a zone")

    def _covers(self, wall: time) -> bool:
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def is_quiet(self, at: datetime, tz: ZoneInfo) -> bool:
        """Whether the instant ``at`` falls in the window on the user's wall clock."""
        return self._covers(at.astimezone(tz).time().replace(tzinfo=None))

    def ends_after(self, at: datetime, tz: ZoneInfo) -> datetime | None:
        """The first instant after ``at`` that is not quiet (UTC), or ``None`` if ``at`` is
        not quiet.

        Exact across daylight-saving changes: when the end's wall time does not exist that
        night (clocks jump over it) the window ends at the jump; when it occurs twice, at its
        first occurrence after ``at``; when clocks fall back below ``start`` the window ends
        at the fall.
        """
        if not self.is_quiet(at, tz):
            return None
        local = at.astimezone(tz)
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.end:
            day += timedelta(days=1)
        wall = datetime.combine(day, self.end)
        occurrences = [
            u
            for u in (_utc(wall, tz, fold) for fold in (0, 1))
            if u.astimezone(tz).replace(tzinfo=None) == wall and u > at
        ]
        # No occurrence: the wall time is skipped tonight; fold 0 lands past the jump.
        candidate = min(occurrences) if occurrences else _utc(wall, tz, 0)
        if at.astimezone(tz).utcoffset() != candidate.astimezone(tz).utcoffset():
            jump = _transition(at, candidate, tz)
            if not self.is_quiet(jump, tz):
                return jump
        return candidate


def _utc(wall: datetime, tz: ZoneInfo, fold: int) -> datetime:
    return wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)


def _transition(after: datetime, before: datetime, tz: ZoneInfo) -> datetime:
    """The first instant in ``(after, before]`` whose UTC offset differs from ``after``'s
    (exact to the second: zones change offsets on whole seconds)."""
    offset = after.astimezone(tz).utcoffset()
    lo, hi = int(after.timestamp()), int(before.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == offset:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)


class Preferences(msgspec.Struct, frozen=True, kw_only=True):
    """One user's notification preferences (defaults: :data:`DEFAULT_CHANNELS`)."""

    channels: dict[Kind, frozenset[Channel]] = msgspec.field(
        default_factory=lambda: dict(DEFAULT_CHANNELS)
    )
    quiet_hours: QuietHours | None = None
    opted_out: bool = False
    reminder_offsets_minutes: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS_MINUTES
    version: int = 0

    def __post_init__(self) -> None:
        offsets = self.reminder_offsets_minutes
        if len(offsets) > MAX_REMINDER_OFFSETS:
            raise ValidationFailed(
                "reminder_offsets_minutes", f"at most {MAX_REMINDER_OFFSETS} offsets"
            )
        if any(not 0 < m <= MAX_REMINDER_OFFSET_MINUTES for m in offsets):
            raise ValidationFailed(
                "reminder_offsets_minutes",
                f"each offset is 1 to {MAX_REMINDER_OFFSET_MINUTES} minutes",
            )
        if len(set(offsets)) != len(offsets):
            raise ValidationFailed("reminder_offsets_minutes", "offsets must differ")

    def channels_for(self, kind: Kind) -> frozenset[Channel]:
        """The channels ``kind`` goes out on: none but in-app after a global opt-out."""
        chosen = self.channels.get(kind, DEFAULT_CHANNELS[kind])
        if self.opted_out:
            return chosen & {Channel.IN_APP}
        return chosen

    def hold_until(self, at: datetime, timezone: str) -> datetime:
        """When an email or push that falls due at ``at`` may go out: ``at`` itself, or the
        end of the quiet hours it falls in (on the user's wall clock in ``timezone``)."""
        if self.quiet_hours is None:
            return at
        return self.quiet_hours.ends_after(at, zone(timezone)) or at

    def without(self, kind: Kind, channel: Channel) -> Preferences:
        """These preferences with ``channel`` turned off for ``kind`` (an unsubscribe)."""
        channels = dict(self.channels)
        channels[kind] = self.channels.get(kind, DEFAULT_CHANNELS[kind]) - {channel}
        return msgspec.structs.replace(self, channels=channels)


__all__ = [
    "DEFAULT_CHANNELS",
    "DEFAULT_REMINDER_OFFSETS_MINUTES",
    "MAX_REMINDER_OFFSETS",
    "MAX_REMINDER_OFFSET_MINUTES",
    "Preferences",
    "QuietHours",
    "zone",
]
