"""Repetition phrases of other task managers as RFC 5545 rules, and the first due date after now.

Taskwarrior's ``recur`` periods (``daily``, ``weekly``, ``2w``, ``quarterly``, ``weekdays``...)
and Todoist's "every ..." due strings (``every day``, ``every 2 weeks``, ``every monday``,
``every weekday``, ``every month``, ``every year``) share one small vocabulary here. Anything
else is not guessed at: the caller reports it as not mapped.
"""

from __future__ import annotations

import re
from datetime import datetime

from questlog_core.errors import ValidationFailed
from questlog_core.quests.recurrence import Recurrence, RecurrenceMode

_UNITS = {
    "d": "DAILY",
    "day": "DAILY",
    "days": "DAILY",
    "daily": "DAILY",
    "w": "WEEKLY",
    "wk": "WEEKLY",
    "wks": "WEEKLY",
    "week": "WEEKLY",
    "weeks": "WEEKLY",
    "weekly": "WEEKLY",
    "m": "MONTHLY",
    "mo": "MONTHLY",
    "mos": "MONTHLY",
    "month": "MONTHLY",
    "months": "MONTHLY",
    "monthly": "MONTHLY",
    "y": "YEARLY",
    "yr": "YEARLY",
    "yrs": "YEARLY",
    "year": "YEARLY",
    "years": "YEARLY",
    "yearly": "YEARLY",
    "annual": "YEARLY",
    "h": "HOURLY",
    "hour": "HOURLY",
    "hours": "HOURLY",
    "hourly": "HOURLY",
}
_NAMED = {
    "biweekly": "FREQ=WEEKLY;INTERVAL=2",
    "fortnight": "FREQ=WEEKLY;INTERVAL=2",
    "bimonthly": "FREQ=MONTHLY;INTERVAL=2",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "semiannual": "FREQ=MONTHLY;INTERVAL=6",
    "biannual": "FREQ=YEARLY;INTERVAL=2",
    "biyearly": "FREQ=YEARLY;INTERVAL=2",
    "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "weekday": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "workday": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
}
WEEKDAYS = {
    "monday": "MO",
    "mon": "MO",
    "tuesday": "TU",
    "tue": "TU",
    "wednesday": "WE",
    "wed": "WE",
    "thursday": "TH",
    "thu": "TH",
    "friday": "FR",
    "fri": "FR",
    "saturday": "SA",
    "sat": "SA",
    "sunday": "SU",
    "sun": "SU",
}
_PERIOD = re.compile(r"^(\d+)\s*([a-z]+)$")


def rule_of_period(text: str) -> str | None:
    """An RRULE for a period word or ``<n><unit>`` (``daily``, ``3d``, ``2 weeks``), or ``None``."""
    word = text.strip().lower()
    if word in _NAMED:
        return _NAMED[word]
    if word in _UNITS:
        return f"FREQ={_UNITS[word]}"
    if word in WEEKDAYS:
        return f"FREQ=WEEKLY;BYDAY={WEEKDAYS[word]}"
    match = _PERIOD.match(word)
    if match and match.group(2) in _UNITS:
        interval = int(match.group(1))
        if interval < 1 or interval > 1000:
            return None
        freq = _UNITS[match.group(2)]
        return f"FREQ={freq}" if interval == 1 else f"FREQ={freq};INTERVAL={interval}"
    return None


def rule_of_every(text: str) -> str | None:
    """An RRULE for an "every ..." phrase (``every 2 weeks``, ``every mon, fri``), or ``None``.
    A time of day after " at " is ignored here (the due date carries it)."""
    phrase = text.strip().lower()
    for lead in ("every ", "every! ", "ev "):
        if phrase.startswith(lead):
            phrase = phrase[len(lead) :]
            break
    else:
        return None
    phrase = phrase.split(" at ")[0].strip()
    if phrase in ("other day", "other week", "other month", "other year"):
        return rule_of_period("2 " + phrase.split()[1])
    days = [part.strip() for part in re.split(r",|\band\b", phrase) if part.strip()]
    if days and all(day in WEEKDAYS for day in days):
        return "FREQ=WEEKLY;BYDAY=" + ",".join(dict.fromkeys(WEEKDAYS[day] for day in days))
    return rule_of_period(phrase)


def recurrence_after(
    rule: str, timezone: str, start: datetime | None, now: datetime
) -> tuple[Recurrence, datetime]:
    """The recurrence and its first due date: ``start`` when it is still ahead, else the first
    occurrence after ``now`` (an imported series begins with the next one, not overdue; without
    a ``start`` the rule is counted from ``now``).

    Raises:
        ValidationFailed: the rule is not one Questlog accepts.
    """
    recurrence = Recurrence(rule=rule, timezone=timezone, mode=RecurrenceMode.SCHEDULE)
    if start is not None and start > now:
        return recurrence, start
    following = recurrence.next_due(due=start or now, completed_at=now, occurrence=0)
    if following is None:
        raise ValidationFailed("recurrence", "the series has already ended")
    return recurrence, following


__all__ = ["WEEKDAYS", "recurrence_after", "rule_of_every", "rule_of_period"]
