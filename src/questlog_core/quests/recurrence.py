"""Recurring quests: an RFC 5545 RRULE evaluated in the owner's time zone.

A :class:`Recurrence` is a value: the rule text (``FREQ=DAILY;BYHOUR=9`` style, without
``DTSTART``), an IANA time zone and a :class:`RecurrenceMode`. Rules are evaluated with
``dateutil.rrule`` on *local wall time*, so a daily 09:00 quest in Europe/Berlin stays at 09:00
local on both sides of a daylight-saving change (its UTC instant moves by an hour).

Two modes:

* ``schedule`` — the series follows the calendar. The next due date is the first occurrence of
  the rule, counted from this occurrence's due date, that is later than both that due date and
  the moment of completion. Missed occurrences are skipped rather than piled up. A scheduled
  recurrence needs a due date.
* ``after_completion`` — the next due date is counted from when the quest was done: the rule's
  interval is added to the completion moment (``FREQ=DAILY;INTERVAL=3`` → three days after), and
  if the rule pins a time of day (``BYHOUR``/``BYMINUTE``) the first such time on that day or later
  is used.

``COUNT`` limits the series to that many occurrences; ``UNTIL`` (floating local time, or UTC
with a trailing ``Z``) ends it. Rules more frequent than hourly are refused.

Edge cases: a wall time that does not exist (inside a spring-forward gap) is read with the
offset before the change, i.e. it lands just after the gap; an ambiguous wall time (fall back)
is its first instance. Either way the next due date is always strictly later than the due date
and the completion it follows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

from questlog_core.errors import ValidationFailed

__all__ = ["MAX_RULE_LENGTH", "SEARCH_HORIZON", "Recurrence", "RecurrenceMode"]

MAX_RULE_LENGTH = 500
"""Longest accepted RRULE text."""

SEARCH_HORIZON = timedelta(days=366 * 30)
"""How far ahead an occurrence is looked for. Bounds the work an odd rule can cause (a rule
like ``FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30`` never matches); 30 years covers leap-day rules."""

_FREQUENCIES = {"HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_PARTS = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "WKST",
    "BYSETPOS",
    "BYMONTH",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYDAY",
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
}
_PERIODS = {
    "HOURLY": relativedelta(hours=1),
    "DAILY": relativedelta(days=1),
    "WEEKLY": relativedelta(weeks=1),
    "MONTHLY": relativedelta(months=1),
    "YEARLY": relativedelta(years=1),
}
_NUMBER_RANGES = {"INTERVAL": (1, 1000), "COUNT": (1, 100_000)}
# A fixed reference moment for checking that a rule can ever match.
_REFERENCE = datetime(2000, 1, 1)


class RecurrenceMode(StrEnum):
    """What the next due date is counted from."""

    SCHEDULE = "schedule"
    AFTER_COMPLETION = "after_completion"


class Recurrence(msgspec.Struct, frozen=True, kw_only=True):
    """How a quest repeats. Constructing (or decoding) one validates it.

    Raises:
        ValidationFailed: field ``recurrence`` for a bad rule, unknown time zone or mode.
    """

    rule: str
    timezone: str = "UTC"
    mode: RecurrenceMode = RecurrenceMode.SCHEDULE

    def __post_init__(self) -> None:
        rule = self.rule.strip() if isinstance(self.rule, str) else ""
        if rule.upper().startswith("RRULE:"):
            rule = rule[len("RRULE:") :]
        parts = _split(rule.upper())
        rule = _without(parts)
        _zone(self.timezone)
        try:
            mode = RecurrenceMode(self.mode)
        except ValueError:
            options = ", ".join(m.value for m in RecurrenceMode)
            raise ValidationFailed(
                "recurrence", f"unknown mode {self.mode!r}; one of {options}"
            ) from None
        try:
            probe = _rule(parts, _REFERENCE)
            if parts.get("UNTIL"):
                _until_local(parts["UNTIL"], _zone(self.timezone))
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValidationFailed("recurrence", f"invalid RRULE: {exc}") from None
        if probe.replace(until=_REFERENCE + SEARCH_HORIZON).after(_REFERENCE) is None:
            raise ValidationFailed("recurrence", "the rule produces no occurrence within 30 years")
        # Normalised text: upper case, no "RRULE:" prefix.
        msgspec.structs.force_setattr(self, "rule", rule)
        msgspec.structs.force_setattr(self, "mode", mode)

    @property
    def frequency(self) -> str:
        """The rule's ``FREQ`` (``DAILY``, ``WEEKLY``, ...)."""
        return _split(self.rule)["FREQ"]

    @property
    def count(self) -> int | None:
        """How many occurrences the series has in all, if the rule limits it."""
        value = _split(self.rule).get("COUNT")
        return int(value) if value is not None else None

    def next_due(
        self, *, due: datetime | None, completed_at: datetime, occurrence: int
    ) -> datetime | None:
        """The due date (aware, UTC) of the occurrence after ``occurrence``, or ``None`` when
        the series has ended (``COUNT`` reached, ``UNTIL`` passed).

        ``due`` is this occurrence's due date, ``completed_at`` when it was done. The result is
        always strictly later than both.

        Raises:
            ValidationFailed: ``due`` is missing for a scheduled recurrence.
        """
        limit = self.count
        if limit is not None and occurrence >= limit:
            return None
        zone = _zone(self.timezone)
        parts = _split(self.rule)
        if self.mode is RecurrenceMode.SCHEDULE:
            if due is None:
                raise ValidationFailed("due", "a scheduled recurrence needs a due date")
            start = _local(due, zone)
            after = max(start, _local(completed_at, zone))
            inclusive = False
            threshold = max(due, completed_at)
        else:
            start = _local(completed_at, zone).replace(microsecond=0) + _period(parts)
            if "BYHOUR" in parts or "BYMINUTE" in parts:
                start = start.replace(hour=0, minute=0, second=0)
            after = start
            inclusive = True
            threshold = completed_at if due is None else max(due, completed_at)
        rule = _rule(parts, start)
        bound = start + SEARCH_HORIZON
        if parts.get("UNTIL"):
            bound = min(bound, _until_local(parts["UNTIL"], zone))
        for candidate in rule.replace(until=bound).xafter(after, inc=inclusive):
            moment = candidate.replace(tzinfo=zone).astimezone(UTC)
            # Wall times in a DST fold can map to an instant at or before the threshold.
            if moment > threshold:
                return moment
        return None


def _split(rule: str) -> dict[str, str]:
    if not rule:
        raise ValidationFailed("recurrence", "the rule must not be empty")
    if len(rule) > MAX_RULE_LENGTH:
        raise ValidationFailed(
            "recurrence", f"the rule is longer than {MAX_RULE_LENGTH} characters"
        )
    parts: dict[str, str] = {}
    for chunk in rule.split(";"):
        if not chunk:
            continue
        name, sep, value = chunk.partition("=")
        if not sep or not value:
            raise ValidationFailed("recurrence", f"invalid RRULE part {chunk!r}")
        if name not in _PARTS:
            raise ValidationFailed("recurrence", f"unsupported RRULE part {name}")
        if name in parts:
            raise ValidationFailed("recurrence", f"RRULE part {name} given twice")
        parts[name] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise ValidationFailed("recurrence", "the rule needs a FREQ")
    if freq not in _FREQUENCIES:
        raise ValidationFailed(
            "recurrence", f"FREQ={freq} is not supported; one of {', '.join(sorted(_FREQUENCIES))}"
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValidationFailed("recurrence", "COUNT and UNTIL cannot both be given")
    # dateutil loops forever on INTERVAL=0, so numbers are range-checked before it sees them.
    for name, (low, high) in _NUMBER_RANGES.items():
        if name in parts:
            value = parts[name]
            if not value.isdigit() or not low <= int(value) <= high:
                raise ValidationFailed("recurrence", f"{name} must be a whole number {low}..{high}")
    return parts


def _without(parts: dict[str, str], *names: str) -> str:
    return ";".join(f"{k}={v}" for k, v in parts.items() if k not in names)


def _rule(parts: dict[str, str], start: datetime) -> rrule:
    # COUNT and UNTIL are applied by the caller (COUNT against the occurrence number, UNTIL in
    # local time), so the parsed rule can be re-anchored at any occurrence.
    parsed = rrulestr(_without(parts, "COUNT", "UNTIL"), dtstart=start)
    if not isinstance(parsed, rrule):
        raise ValueError("a single RRULE is expected")
    return parsed


def _period(parts: dict[str, str]) -> relativedelta:
    interval = int(parts.get("INTERVAL", "1"))
    period: relativedelta = _PERIODS[parts["FREQ"]] * interval
    return period


def _zone(name: str) -> ZoneInfo:
    if not isinstance(name, str) or not name or len(name) > 64:
        raise ValidationFailed("recurrence", f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed("recurrence", f"unknown time zone {name!r}") from None


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """Naive local wall time of an aware moment."""
    if moment.tzinfo is None:
        raise ValidationFailed("due", "must include a time zone")
    return moment.astimezone(zone).replace(tzinfo=None)


def _until_local(value: str, zone: ZoneInfo) -> datetime:
    """``UNTIL`` as naive local wall time (it may be floating local or UTC with ``Z``)."""
    text = value.rstrip("Z")
    fmt = "%Y%m%dT%H%M%S" if "T" in text else "%Y%m%d"
    parsed = datetime.strptime(text, fmt)
    if fmt == "%Y%m%d":
        # A date-only UNTIL includes that whole day.
        parsed = parsed.replace(hour=23, minute=59, second=59)
    if value.endswith("Z"):
        return parsed.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
    return parsed
