"""iCalendar (RFC 5545) with the ``icalendar`` library: the calendar feed and the ``.ics`` importer.

**The feed** (:class:`ICalendarRenderer`): one component per quest, of the feed's kind. A
``todos`` feed holds ``VTODO``s: quests are tasks, with a due moment, a status, a completion
time and a priority, which ``VTODO`` has natively (``DUE``, ``STATUS``, ``COMPLETED``,
``PRIORITY``). An ``events`` feed holds ``VEVENT``s, for calendars that show no to-dos from a
subscription (Google Calendar): each ends at the due moment and starts the quest's estimate
before it (:data:`~questlog_core.integrations.calendar.model.EVENT_DEFAULT_MINUTES` without
one), is transparent (a deadline does not make its owner busy), and says "done" in its summary.
Times are written in the owner's zone (``TZID=...`` with the zone's ``VTIMEZONE``), so a
calendar shows them at the wall-clock time the owner chose.

**The importer** (:func:`read_ical`): each ``VTODO`` of a file becomes a
:class:`~questlog_core.moving.drafts.QuestDraft` keyed by its ``UID``; what cannot be mapped
(``VEVENT`` and ``VJOURNAL`` components, an ``RRULE`` Questlog does not accept, alarms,
attendees...) is reported, never guessed at. The parser lives here rather than beside the
other importers in :mod:`questlog_core.moving` because the domain may not import ``icalendar``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from questlog_core.errors import ValidationFailed
from questlog_core.integrations.calendar.model import (
    EVENT_DEFAULT_MINUTES,
    CalendarEntry,
    FeedContent,
    FeedKind,
)
from questlog_core.moving.drafts import (
    MAX_RECORDS,
    DraftStatus,
    ImportPlan,
    ImportSource,
    MalformedImport,
    QuestDraft,
    Unmapped,
    notes_of,
    tags_of,
    title_of,
)
from questlog_core.moving.reading import READERS, Reader
from questlog_core.moving.recurring import recurrence_after

__all__ = [
    "IMPORT_READERS",
    "PRODID",
    "ICalendarRenderer",
    "ical_priority",
    "priority_of_ical",
    "read_ical",
]

#: who made the feed (RFC 5545 ``PRODID``)
PRODID: Final = "-//Questlog//Calendar feed//EN"
#: how often a calendar app should fetch the feed again (RFC 7986 ``REFRESH-INTERVAL``)
REFRESH: Final = timedelta(hours=1)

#: quest status → VTODO ``STATUS``
_STATUS: Final = {
    "todo": "NEEDS-ACTION",
    "active": "IN-PROCESS",
    "done": "COMPLETED",
    "abandoned": "CANCELLED",
}
#: what the summary of a done quest's event begins with (a VEVENT has no "completed" status)
DONE_MARK: Final = "\N{CHECK MARK} "
#: Questlog priority (0 none .. 4 critical) → iCalendar PRIORITY (1 highest .. 9 lowest,
#: 0 undefined); the CUA ranges are 1-4 high, 5 medium, 6-9 low
_TO_ICAL: Final = {0: 0, 1: 9, 2: 5, 3: 3, 4: 1}


def ical_priority(priority: int) -> int:
    """The iCalendar ``PRIORITY`` of a Questlog priority."""
    return _TO_ICAL.get(priority, 0)


def priority_of_ical(value: int) -> int:
    """The Questlog priority of an iCalendar ``PRIORITY``: 1 critical, 2-4 high, 5 medium,
    6-9 low, 0 none (the inverse of :func:`ical_priority` on what it writes)."""
    if value <= 0 or value > 9:
        return 0
    if value == 1:
        return 4
    if value <= 4:
        return 3
    if value == 5:
        return 2
    return 1


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class ICalendarRenderer:
    """:class:`~questlog_core.integrations.calendar.ports.CalendarRenderer` with ``icalendar``.

    The document depends only on the content (each ``DTSTAMP`` is the entry's last change),
    so the same quests render to the same bytes and the feed's ETag holds until one changes.
    """

    def render(self, content: FeedContent, *, now: datetime) -> bytes:
        zone = _zone(content.timezone)
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("name", "Questlog")
        calendar.add("x-wr-calname", "Questlog")
        calendar.add("x-wr-timezone", zone.key)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", REFRESH)
        events = content.kind is FeedKind.EVENTS
        for entry in content.entries:
            if entry.in_feed:
                render = self._event if events else self._todo
                calendar.add_component(render(entry, zone, now))
        if zone.key != "UTC":
            calendar.add_missing_timezones()
        return bytes(calendar.to_ical())

    @staticmethod
    def _todo(entry: CalendarEntry, zone: ZoneInfo, now: datetime) -> icalendar.Todo:
        todo = icalendar.Todo()
        todo.add("uid", f"{entry.quest_id}@questlog")
        todo.add("dtstamp", (entry.updated_at or now).astimezone(UTC))
        todo.add("created", entry.created_at.astimezone(UTC))
        todo.add("last-modified", entry.updated_at.astimezone(UTC))
        todo.add("summary", entry.title)
        if entry.notes:
            todo.add("description", entry.notes)
        assert entry.due is not None  # in_feed
        todo.add("due", entry.due.astimezone(zone))
        status = "COMPLETED" if entry.completed_at is not None else _STATUS.get(entry.status)
        if status is not None:
            todo.add("status", status)
        if entry.completed_at is not None:
            todo.add("completed", entry.completed_at.astimezone(UTC))
            todo.add("percent-complete", 100)
        if entry.priority:
            todo.add("priority", ical_priority(entry.priority))
        if entry.tags:
            todo.add("categories", list(entry.tags))
        return todo

    @staticmethod
    def _event(entry: CalendarEntry, zone: ZoneInfo, now: datetime) -> icalendar.Event:
        event = icalendar.Event()
        event.add("uid", f"{entry.quest_id}@questlog")
        event.add("dtstamp", (entry.updated_at or now).astimezone(UTC))
        event.add("created", entry.created_at.astimezone(UTC))
        event.add("last-modified", entry.updated_at.astimezone(UTC))
        done = entry.completed_at is not None or entry.status == "done"
        event.add("summary", DONE_MARK + entry.title if done else entry.title)
        if entry.notes:
            event.add("description", entry.notes)
        assert entry.due is not None  # in_feed
        minutes = entry.estimate_minutes or EVENT_DEFAULT_MINUTES
        end = entry.due.astimezone(zone)
        event.add("dtstart", (entry.due - timedelta(minutes=minutes)).astimezone(zone))
        event.add("dtend", end)
        event.add("status", "CANCELLED" if entry.status == "abandoned" else "CONFIRMED")
        # a deadline, not a meeting: it does not make the owner busy
        event.add("transp", "TRANSPARENT")
        if entry.tags:
            event.add("categories", list(entry.tags))
        return event


# --- import ------------------------------------------------------------------------------

#: VTODO properties the importer maps
_MAPPED: Final = frozenset(
    {
        "UID",
        "SUMMARY",
        "DESCRIPTION",
        "CATEGORIES",
        "PRIORITY",
        "DUE",
        "STATUS",
        "COMPLETED",
        "CREATED",
        "RRULE",
        "RELATED-TO",
        "CLASS",
    }
)
#: VTODO properties that describe the file, not the task (nothing to report)
_IGNORED: Final = frozenset({"DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "PERCENT-COMPLETE"})
#: properties kept in the notes because Questlog has no field for them
_INTO_NOTES: Final = {"DTSTART": "Starts", "LOCATION": "Location", "URL": "Link"}


def _moment(value: Any, zone: ZoneInfo, *, end_of_day: bool) -> datetime:
    """A timezone-aware UTC moment of a DATE or DATE-TIME value: floating times are read in
    ``zone``; a date alone is its end (23:59, due dates) or its start (other dates)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    if isinstance(value, date):
        at = time(23, 59) if end_of_day else time(0, 0)
        return datetime.combine(value, at, tzinfo=zone).astimezone(UTC)
    raise ValueError(f"not a date: {value!r}")


def _texts(component: icalendar.cal.Component, name: str) -> list[str]:
    """Every value of a (possibly repeated, possibly multi-valued) text property."""
    raw = component.get(name)
    if raw is None:
        return []
    values = raw if isinstance(raw, list) else [raw]
    found: list[str] = []
    for value in values:
        cats = getattr(value, "cats", None)
        if cats is not None:
            found.extend(str(c) for c in cats)
        else:
            found.append(str(value))
    return found


def read_ical(raw: bytes, *, now: datetime, timezone: str = "UTC") -> ImportPlan:
    """Parse an ``.ics`` file (``VCALENDAR`` with ``VTODO``s) into an import plan.

    Raises ``MalformedImport`` when the bytes are not iCalendar.
    """
    zone = _zone(timezone)
    try:
        calendars = icalendar.Calendar.from_ical(raw, multiple=True)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise MalformedImport(f"not an iCalendar file: {exc}") from None
    if not calendars:
        raise MalformedImport("not an iCalendar file: no VCALENDAR")
    drafts: list[QuestDraft] = []
    notes: list[Unmapped] = []
    records = 0
    for calendar in calendars:
        if calendar.name != "VCALENDAR":
            raise MalformedImport(f"not an iCalendar file: {calendar.name} at the top")
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE":
                continue
            records += 1
            if records > MAX_RECORDS:
                raise MalformedImport(f"more than {MAX_RECORDS} components; split the file")
            if component.name != "VTODO":
                what = str(component.get("SUMMARY") or component.get("UID") or "")
                notes.append(
                    Unmapped(
                        record=f"{component.name} {what}".strip(),
                        field="",
                        reason=f"a {component.name}; only VTODO (to-dos) become quests",
                    )
                )
                continue
            draft = _draft(component, zone, timezone, now, notes)
            if draft is not None:
                drafts.append(draft)
    return ImportPlan(source=ImportSource.ICAL, drafts=drafts, unmapped=notes, records=records)


def _draft(
    todo: icalendar.cal.Component,
    zone: ZoneInfo,
    timezone: str,
    now: datetime,
    notes: list[Unmapped],
) -> QuestDraft | None:
    uid = str(todo.get("UID") or "").strip()
    summary = str(todo.get("SUMMARY") or "").strip()
    if not uid:
        # RFC 5545 requires a UID; without one the content stands in, so a re-import of the
        # same file still finds the quest it made
        uid = "sha256:" + hashlib.sha256(todo.to_ical()).hexdigest()[:32]
    name = uid
    if not summary:
        notes.append(Unmapped(record=name, field="", reason="no SUMMARY"))
        return None
    for key in todo:
        if key not in _MAPPED and key not in _IGNORED and key not in _INTO_NOTES:
            notes.append(
                Unmapped(record=name, field=key, reason="property Questlog has no field for")
            )
    for sub in todo.subcomponents:
        notes.append(
            Unmapped(record=name, field=str(sub.name), reason="Questlog keeps no alarms or parts")
        )

    def moment(key: str, *, end_of_day: bool = False) -> datetime | None:
        prop = todo.get(key)
        if prop is None:
            return None
        try:
            return _moment(prop.dt, zone, end_of_day=end_of_day)
        except (AttributeError, ValueError):
            notes.append(Unmapped(record=name, field=key, reason="unreadable date"))
            return None

    status_text = str(todo.get("STATUS") or "NEEDS-ACTION").upper()
    completed = moment("COMPLETED")
    status = {
        "NEEDS-ACTION": DraftStatus.TODO,
        "IN-PROCESS": DraftStatus.ACTIVE,
        "COMPLETED": DraftStatus.DONE,
        "CANCELLED": DraftStatus.ABANDONED,
    }.get(status_text)
    if status is None:
        notes.append(
            Unmapped(record=name, field="STATUS", reason=f"unknown status {status_text!r}; todo")
        )
        status = DraftStatus.TODO
    if completed is not None and status is DraftStatus.TODO:
        status = DraftStatus.DONE  # COMPLETED without STATUS: it was done
    title, overflow = title_of(summary, name, notes)
    extra: list[str] = []
    for key, label in _INTO_NOTES.items():
        prop = todo.get(key)
        if prop is None:
            continue
        if key == "DTSTART":
            if status is DraftStatus.ACTIVE:
                continue  # when it was started
            start = moment("DTSTART")
            text = start.isoformat() if start is not None else ""
        else:
            text = str(prop)
        if text:
            extra.append(f"{label}: {text}")
            notes.append(
                Unmapped(
                    record=name, field=key, reason="Questlog has no such field; kept in the notes"
                )
            )
    text = notes_of([overflow, str(todo.get("DESCRIPTION") or ""), "\n".join(extra)], name, notes)

    priority = 0
    raw_priority = todo.get("PRIORITY")
    if raw_priority is not None:
        try:
            priority = priority_of_ical(int(raw_priority))
        except (TypeError, ValueError):
            notes.append(
                Unmapped(record=name, field="PRIORITY", reason=f"not a number: {raw_priority!r}")
            )
    categories = _texts(todo, "CATEGORIES")
    tags = tags_of(categories, name, notes)

    due = moment("DUE", end_of_day=True)
    created = moment("CREATED")

    recurrence = None
    rules = todo.get("RRULE")
    if rules is not None:
        rule_list = rules if isinstance(rules, list) else [rules]
        if len(rule_list) > 1:
            notes.append(
                Unmapped(record=name, field="RRULE", reason="several RRULEs; Questlog keeps one")
            )
        elif status in (DraftStatus.DONE, DraftStatus.ABANDONED):
            notes.append(
                Unmapped(record=name, field="RRULE", reason="the series is finished; not repeated")
            )
        else:
            rule = rule_list[0].to_ical().decode()
            try:
                recurrence, due = recurrence_after(rule, timezone, due, now)
            except ValidationFailed as exc:
                notes.append(Unmapped(record=name, field="RRULE", reason=exc.reason))
    parent: str | None = None
    depends: list[str] = []
    related = todo.get("RELATED-TO")
    for rel in related if isinstance(related, list) else ([related] if related else []):
        reltype = str(rel.params.get("RELTYPE", "PARENT")).upper()
        target = str(rel).strip()
        if reltype == "PARENT" and parent is None:
            parent = target
        elif reltype == "DEPENDS-ON":
            depends.append(target)
        else:
            notes.append(
                Unmapped(record=name, field="RELATED-TO", reason=f"relation {reltype} not mapped")
            )

    return QuestDraft(
        external_id=uid,
        title=title,
        notes=text,
        tags=tags,
        priority=priority,
        due=due,
        created_at=created,
        status=status,
        started_at=moment("DTSTART") if status is DraftStatus.ACTIVE else None,
        completed_at=(completed or now) if status is DraftStatus.DONE else None,
        recurrence=recurrence,
        parent=parent,
        depends_on=tuple(depends),
    )


#: every importer of :mod:`questlog_core.moving` plus this one: what the apps read files with
IMPORT_READERS: Mapping[ImportSource, Reader] = {**READERS, ImportSource.ICAL: read_ical}
