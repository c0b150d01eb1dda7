"""Daily streaks on the player's own calendar.

A *local day* is defined by an IANA time zone **and** a day-start hour: with a 04:00 start, a
completion at 02:30 on Tuesday counts for Monday. Days are keyed by their local date, so a
23- or 25-hour DST day is still one day.

A day becomes *final* ``check_in_grace`` after it ends; until then a completion made after
midnight may be *checked in for yesterday*. The rollover finalizes every day that has become
final, in date order, each exactly once (``evaluated_through`` only moves forward):

* a day with a completion extends the streak; every ``freeze_every`` counted days earn a
  freeze (at most ``freeze_cap``); reaching a milestone pays its bonus XP;
* a day without one spends a freeze if the player has one (the streak survives), otherwise
  the streak breaks and the :class:`BreakPenalty` policy decides what is left.

Changing time zone only changes which local date a *future* moment falls on: a completion
whose local date is already final counts for the first open day, and the rollover walks the
dates one by one, so it never runs twice for a date and never skips one. Reopening a quest
takes its credit back only while its day is still open; a final day stays counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from questlog_core.errors import ValidationFailed


def zone(timezone: str) -> ZoneInfo:
    """The IANA zone named ``timezone``; raises ``ValidationFailed`` for an unknown name."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed("timezone", f"unknown IANA time zone {timezone!r}") from exc


def check_day_start_hour(hour: int) -> int:
    """Validate a day-start hour (0–23)."""
    if not 0 <= hour <= 23:
        raise ValidationFailed("day_start_hour", "must be between 0 and 23")
    return hour


def local_day(at: datetime, timezone: str, day_start_hour: int = 0) -> date:
    """The player's local day that the moment ``at`` belongs to."""
    # wall-clock arithmetic on purpose: the day starts at the same wall time even across DST
    wall = at.astimezone(zone(timezone)).replace(tzinfo=None)
    return (wall - timedelta(hours=day_start_hour)).date()


def day_start(day: date, timezone: str, day_start_hour: int = 0) -> datetime:
    """The UTC moment the local ``day`` starts."""
    wall = datetime.combine(day, time(hour=day_start_hour), tzinfo=zone(timezone))
    return wall.astimezone(UTC)


class DayCredits(msgspec.Struct, frozen=True):
    """The completions credited to one still-open day (``"<quest_id>:<occurrence>"``)."""

    day: date
    credits: tuple[str, ...]


class Streak(msgspec.Struct, frozen=True, kw_only=True):
    """A player's streak state (a value: every change returns a new one).

    ``current`` counts final days only; :meth:`displayed` adds the open days already earned.
    """

    current: int = 0
    longest: int = 0
    freezes: int = 0
    #: counted days since the last freeze was earned (or the streak broke)
    run_toward_freeze: int = 0
    #: the last local date whose rollover is final; ``None`` until the first rollover
    evaluated_through: date | None = None
    pending: tuple[DayCredits, ...] = ()
    #: recent days a freeze covered (the last ``FROZEN_DAYS_KEPT``), for the calendar
    frozen_days: tuple[date, ...] = ()

    def first_open_day(self) -> date | None:
        """The earliest day not yet final (``None`` before the first rollover)."""
        return None if self.evaluated_through is None else self.evaluated_through + timedelta(1)

    def credited_day(self, credit: str) -> date | None:
        """The open day ``credit`` counts for, if it is still open."""
        for d in self.pending:
            if credit in d.credits:
                return d.day
        return None

    def credits_on(self, day: date) -> tuple[str, ...]:
        for d in self.pending:
            if d.day == day:
                return d.credits
        return ()

    def displayed(self) -> int:
        """What the player sees: final days plus open days that already have a completion."""
        return self.current + sum(1 for d in self.pending if d.credits)


FROZEN_DAYS_KEPT = 62


class BreakOutcome(msgspec.Struct, frozen=True):
    """What a break leaves: the streak kept and XP charged."""

    kept_days: int
    xp_penalty: int


class BreakPenalty(Protocol):
    """The policy applied when a streak breaks."""

    def on_break(self, length: int) -> BreakOutcome: ...


@dataclass(frozen=True)
class ResetStreak:
    """Default: the streak goes back to 0 and no XP is lost."""

    def on_break(self, length: int) -> BreakOutcome:
        return BreakOutcome(0, 0)


@dataclass(frozen=True)
class KeepFraction:
    """A gentler break: keep ``fraction`` of the streak (rounded down)."""

    fraction: float = 0.5

    def on_break(self, length: int) -> BreakOutcome:
        return BreakOutcome(int(length * self.fraction), 0)


@dataclass(frozen=True)
class XpPenaltyOnBreak:
    """A harsher break: reset, and charge ``per_day`` XP per lost day, at most ``cap``."""

    per_day: int = 2
    cap: int = 100

    def on_break(self, length: int) -> BreakOutcome:
        return BreakOutcome(0, min(length * self.per_day, self.cap))


class DayOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What finalizing one local day did."""

    day: date
    kind: str  # "extended" | "frozen" | "broken"
    length: int  # the streak after the day
    length_before: int
    freezes_left: int
    freeze_earned: bool = False
    milestone: int | None = None
    milestone_bonus: int = 0
    xp_penalty: int = 0


@dataclass(frozen=True, kw_only=True)
class StreakPolicy:
    """The streak rules and their numbers."""

    #: completions a day needs to count
    completions_per_day: int = 1
    #: a freeze is earned for every this many counted days
    freeze_every: int = 7
    freeze_cap: int = 2
    #: how long after a day ends it can still be checked in for ("yesterday")
    check_in_grace: timedelta = timedelta(hours=12)
    #: bonus XP paid when the streak reaches each length (paid once the day is final)
    milestones: Mapping[int, int] = field(
        default_factory=lambda: {3: 10, 7: 25, 14: 50, 30: 100, 60: 200, 100: 500, 365: 1000}
    )
    break_penalty: BreakPenalty = field(default_factory=ResetStreak)

    # -- crediting completions ---------------------------------------------------------------

    def credit(self, streak: Streak, credit: str, day: date) -> Streak:
        """Count a completion for ``day`` (or the first open day if ``day`` is final).

        Idempotent: a credit already counted anywhere is not counted again.
        """
        if streak.credited_day(credit) is not None:
            return streak
        first_open = streak.first_open_day()
        if first_open is not None and day < first_open:
            day = first_open
        return _with_credits(streak, day, (*streak.credits_on(day), credit))

    def uncredit(self, streak: Streak, credit: str) -> Streak:
        """Take a completion's credit back if its day is still open (a final day stays)."""
        day = streak.credited_day(credit)
        if day is None:
            return streak
        return _with_credits(streak, day, tuple(c for c in streak.credits_on(day) if c != credit))

    def move_credit(self, streak: Streak, credit: str, day: date) -> Streak:
        """Count an open credit for another open ``day`` instead (check in for yesterday)."""
        return self.credit(self.uncredit(streak, credit), credit, day)

    # -- the rollover -----------------------------------------------------------------------

    def last_final_day(self, now: datetime, timezone: str, day_start_hour: int) -> date:
        """The latest local day whose grace has passed at ``now``."""
        return local_day(now - self.check_in_grace, timezone, day_start_hour) - timedelta(1)

    def is_open(self, streak: Streak, day: date, now: datetime, tz: str, hour: int) -> bool:
        """Whether ``day`` can still take a completion at ``now``."""
        if streak.evaluated_through is not None and day <= streak.evaluated_through:
            return False
        return day > self.last_final_day(now, tz, hour)

    def roll_over(
        self, streak: Streak, now: datetime, timezone: str, day_start_hour: int
    ) -> tuple[Streak, list[DayOutcome]]:
        """Finalize every day that is final at ``now`` and not finalized yet."""
        return self.finalize_through(streak, self.last_final_day(now, timezone, day_start_hour))

    def finalize_through(self, streak: Streak, last: date) -> tuple[Streak, list[DayOutcome]]:
        """Finalize the days after ``evaluated_through`` up to ``last``, in order, once each."""
        if streak.evaluated_through is None:
            # a new player has no history to judge: start at their first pending day
            first = min((d.day for d in streak.pending), default=last + timedelta(1))
            streak = msgspec.structs.replace(streak, evaluated_through=first - timedelta(1))
        assert streak.evaluated_through is not None
        outcomes: list[DayOutcome] = []
        while streak.evaluated_through is not None and streak.evaluated_through < last:
            day = streak.evaluated_through + timedelta(1)
            if streak.current == 0 and not any(d.day <= last for d in streak.pending):
                # nothing to extend, freeze or break: jump over the quiet days at once
                streak = msgspec.structs.replace(streak, evaluated_through=last)
                break
            streak, outcome = self._finalize(streak, day)
            if outcome is not None:
                outcomes.append(outcome)
        return streak, outcomes

    def _finalize(self, streak: Streak, day: date) -> tuple[Streak, DayOutcome | None]:
        counted = len(streak.credits_on(day)) >= self.completions_per_day
        pending = tuple(d for d in streak.pending if d.day != day)
        before = streak.current
        if counted:
            length = before + 1
            run = streak.run_toward_freeze + 1
            freezes = streak.freezes
            earned = False
            if run >= self.freeze_every:
                run = 0
                if freezes < self.freeze_cap:
                    freezes, earned = freezes + 1, True
            bonus = self.milestones.get(length, 0)
            new = msgspec.structs.replace(
                streak,
                current=length,
                longest=max(streak.longest, length),
                freezes=freezes,
                run_toward_freeze=run,
                evaluated_through=day,
                pending=pending,
            )
            return new, DayOutcome(
                day=day,
                kind="extended",
                length=length,
                length_before=before,
                freezes_left=freezes,
                freeze_earned=earned,
                milestone=length if length in self.milestones else None,
                milestone_bonus=bonus,
            )
        if before == 0:
            return msgspec.structs.replace(streak, evaluated_through=day, pending=pending), None
        if streak.freezes > 0:
            new = msgspec.structs.replace(
                streak,
                freezes=streak.freezes - 1,
                evaluated_through=day,
                pending=pending,
                frozen_days=(*streak.frozen_days, day)[-FROZEN_DAYS_KEPT:],
            )
            return new, DayOutcome(
                day=day,
                kind="frozen",
                length=before,
                length_before=before,
                freezes_left=new.freezes,
            )
        result = self.break_penalty.on_break(before)
        kept = max(min(result.kept_days, before), 0)
        new = msgspec.structs.replace(
            streak, current=kept, run_toward_freeze=0, evaluated_through=day, pending=pending
        )
        return new, DayOutcome(
            day=day,
            kind="broken",
            length=kept,
            length_before=before,
            freezes_left=new.freezes,
            xp_penalty=max(result.xp_penalty, 0),
        )

    def next_rollover_at(self, streak: Streak, now: datetime, tz: str, hour: int) -> datetime:
        """When the next day becomes final (for the scheduler)."""
        last = self.last_final_day(now, tz, hour)
        if streak.evaluated_through is not None:
            last = max(last, streak.evaluated_through)
        return day_start(last + timedelta(2), tz, hour) + self.check_in_grace


def _with_credits(streak: Streak, day: date, credits: tuple[str, ...]) -> Streak:
    others = [d for d in streak.pending if d.day != day]
    if credits:
        others.append(DayCredits(day, tuple(sorted(credits))))
    return msgspec.structs.replace(streak, pending=tuple(sorted(others, key=lambda d: d.day)))


def credit_key(quest_id: object, occurrence: int) -> str:
    """The credit a completion of ``(quest_id, occurrence)`` puts on a day."""
    return f"{quest_id}:{occurrence}"


DEFAULT_STREAK_POLICY = StreakPolicy()

__all__ = [
    "DEFAULT_STREAK_POLICY",
    "BreakOutcome",
    "BreakPenalty",
    "DayCredits",
    "DayOutcome",
    "KeepFraction",
    "ResetStreak",
    "Streak",
    "StreakPolicy",
    "XpPenaltyOnBreak",
    "check_day_start_hour",
    "credit_key",
    "day_start",
    "local_day",
    "zone",
]
