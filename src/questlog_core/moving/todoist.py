"""Todoist's exports as an :class:`~.drafts.ImportPlan`: the CSV project template and the JSON
of the Sync API (v9 ``/sync`` full sync: ``items``, ``projects``, ``sections``, ``notes``),
which is what JSON backups of a Todoist account hold.

Priorities: Todoist shows p1 (most urgent) .. p4 (no priority). The CSV template writes that
number as it is shown (``PRIORITY`` 1 = p1); the JSON writes the API's reversed number
(``priority`` 4 = p1). Both map p1 → critical (4), p2 → high (3), p3 → medium (2),
p4 → none (0). An empty CSV cell is taken as p4 (Todoist's help says an empty cell gives p1
to a *new* task on import; an export never leaves it empty).

Hierarchy: CSV ``INDENT`` n makes a task the sub-task of the nearest task above it with
indent n-1; JSON ``parent_id`` names the parent. Sections become a tag (the section's name),
projects the category. Labels (``@label`` in a CSV task's content, ``labels`` in JSON) become
tags. ``note`` rows (CSV) and ``notes`` (JSON) are appended to the quest's notes.

Due dates: a date alone (``2026-12-01``) is due at the end of that day (23:59) in the
import's time zone; a floating date-time is read in that zone; one with ``Z`` or an offset is
exact. CSV due strings are natural language: ISO dates, ``Dec 1 2026`` / ``1 Dec 2026``,
``today``, ``tomorrow`` and "every ..." repetitions are understood; anything else is kept in
the notes and reported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from questlog_core.errors import ValidationFailed
from questlog_core.moving.drafts import (
    MAX_RECORDS,
    DraftStatus,
    ImportPlan,
    ImportSource,
    MalformedImport,
    QuestDraft,
    Unmapped,
    category_of,
    notes_of,
    tag_of,
    tags_of,
    title_of,
)
from questlog_core.moving.recurring import recurrence_after, rule_of_every

#: Todoist's shown priority (p1..p4) → Questlog priority
SHOWN_PRIORITIES = {1: 4, 2: 3, 3: 2, 4: 0}
#: The API's number (4 = p1 .. 1 = p4) → Questlog priority
API_PRIORITIES = {4: 4, 3: 3, 2: 2, 1: 0}

CSV_COLUMNS = ("TYPE", "CONTENT", "DESCRIPTION", "PRIORITY", "INDENT", "DATE", "TIMEZONE")
_LABEL = re.compile(r"(?:^|\s)@([\w\-/.]+)")
_END_OF_DAY = time(23, 59)
_TEXT_DATES = ("%b %d %Y", "%d %b %Y", "%B %d %Y", "%d %B %Y", "%Y-%m-%d", "%Y/%m/%d")


def read_todoist(raw: bytes, *, now: datetime, timezone: str = "UTC") -> ImportPlan:
    """Parse a Todoist CSV template or Sync API JSON (told apart by the first character).

    Raises:
        MalformedImport: neither a Todoist CSV nor Todoist JSON.
    """
    head = raw.lstrip()[:1]
    if head in (b"{", b"["):
        return _read_json(raw, now, timezone)
    return _read_csv(raw, now, timezone)


# -- due dates --------------------------------------------------------------------------------


def _zone(name: str | None, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or default)
    except (KeyError, ValueError):
        return ZoneInfo(default)


def due_of(text: str, zone: ZoneInfo, now: datetime) -> datetime | None:
    """A due moment from an ISO or plain date text, or ``None`` when not understood."""
    value = text.strip()
    lowered = value.lower()
    today = now.astimezone(zone).date()
    if lowered in ("today", "tod"):
        return _end_of(today, zone)
    if lowered in ("tomorrow", "tom"):
        return _end_of(today + timedelta(days=1), zone)
    try:
        if len(value) == 10:
            return _end_of(date.fromisoformat(value), zone)
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed.astimezone(UTC)
    except ValueError:
        pass
    for pattern in _TEXT_DATES:
        try:
            return _end_of(datetime.strptime(value, pattern).date(), zone)
        except ValueError:
            continue
    return None


def _end_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, _END_OF_DAY, tzinfo=zone).astimezone(UTC)


def _due(
    text: str,
    zone: ZoneInfo,
    now: datetime,
    record: str,
    notes: list[Unmapped],
    *,
    start: str | None = None,
    field: str = "DATE",
) -> tuple[datetime | None, Any, str]:
    """``(due, recurrence, kept)``: ``kept`` is the original text when it was not understood."""
    if not text.strip():
        return None, None, ""
    rule = rule_of_every(text)
    if rule is not None:
        first = due_of(start, zone, now) if start else None
        try:
            recurrence, due = recurrence_after(rule, zone.key, first, now)
        except ValidationFailed as exc:
            notes.append(Unmapped(record=record, field=field, reason=exc.reason))
            return None, None, text
        return due, recurrence, ""
    if text.strip().lower().startswith("every"):
        notes.append(
            Unmapped(record=record, field=field, reason=f"repetition {text!r} not understood")
        )
        return (due_of(start, zone, now) if start else None), None, text
    moment = due_of(text, zone, now)
    if moment is None:
        notes.append(
            Unmapped(record=record, field=field, reason=f"due date {text!r} not understood")
        )
        return None, None, text
    return moment, None, ""


# -- CSV ----------------------------------------------------------------------------------------


def _read_csv(raw: bytes, now: datetime, timezone: str) -> ImportPlan:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedImport("a Todoist CSV is UTF-8 text") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"TYPE", "CONTENT"} <= set(rows[0]):
        raise MalformedImport("not a Todoist CSV template (needs the TYPE and CONTENT columns)")
    if len(rows) > MAX_RECORDS:
        raise MalformedImport(f"more than {MAX_RECORDS} records")
    drafts: list[QuestDraft] = []
    notes: list[Unmapped] = []
    section: str | None = None
    stack: list[QuestDraft] = []  # the latest task at each indent level (index = indent - 1)
    seen: dict[str, int] = {}
    comments: dict[str, list[str]] = {}
    for line, row in enumerate(rows, start=2):
        kind = (row.get("TYPE") or "").strip()
        content = (row.get("CONTENT") or "").strip()
        record = f"line {line}"
        if kind == "section":
            section = content or None
            stack = []
            continue
        if kind == "note":
            if stack and content:
                comments.setdefault(stack[-1].external_id, []).append(content)
            elif content:
                notes.append(
                    Unmapped(record=record, field="", reason="a note with no task above it")
                )
            continue
        if kind in ("meta", ""):
            continue
        if kind != "task":
            notes.append(Unmapped(record=record, field="TYPE", reason=f"unknown row type {kind!r}"))
            continue
        labels = _LABEL.findall(content)
        name = _LABEL.sub("", content).strip()
        if not name:
            notes.append(Unmapped(record=record, field="", reason="a task with no name"))
            continue
        indent = _number(row.get("INDENT"), 1)
        if indent < 1 or indent > len(stack) + 1:
            notes.append(
                Unmapped(
                    record=record,
                    field="INDENT",
                    reason=f"indent {indent} has no parent above it; made top-level",
                )
            )
            indent = 1
        parent = stack[indent - 2] if indent > 1 else None
        # CSV rows carry no ids: the task's place (section, parents, name, n-th twin) is its
        # identity, the same in every export of the same project.
        path = "/".join([section or "", *(d.title for d in stack[: indent - 1]), name])
        count = seen[path] = seen.get(path, 0) + 1
        external = hashlib.sha256(f"{path}#{count}".encode()).hexdigest()[:32]
        zone = _zone(row.get("TIMEZONE"), timezone)
        due, recurrence, kept = _due(row.get("DATE") or "", zone, now, record, notes)
        shown = _number(row.get("PRIORITY"), 4)
        if shown not in SHOWN_PRIORITIES:
            notes.append(
                Unmapped(record=record, field="PRIORITY", reason=f"unknown priority {shown}")
            )
        title, overflow = title_of(name, record, notes)
        description = (row.get("DESCRIPTION") or "").strip()
        kept_note = f"Todoist due: {kept}" if kept else ""
        tags = [*labels, *([section] if section else [])]
        draft = QuestDraft(
            external_id=external,
            title=title,
            notes="\n\n".join(p for p in (overflow, description, kept_note) if p),
            tags=tags_of(tags, record, notes),
            priority=SHOWN_PRIORITIES.get(shown, 0),
            due=due,
            recurrence=recurrence,
            parent=parent.external_id if parent else None,
        )
        for column in ("RESPONSIBLE", "DURATION"):
            if (row.get(column) or "").strip():
                notes.append(
                    Unmapped(record=record, field=column, reason="Questlog has no such field")
                )
        stack = [*stack[: indent - 1], draft]
        drafts.append(draft)
    for draft in drafts:
        extra = comments.get(draft.external_id)
        if extra:
            draft.notes = notes_of([draft.notes, *extra], draft.external_id, notes)
    return ImportPlan(source=ImportSource.TODOIST, drafts=drafts, unmapped=notes, records=len(rows))


def _number(value: str | None, default: int) -> int:
    try:
        return int((value or "").strip() or default)
    except ValueError:
        return default


# -- JSON ---------------------------------------------------------------------------------------


def _read_json(raw: bytes, now: datetime, timezone: str) -> ImportPlan:
    try:
        document = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise MalformedImport(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise MalformedImport('Todoist JSON needs an "items" list (Sync API full sync)')
    items: list[Any] = document["items"]
    if len(items) > MAX_RECORDS:
        raise MalformedImport(f"more than {MAX_RECORDS} records")
    projects = _names(document.get("projects"))
    sections = _names(document.get("sections"))
    comments: dict[str, list[str]] = {}
    for note in document.get("notes") or []:
        if isinstance(note, dict) and isinstance(note.get("content"), str):
            comments.setdefault(str(note.get("item_id")), []).append(note["content"])
    default_zone = ZoneInfo(timezone)
    drafts: list[QuestDraft] = []
    notes: list[Unmapped] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or item.get("id") is None:
            notes.append(Unmapped(record=f"#{index}", field="", reason="not a task with an id"))
            continue
        record = str(item["id"])
        content = item.get("content")
        if not isinstance(content, str) or not content.strip():
            notes.append(Unmapped(record=record, field="", reason="no content"))
            continue
        if item.get("is_deleted"):
            notes.append(Unmapped(record=record, field="", reason="deleted in Todoist"))
            continue
        title, overflow = title_of(content, record, notes)
        due, recurrence, kept = None, None, ""
        due_value = item.get("due")
        if isinstance(due_value, dict) and isinstance(due_value.get("date"), str):
            zone = _zone(due_value.get("timezone"), default_zone.key)
            if due_value.get("is_recurring"):
                due, recurrence, kept = _due(
                    str(due_value.get("string") or ""),
                    zone,
                    now,
                    record,
                    notes,
                    start=due_value["date"],
                    field="due.string",
                )
            else:
                due = due_of(due_value["date"], zone, now)
                if due is None:
                    notes.append(
                        Unmapped(record=record, field="due.date", reason="unreadable date")
                    )
        api_priority = item.get("priority", 1)
        if api_priority not in API_PRIORITIES:
            notes.append(
                Unmapped(
                    record=record, field="priority", reason=f"unknown priority {api_priority!r}"
                )
            )
        labels = [label for label in item.get("labels") or [] if isinstance(label, str)]
        section = sections.get(str(item.get("section_id")))
        if section and tag_of(section):
            labels.append(section)
        checked = bool(item.get("checked"))
        completed = _moment(item.get("completed_at"))
        for key in ("responsible_uid", "duration"):
            if item.get(key):
                notes.append(
                    Unmapped(record=record, field=key, reason="Questlog has no such field")
                )
        description = item.get("description") if isinstance(item.get("description"), str) else ""
        parts = [overflow, description or "", *comments.get(record, [])]
        if kept:
            parts.append(f"Todoist due: {kept}")
        parent = item.get("parent_id")
        drafts.append(
            QuestDraft(
                external_id=record,
                title=title,
                notes=notes_of(parts, record, notes),
                category=category_of(projects.get(str(item.get("project_id")))),
                tags=tags_of(labels, record, notes),
                priority=API_PRIORITIES.get(api_priority, 0),
                due=due,
                created_at=_moment(item.get("added_at")),
                status=DraftStatus.DONE if checked else DraftStatus.TODO,
                completed_at=completed if checked else None,
                recurrence=recurrence,
                parent=str(parent) if parent is not None else None,
            )
        )
    return ImportPlan(
        source=ImportSource.TODOIST, drafts=drafts, unmapped=notes, records=len(items)
    )


def _names(rows: object) -> dict[str, str]:
    if not isinstance(rows, list):
        return {}
    return {
        str(row["id"]): row["name"]
        for row in rows
        if isinstance(row, dict) and "id" in row and isinstance(row.get("name"), str)
    }


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


__all__ = ["API_PRIORITIES", "CSV_COLUMNS", "SHOWN_PRIORITIES", "due_of", "read_todoist"]
