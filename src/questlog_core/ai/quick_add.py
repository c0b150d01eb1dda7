"""Natural-language quick add, parsed locally: one line in, the fields of a new quest out.

"Pay rent every month on the 1st at 9am !high #home ~30m" becomes the title "Pay rent", a
monthly RRULE on the 1st at 09:00 (``FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0``), the next
such moment as the due date in the user's time zone, priority high, the tag ``home`` and a
30-minute estimate. The forms this parser knows (``features/quick_add.feature`` is the table
of examples):

* markers: ``#tag``, ``!low`` / ``!medium`` / ``!high`` / ``!critical`` (or ``!1``..``!4``),
  ``~30m`` / ``~1h30m`` / ``~2h`` / ``~1d`` (estimate), ``*trivial`` .. ``*epic`` (difficulty);
* dates: ``today``, ``tonight``, ``tomorrow``, ``in 3 days`` / ``in 2 weeks`` / ``in 2 hours``,
  a weekday (``friday``, ``on fri``, ``next monday``: the next one after today), ``next week``
  (its Monday), ``next month`` (its 1st), ``2026-12-24``, ``24 dec`` / ``december 24th``,
  ``on the 15th`` (the next 15th); ``by`` / ``due`` before a date are part of it;
* times: ``at 9am``, ``9:30pm``, ``at 17:00``, ``at noon``, ``midnight``;
* recurrence: ``every day`` / ``daily``, ``every weekday``, ``every 2 weeks``, ``every monday
  and thursday``, ``every month on the 1st``, ``every year`` / ``yearly``.

A date without a time is due at the end of that day (23:59 local); a time without a date is
today if still ahead, else tomorrow; ``tonight`` is 20:00. Difficulty not given is derived from
the estimate (and says so in ``inferred``). What the parser cannot place stays in the title,
and ``complete`` is false when the rest still looks like a date or time (a model may do
better: the use case then asks the LanguageModel port).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from questlog_core.ai.ports import LanguageModel, LlmRequest
from questlog_core.ai.prompts import PromptBuilder
from questlog_core.ai.ranking import ModelUse
from questlog_core.errors import DomainError
from questlog_core.kernel.ids import UserId
from questlog_core.quests.recurrence import Recurrence

__all__ = [
    "DIFFICULTY_NAMES",
    "QuickAdd",
    "QuickAddDraft",
    "QuickAddParse",
    "QuickAdded",
    "RecurrenceDraft",
    "difficulty_for",
    "draft_of",
    "parse_quick_add",
    "quick_add",
    "quick_add_locally",
]

PRIORITY_NAMES = {
    "low": 1,
    "1": 1,
    "medium": 2,
    "med": 2,
    "2": 2,
    "high": 3,
    "3": 3,
    "critical": 4,
    "urgent": 4,
    "4": 4,
}
DIFFICULTY_NAMES = ("trivial", "easy", "medium", "hard", "epic")
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
#: due time of a date given without one: the end of that day
END_OF_DAY = time(23, 59)
TONIGHT = time(20, 0)

_DAY_FULL = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DAY_ANY = _DAY_FULL + "|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun"
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)"


class RecurrenceDraft(msgspec.Struct, frozen=True, kw_only=True):
    """A recurrence in the quest API's shape (``RecurrenceIn``)."""

    rule: str
    timezone: str
    mode: str = "schedule"


class QuickAddParse(msgspec.Struct, frozen=True, kw_only=True):
    """The fields of a new quest read from one line, in the quest API's create shape."""

    title: str
    due: datetime | None = None
    recurrence: RecurrenceDraft | None = None
    priority: int = 0
    tags: tuple[str, ...] = ()
    estimate_minutes: int | None = None
    difficulty: str = "medium"
    #: fields the parser derived rather than read (``difficulty`` from the estimate)
    inferred: tuple[str, ...] = ()
    #: false when words that look like a date or time were left in the title
    complete: bool = True


class _Line:
    """The text being parsed: each recognised span is cut out, the rest is the title."""

    def __init__(self, text: str) -> None:
        self.text = f" {text} "

    def take(self, pattern: str) -> re.Match[str] | None:
        match = re.search(pattern, self.text, flags=re.IGNORECASE)
        if match is not None:
            self.text = self.text[: match.start()] + " " + self.text[match.end() :]
        return match

    def take_all(self, pattern: str) -> list[re.Match[str]]:
        found: list[re.Match[str]] = []
        while (match := self.take(pattern)) is not None:
            found.append(match)
        return found

    def title(self) -> str:
        words = self.text.split()
        # A dangling preposition left by a cut-out date ("Call mum on") is not the title's.
        while words and words[-1].lower() in {"on", "at", "by", "due", "every", "in", "for"}:
            words.pop()
        return " ".join(words)


def _minutes(spec: str) -> int | None:
    total = 0.0
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", spec.lower())
    if not parts:
        return None
    for amount, unit in parts:
        value = float(amount)
        if unit in {"", "m", "min", "mins", "minute", "minutes"}:
            total += value
        elif unit in {"h", "hr", "hrs", "hour", "hours"}:
            total += value * 60
        elif unit in {"d", "day", "days"}:
            total += value * 8 * 60  # a working day
        else:
            return None
    return round(total) if total > 0 else None


def difficulty_for(minutes: int | None) -> str:
    """The difficulty an estimate suggests (≤15 trivial, ≤45 easy, ≤2 h medium, ≤8 h hard)."""
    if minutes is None:
        return "medium"
    for limit, name in ((15, "trivial"), (45, "easy"), (120, "medium"), (480, "hard")):
        if minutes <= limit:
            return name
    return "epic"


def _time_of(match: re.Match[str]) -> time | None:
    word = (match.group("word") or "").lower()
    if word == "noon":
        return time(12, 0)
    if word == "midnight":
        return time(0, 0)
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    meridiem = (match.group("ampm") or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _next_weekday(today: date, weekday: int) -> date:
    ahead = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


def _next_month_day(today: date, day: int) -> date | None:
    if not 1 <= day <= 31:
        return None
    candidate = today
    for _ in range(13):
        try:
            found = candidate.replace(day=day)
        except ValueError:
            found = None
        if found is not None and found > today:
            return found
        candidate = (candidate.replace(day=1) + relativedelta(months=1)).replace(day=1)
    return None


def _take_recurrence(line: _Line) -> tuple[str, set[str]] | None:
    """The RRULE parts of an ``every …`` phrase, and which parts pin the day."""
    simple = line.take(r"(?<=\s)(daily|weekly|monthly|yearly|annually)(?=\s)")
    if simple is not None:
        freq = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY"}.get(
            simple.group(1).lower(), "YEARLY"
        )
        return f"FREQ={freq}", set()
    match = line.take(
        rf"(?<=\s)every\s+(?:(?P<n>\d+|other)\s+)?"
        rf"(?P<unit>days?|weeks?|months?|years?|weekdays?|weekends?|"
        rf"(?:(?:{_DAY_ANY})(?:\s*(?:,|and|&)\s*)?)+)(?=\s)"
    )
    if match is None:
        return None
    interval = match.group("n")
    n = 2 if interval == "other" else int(interval) if interval else 1
    unit = match.group("unit").lower()
    every = f";INTERVAL={n}" if n > 1 else ""
    if unit.startswith("weekday"):
        return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", {"day"}
    if unit.startswith("weekend"):
        return "FREQ=WEEKLY;BYDAY=SA,SU", {"day"}
    for name, freq in (("day", "DAILY"), ("week", "WEEKLY"), ("month", "MONTHLY")):
        if unit.startswith(name):
            if freq == "MONTHLY":
                on = line.take(rf"(?<=\s)on\s+the\s+(\d{{1,2}}){_ORD}?(?=\s)")
                if on is not None and 1 <= int(on.group(1)) <= 31:
                    return f"FREQ=MONTHLY{every};BYMONTHDAY={int(on.group(1))}", {"day"}
            return f"FREQ={freq}{every}", set()
    if unit.startswith("year"):
        return f"FREQ=YEARLY{every}", set()
    days = re.findall(_DAY_ANY, unit)
    byday = sorted({WEEKDAYS[d] for d in days})
    return f"FREQ=WEEKLY{every};BYDAY={','.join(RRULE_DAYS[d] for d in byday)}", {"day"}


def _take_date(line: _Line, today: date, now: datetime) -> tuple[date | None, datetime | None]:
    """A calendar date, or an exact moment (``in 2 hours``), cut from the line."""
    lead = r"(?<=\s)(?:(?:by|due|on|before)\s+)?"
    m = line.take(rf"{lead}(today|tonight|tomorrow|tmrw|tmr)(?=\s)")
    if m is not None:
        word = m.group(1).lower()
        return (today if word in {"today", "tonight"} else today + timedelta(days=1)), None
    m = line.take(
        r"(?<=\s)in\s+(\d+|a|an|one|two|three|four|five|six)\s+"
        r"(minutes?|mins?|hours?|hrs?|days?|weeks?|months?)(?=\s)"
    )
    if m is not None:
        count = NUMBER_WORDS.get(m.group(1).lower()) or int(m.group(1))
        unit = m.group(2).lower()
        if unit.startswith(("min", "hour", "hr")):
            minutes = count * (60 if unit.startswith(("hour", "hr")) else 1)
            return None, now + timedelta(minutes=minutes)
        if unit.startswith("day"):
            return today + timedelta(days=count), None
        if unit.startswith("week"):
            return today + timedelta(weeks=count), None
        return today + relativedelta(months=count), None
    m = line.take(rf"{lead}next\s+(week|month)(?=\s)")
    if m is not None:
        if m.group(1).lower() == "week":
            return _next_weekday(today, 0), None
        return (today.replace(day=1) + relativedelta(months=1)), None
    m = line.take(rf"{lead}(\d{{4}})-(\d{{2}})-(\d{{2}})(?=\s)")
    if m is not None:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
        except ValueError:
            return None, None
    m = line.take(rf"{lead}(?:the\s+)?(\d{{1,2}}){_ORD}?\s+(?:of\s+)?({_MONTH})(?=\s)")
    if m is None:
        m2 = line.take(rf"{lead}({_MONTH})\s+(\d{{1,2}}){_ORD}?(?=\s)")
        day_month = None if m2 is None else (int(m2.group(2)), MONTHS[m2.group(1).lower()])
    else:
        day_month = (int(m.group(1)), MONTHS[m.group(2).lower()])
    if day_month is not None:
        day, month = day_month
        try:
            found = date(today.year, month, day)
            if found < today:
                found = date(today.year + 1, month, day)
        except ValueError:
            return None, None
        return found, None
    m = line.take(rf"(?<=\s)(?:(?:by|due|on|before|this)\s+)?(?:next\s+)?({_DAY_FULL})(?=\s)")
    if m is None:
        m = line.take(rf"(?<=\s)(?:by|due|on|before|next|this)\s+({_DAY_ANY})(?=\s)")
    if m is not None:
        return _next_weekday(today, WEEKDAYS[m.group(1).lower()]), None
    m = line.take(rf"{lead}the\s+(\d{{1,2}}){_ORD}(?=\s)")
    if m is not None:
        return _next_month_day(today, int(m.group(1))), None
    return None, None


_TIME = (
    r"(?<=\s)(?:at\s+|@\s*)?(?:(?P<word>noon|midnight)|"
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>am|pm))(?=\s)"
)
_TIME_24 = r"(?<=\s)(?:at\s+|@\s*)?(?P<word>)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?P<ampm>)(?=\s)"
_TIME_AT = r"(?<=\s)at\s+(?P<word>)(?P<hour>\d{1,2})(?P<minute>)(?P<ampm>)(?=\s)"
_LOOKS_TEMPORAL = re.compile(
    rf"\b(?:{_DAY_FULL}|{_MONTH}|tomorrow|today|tonight|every|next|am|pm|\d{{1,2}}:\d{{2}})\b",
    re.IGNORECASE,
)


def parse_quick_add(text: str, *, now: datetime, timezone: str) -> QuickAddParse:
    """Read the fields of a new quest from ``text`` as the user would mean them at ``now``
    in ``timezone`` (an IANA name). Pure: the same input gives the same answer."""
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    today = local_now.date()
    line = _Line(text)
    inferred: list[str] = []
    m: re.Match[str] | None

    tags = tuple(dict.fromkeys(m.group(1) for m in line.take_all(r"(?<=\s)#([\w-]+)(?=\s)")))
    priority = 0
    for m in line.take_all(r"(?<=\s)!(low|medium|med|high|critical|urgent|[1-4])(?=\s)"):
        priority = max(priority, PRIORITY_NAMES[m.group(1).lower()])
    estimate: int | None = None
    m = line.take(
        r"(?<=\s)~((?:\d+(?:\.\d+)?\s*(?:minutes?|mins?|m|hours?|hrs?|h|days?|d)?\s*)+?)(?=\s)"
    )
    if m is not None:
        estimate = _minutes(m.group(1))
    difficulty: str | None = None
    m = line.take(rf"(?<=\s)\*({'|'.join(DIFFICULTY_NAMES)})(?=\s)")
    if m is not None:
        difficulty = m.group(1).lower()

    recurrence = _take_recurrence(line)
    at: time | None = None
    for pattern in (_TIME, _TIME_24, _TIME_AT):
        m = line.take(pattern)
        if m is not None:
            at = _time_of(m)
            break
    day, moment = _take_date(line, today, local_now)
    tonight = "tonight" in text.lower() and at is None and day == today

    due: datetime | None = None
    rule: RecurrenceDraft | None = None
    if recurrence is not None:
        parts, _pinned = recurrence
        if at is not None:
            parts += f";BYHOUR={at.hour};BYMINUTE={at.minute}"
        start_time = at or END_OF_DAY
        start = datetime.combine(day or today, start_time)
        rrule = rrulestr(parts, dtstart=start)
        first = rrule.after(local_now.replace(tzinfo=None) - timedelta(microseconds=1), inc=True)
        if first is not None:
            due = first.replace(tzinfo=zone)
        rule = RecurrenceDraft(rule=parts, timezone=timezone)
    elif moment is not None:
        due = moment
    elif day is not None:
        due = datetime.combine(day, TONIGHT if tonight else (at or END_OF_DAY), tzinfo=zone)
    elif at is not None:
        candidate = datetime.combine(today, at, tzinfo=zone)
        due = candidate if candidate > local_now else candidate + timedelta(days=1)

    if difficulty is None:
        difficulty = difficulty_for(estimate)
        if estimate is not None:
            inferred.append("difficulty")
    title = line.title()
    return QuickAddParse(
        title=title or text.strip(),
        due=due,
        recurrence=rule,
        priority=priority,
        tags=tags,
        estimate_minutes=estimate,
        difficulty=difficulty,
        inferred=tuple(inferred),
        complete=bool(title) and _LOOKS_TEMPORAL.search(title) is None,
    )


# -- the use case: the parser first, a model for what it cannot read ---------------------------


class QuickAdd(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    text: str
    now: datetime
    timezone: str


class QuickAddDraft(msgspec.Struct, frozen=True, kw_only=True):
    """What a model answers for a line the parser could not fully read."""

    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    #: local wall time, ISO 8601 without offset (``2026-12-24T10:00``), or null
    due: str | None = None
    #: an RRULE without DTSTART (``FREQ=WEEKLY;BYDAY=MO``), or null
    rrule: str | None = None
    priority: Annotated[int, msgspec.Meta(ge=0, le=4)] = 0
    tags: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=10)
    ] = msgspec.field(default_factory=list)
    estimate_minutes: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None
    difficulty: str = "medium"


class QuickAdded(msgspec.Struct, frozen=True, kw_only=True):
    quest: QuickAddParse
    #: ``parser`` (the local parser read everything) or ``model`` (a model was asked)
    method: str
    model: ModelUse | None = None


def draft_of(parse: QuickAddParse) -> QuickAddDraft:
    """The parser's reading in the model's answer shape (the local fallback's answer)."""
    return QuickAddDraft(
        title=parse.title[:200] or "untitled",
        due=None if parse.due is None else parse.due.replace(tzinfo=None).isoformat(),
        rrule=None if parse.recurrence is None else parse.recurrence.rule,
        priority=parse.priority,
        tags=list(parse.tags),
        estimate_minutes=parse.estimate_minutes,
        difficulty=parse.difficulty,
    )


def quick_add_locally(request: LlmRequest) -> QuickAddDraft:
    """The labelled fallback: the local parser's reading, as it was."""
    line: Any = request.data.get("line", {})
    parse = parse_quick_add(
        str(line.get("text", "")),
        now=datetime.fromisoformat(str(line["now"])),
        timezone=str(line["timezone"]),
    )
    return draft_of(parse)


def _accept(draft: QuickAddDraft, *, timezone: str, fallback: QuickAddParse) -> QuickAddParse:
    """A model's draft as a parse, validated; ``fallback`` where a field does not hold up."""
    zone = ZoneInfo(timezone)
    due = fallback.due
    if draft.due is not None:
        try:
            wall = datetime.fromisoformat(draft.due)
            due = wall.astimezone(zone) if wall.tzinfo else wall.replace(tzinfo=zone)
        except ValueError:
            due = fallback.due
    recurrence = fallback.recurrence
    if draft.rrule:
        try:
            Recurrence(rule=draft.rrule, timezone=timezone)
            recurrence = RecurrenceDraft(rule=draft.rrule, timezone=timezone)
        except DomainError:
            recurrence = fallback.recurrence
    tags = tuple(dict.fromkeys(t.strip().lstrip("#") for t in draft.tags if t.strip()))
    difficulty = draft.difficulty if draft.difficulty in DIFFICULTY_NAMES else fallback.difficulty
    return QuickAddParse(
        title=draft.title.strip() or fallback.title,
        due=due,
        recurrence=recurrence,
        priority=draft.priority,
        tags=tags,
        estimate_minutes=draft.estimate_minutes,
        difficulty=difficulty,
        complete=True,
    )


async def quick_add(cmd: QuickAdd, model: LanguageModel) -> QuickAdded:
    """Parse ``cmd.text`` locally; ask the model only when the parser left words it could
    not place that look like a date or time."""
    parse = parse_quick_add(cmd.text, now=cmd.now, timezone=cmd.timezone)
    if parse.complete:
        return QuickAdded(quest=parse, method="parser")
    request = (
        PromptBuilder(
            "You turn one line a person typed into the fields of a task: title, due (local "
            "wall time, ISO 8601 without offset), rrule (RFC 5545, without DTSTART), priority "
            "0-4, tags, estimate in minutes, difficulty (trivial, easy, medium, hard, epic)."
        )
        .say("Read this line. The current local time and time zone are given with it.")
        .data(
            "line",
            {
                "text": cmd.text,
                "now": cmd.now.astimezone(ZoneInfo(cmd.timezone)).isoformat(),
                "timezone": cmd.timezone,
            },
        )
        .request(owner=cmd.owner, max_output_tokens=300)
    )
    answer = await model.complete(request, QuickAddDraft)
    accepted = (
        parse if answer.degraded else _accept(answer.value, timezone=cmd.timezone, fallback=parse)
    )
    return QuickAdded(
        quest=accepted,
        method="model",
        model=ModelUse(
            provider=answer.provider,
            model=answer.model,
            degraded=answer.degraded,
            fell_back_from=answer.fell_back_from,
            cached=answer.cached,
        ),
    )
