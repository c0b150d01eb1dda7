"""Taskwarrior's ``task export`` (2.6 and 3.x) as an :class:`~.drafts.ImportPlan`.

Mapping (see ``docs/moving.md`` for the table):

* ``uuid`` → the external id; ``description`` → title; ``annotations`` → notes, one line each
  with its date; ``project`` → category (``work.reports`` stays one name); ``tags`` → tags;
  ``priority`` H/M/L → high (3) / medium (2) / low (1); ``due`` → due; ``entry`` → created.
* ``status`` pending/waiting → todo (active when ``start`` is set), completed → done (history,
  with ``end`` as its completion), deleted → abandoned.
* ``depends`` (a list of uuids, or Taskwarrior 2.5's comma-separated string) → dependency
  edges, prerequisite first.
* ``recur`` on the recurring template (status ``recurring``) → a scheduled RRULE; its pending
  instances (records with a ``parent``) are left out because Questlog makes each occurrence
  itself; completed instances are imported as history. ``until`` on a template ends the series.
* ``wait`` and ``scheduled`` have no Questlog field: they are written into the notes and
  reported. Unknown attributes (user-defined attributes) are reported, per record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
    tags_of,
    title_of,
)
from questlog_core.moving.recurring import recurrence_after, rule_of_period

#: Taskwarrior's priority letters → Questlog priority (0 none .. 4 critical)
PRIORITIES = {"H": 3, "M": 2, "L": 1}

#: Attributes read (or deliberately not needed: ``id``, ``urgency`` and ``modified`` are
#: computed by Taskwarrior; ``mask``/``imask``/``rtype`` are its recurrence bookkeeping).
_KNOWN = {
    "uuid",
    "description",
    "status",
    "entry",
    "modified",
    "end",
    "due",
    "start",
    "wait",
    "scheduled",
    "until",
    "priority",
    "project",
    "tags",
    "depends",
    "annotations",
    "recur",
    "parent",
    "mask",
    "imask",
    "rtype",
    "id",
    "urgency",
}


def parse_date(value: object) -> datetime:
    """Taskwarrior's ``YYYYMMDDTHHMMSSZ`` (or ISO 8601 with an offset) as an aware UTC time."""
    if not isinstance(value, str):
        raise ValueError("not a date")
    if len(value) == 16 and value[15] == "Z" and value[8] == "T" and value[:8].isdigit():
        # by hand: strptime costs ~30x more, and an export holds several dates per task
        return datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[9:11]),
            int(value[11:13]),
            int(value[13:15]),
            tzinfo=UTC,
        )
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a date without a time zone")
    return parsed.astimezone(UTC)


def _depends(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError("depends must be a list of uuids")


def read_taskwarrior(raw: bytes, *, now: datetime, timezone: str = "UTC") -> ImportPlan:
    """Parse ``task export`` output (a JSON array of tasks).

    Raises:
        MalformedImport: not JSON, not an array, or more than :data:`MAX_RECORDS` records.
    """
    try:
        records = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise MalformedImport(f"not JSON: {exc}") from None
    if not isinstance(records, list):
        raise MalformedImport("a Taskwarrior export is a JSON array of tasks")
    if len(records) > MAX_RECORDS:
        raise MalformedImport(f"more than {MAX_RECORDS} records")
    drafts: list[QuestDraft] = []
    notes: list[Unmapped] = []
    for index, record in enumerate(records):
        draft = _draft(index, record, now, timezone, notes)
        if draft is not None:
            drafts.append(draft)
    return ImportPlan(
        source=ImportSource.TASKWARRIOR, drafts=drafts, unmapped=notes, records=len(records)
    )


def _draft(
    index: int, record: Any, now: datetime, timezone: str, notes: list[Unmapped]
) -> QuestDraft | None:
    if not isinstance(record, dict):
        notes.append(Unmapped(record=f"#{index}", field="", reason="not a task object"))
        return None
    uuid = record.get("uuid")
    name = uuid if isinstance(uuid, str) and uuid else f"#{index}"
    if not isinstance(uuid, str) or not uuid:
        notes.append(Unmapped(record=name, field="", reason="no uuid"))
        return None
    description = record.get("description")
    if not isinstance(description, str) or not description.strip():
        notes.append(Unmapped(record=name, field="", reason="no description"))
        return None
    status = record.get("status", "pending")
    if record.get("parent") and status in ("pending", "waiting"):
        notes.append(
            Unmapped(
                record=name,
                field="",
                reason=f"a pending occurrence of recurring task {record['parent']}; "
                "Questlog makes each occurrence from the recurring quest",
            )
        )
        return None
    for key in record:
        if key not in _KNOWN:
            notes.append(
                Unmapped(record=name, field=key, reason="attribute Questlog has no field for")
            )

    def date(key: str) -> datetime | None:
        value = record.get(key)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError:
            notes.append(Unmapped(record=name, field=key, reason=f"unreadable date {value!r}"))
            return None

    title, overflow = title_of(description, name, notes)
    lines: list[str] = [overflow] if overflow else []
    annotations = record.get("annotations") or []
    if isinstance(annotations, list):
        for note in annotations:
            if isinstance(note, dict) and isinstance(note.get("description"), str):
                when = note.get("entry")
                try:
                    stamp = parse_date(when).date().isoformat() if when else ""
                except ValueError:
                    stamp = ""
                lines.append(f"{stamp}: {note['description']}" if stamp else note["description"])
    extra: list[str] = []
    for key, label in (("wait", "Waiting until"), ("scheduled", "Scheduled for")):
        moment = date(key)
        if moment is not None:
            extra.append(f"{label} {moment.isoformat()} (Taskwarrior {key})")
            notes.append(
                Unmapped(
                    record=name, field=key, reason="Questlog has no such date; kept in the notes"
                )
            )
    text = notes_of(["\n".join(lines), "\n".join(extra)], name, notes)

    priority_letter = record.get("priority")
    priority = PRIORITIES.get(priority_letter, 0) if isinstance(priority_letter, str) else 0
    if priority_letter and priority_letter not in PRIORITIES:
        notes.append(
            Unmapped(record=name, field="priority", reason=f"unknown priority {priority_letter!r}")
        )
    tags_value = record.get("tags") or []
    tags = tags_of([t for t in tags_value if isinstance(t, str)], name, notes)
    try:
        depends = _depends(record.get("depends"))
    except ValueError as exc:
        notes.append(Unmapped(record=name, field="depends", reason=str(exc)))
        depends = []

    created = date("entry")
    due = date("due")
    started = date("start")
    ended = date("end")
    draft_status = DraftStatus.TODO
    if status == "completed":
        draft_status = DraftStatus.DONE
    elif status == "deleted":
        draft_status = DraftStatus.ABANDONED
    elif started is not None:
        draft_status = DraftStatus.ACTIVE
    elif status not in ("pending", "waiting", "recurring"):
        notes.append(
            Unmapped(record=name, field="status", reason=f"unknown status {status!r}; todo")
        )

    recurrence = None
    recur = record.get("recur")
    if recur is not None and status == "recurring":
        rule = rule_of_period(str(recur))
        until = date("until")
        if rule is None:
            notes.append(
                Unmapped(record=name, field="recur", reason=f"period {recur!r} not understood")
            )
        else:
            if until is not None:
                rule += ";UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ")
            try:
                recurrence, due = recurrence_after(rule, timezone, due, now)
            except ValidationFailed as exc:
                notes.append(Unmapped(record=name, field="recur", reason=exc.reason))
    elif record.get("until") is not None:
        notes.append(Unmapped(record=name, field="until", reason="Questlog has no expiry date"))

    return QuestDraft(
        external_id=uuid,
        title=title,
        notes=text,
        category=category_of(
            record.get("project") if isinstance(record.get("project"), str) else None
        ),
        tags=tags,
        priority=priority,
        due=due,
        created_at=created,
        status=draft_status,
        started_at=started,
        completed_at=ended if draft_status is DraftStatus.DONE else None,
        recurrence=recurrence,
        depends_on=tuple(depends),
    )


__all__ = ["PRIORITIES", "parse_date", "read_taskwarrior"]
