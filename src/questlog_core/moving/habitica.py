"""Habitica's user data export (``user.json``: ``tasks.todos``, ``tasks.dailys``,
``tasks.habits``, ``tasks.rewards``, ``tags``) as an :class:`~.drafts.ImportPlan`.

* To-dos → quests: ``text`` → title, ``notes`` → notes, ``date`` → due, ``checklist`` →
  checklist (ticks kept), ``completed``/``dateCompleted`` → done (history), ``tags`` (ids) →
  tag names.
* Dailies → recurring quests: ``frequency`` daily/weekly/monthly/yearly with ``everyX`` as the
  interval, ``repeat`` weekdays (``m t w th f s su``) as ``BYDAY``, ``daysOfMonth`` as
  ``BYMONTHDAY``, ``weeksOfMonth`` (0-based) with the weekdays as ``BYDAY=+nMO``; the first
  due date is the next occurrence from ``startDate``.
* Habitica's ``priority`` is the task's difficulty: 0.1 trivial, 1 easy, 1.5 medium, 2 hard.
* A daily's ``streak`` is per task in Habitica; Questlog keeps one streak per player (in the
  gamification service, which an import does not write), so the streak is written into the
  notes and reported.
* Habits (+/- counters that are never done) and rewards (gold to spend) have no Questlog
  counterpart: each is reported and left out.
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
    notes_of,
    tags_of,
    title_of,
)
from questlog_core.moving.recurring import recurrence_after
from questlog_core.quests.model import CHECKLIST_MAX_ITEMS, ChecklistItem
from questlog_core.quests.model.checklist import CHECKLIST_TEXT_MAX_LENGTH

#: Habitica's difficulty numbers → Questlog difficulty
DIFFICULTIES = {0.1: "trivial", 1.0: "easy", 1.5: "medium", 2.0: "hard"}
_DAYS = (
    ("m", "MO"),
    ("t", "TU"),
    ("w", "WE"),
    ("th", "TH"),
    ("f", "FR"),
    ("s", "SA"),
    ("su", "SU"),
)
_FREQUENCIES = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}


def read_habitica(raw: bytes, *, now: datetime, timezone: str = "UTC") -> ImportPlan:
    """Parse a Habitica user data export.

    Raises:
        MalformedImport: not JSON or without the ``tasks`` object of an export.
    """
    try:
        document = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise MalformedImport(f"not JSON: {exc}") from None
    tasks = document.get("tasks") if isinstance(document, dict) else None
    if not isinstance(tasks, dict):
        raise MalformedImport('a Habitica export has a "tasks" object (todos, dailys, habits)')
    tag_names = {
        tag["id"]: tag["name"]
        for tag in document.get("tags") or []
        if isinstance(tag, dict) and isinstance(tag.get("name"), str) and "id" in tag
    }
    groups = {key: tasks.get(key) or [] for key in ("todos", "dailys", "habits", "rewards")}
    total = sum(len(v) for v in groups.values() if isinstance(v, list))
    if total > MAX_RECORDS:
        raise MalformedImport(f"more than {MAX_RECORDS} records")
    drafts: list[QuestDraft] = []
    notes: list[Unmapped] = []
    for kind in ("todos", "dailys"):
        for index, task in enumerate(groups[kind] if isinstance(groups[kind], list) else []):
            draft = _draft(kind, index, task, tag_names, now, timezone, notes)
            if draft is not None:
                drafts.append(draft)
    for kind, reason in (
        ("habits", "Habitica habits are +/- counters that are never done; Questlog has none"),
        ("rewards", "Habitica rewards spend gold; Questlog has no shop"),
    ):
        for index, task in enumerate(groups[kind] if isinstance(groups[kind], list) else []):
            ident = task.get("id") if isinstance(task, dict) else None
            notes.append(Unmapped(record=str(ident or f"{kind}#{index}"), field="", reason=reason))
    return ImportPlan(source=ImportSource.HABITICA, drafts=drafts, unmapped=notes, records=total)


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _draft(
    kind: str,
    index: int,
    task: Any,
    tag_names: dict[str, str],
    now: datetime,
    timezone: str,
    notes: list[Unmapped],
) -> QuestDraft | None:
    if not isinstance(task, dict):
        notes.append(Unmapped(record=f"{kind}#{index}", field="", reason="not a task object"))
        return None
    ident = task.get("id") or task.get("_id")
    record = str(ident or f"{kind}#{index}")
    if not ident:
        notes.append(Unmapped(record=record, field="", reason="no id"))
        return None
    text = task.get("text")
    if not isinstance(text, str) or not text.strip():
        notes.append(Unmapped(record=record, field="", reason="no text"))
        return None
    title, overflow = title_of(text, record, notes)
    own_notes = task.get("notes")
    parts: list[str] = [overflow, own_notes if isinstance(own_notes, str) else ""]
    level = task.get("priority", 1)
    difficulty = (
        DIFFICULTIES.get(float(level))
        if isinstance(level, int | float) and not isinstance(level, bool)
        else None
    )
    if difficulty is None:
        notes.append(
            Unmapped(
                record=record,
                field="priority",
                reason=f"unknown difficulty {task.get('priority')!r}; medium",
            )
        )
        difficulty = "medium"
    if task.get("reminders"):
        notes.append(
            Unmapped(record=record, field="reminders", reason="Questlog has no per-quest reminders")
        )
    checklist = _checklist(task.get("checklist"), record, notes)
    tags = tags_of(
        [tag_names.get(t, "") for t in task.get("tags") or [] if isinstance(t, str)], record, notes
    )
    created = _moment(task.get("createdAt"))
    if kind == "todos":
        done = bool(task.get("completed"))
        return QuestDraft(
            external_id=str(ident),
            title=title,
            notes=notes_of(parts, record, notes),
            tags=tags,
            difficulty=difficulty,
            due=_moment(task.get("date")),
            created_at=created,
            status=DraftStatus.DONE if done else DraftStatus.TODO,
            completed_at=_moment(task.get("dateCompleted")) if done else None,
            checklist=checklist,
        )
    recurrence, due = None, None
    rule = daily_rule(task)
    if rule is None:
        notes.append(
            Unmapped(
                record=record,
                field="frequency",
                reason="repetition not understood; a one-off quest",
            )
        )
    else:
        try:
            recurrence, due = recurrence_after(rule, timezone, _moment(task.get("startDate")), now)
        except ValidationFailed as exc:
            notes.append(Unmapped(record=record, field="frequency", reason=exc.reason))
    streak = task.get("streak")
    if isinstance(streak, int) and streak > 0:
        parts.append(f"Habitica streak: {streak}")
        notes.append(
            Unmapped(
                record=record,
                field="streak",
                reason="Questlog keeps one streak per player; kept in the notes",
            )
        )
    return QuestDraft(
        external_id=str(ident),
        title=title,
        notes=notes_of(parts, record, notes),
        tags=tags,
        difficulty=difficulty,
        due=due,
        created_at=created,
        recurrence=recurrence,
        checklist=checklist,
    )


def daily_rule(task: dict[str, Any]) -> str | None:
    """The RRULE of a Habitica daily, or ``None`` when its schedule cannot be read."""
    freq = _FREQUENCIES.get(str(task.get("frequency") or "weekly"))
    if freq is None:
        return None
    every = task.get("everyX", 1)
    if not isinstance(every, int) or every < 0 or every > 1000:
        return None
    if every == 0:
        return None  # Habitica's "never due"
    parts = [f"FREQ={freq}"] + ([f"INTERVAL={every}"] if every > 1 else [])
    found = task.get("repeat")
    repeat: dict[str, Any] = found if isinstance(found, dict) else {}
    days = [code for key, code in _DAYS if repeat.get(key, True)]
    if not days:
        return None
    days_of_month = [
        d for d in task.get("daysOfMonth") or [] if isinstance(d, int) and 1 <= d <= 31
    ]
    weeks_of_month = [
        w for w in task.get("weeksOfMonth") or [] if isinstance(w, int) and 0 <= w <= 4
    ]
    if freq == "WEEKLY" and len(days) < 7:
        parts.append("BYDAY=" + ",".join(days))
    elif freq == "MONTHLY" and days_of_month:
        parts.append("BYMONTHDAY=" + ",".join(str(d) for d in days_of_month))
    elif freq == "MONTHLY" and weeks_of_month:
        parts.append("BYDAY=" + ",".join(f"+{w + 1}{d}" for w in weeks_of_month for d in days))
    return ";".join(parts)


def _checklist(value: object, record: str, notes: list[Unmapped]) -> tuple[ChecklistItem, ...]:
    if not isinstance(value, list):
        return ()
    items = [
        ChecklistItem(
            " ".join(item["text"].split())[:CHECKLIST_TEXT_MAX_LENGTH], bool(item.get("completed"))
        )
        for item in value
        if isinstance(item, dict) and isinstance(item.get("text"), str) and item["text"].strip()
    ]
    if len(items) > CHECKLIST_MAX_ITEMS:
        notes.append(
            Unmapped(
                record=record,
                field="checklist",
                reason=f"{len(items)} items; the first {CHECKLIST_MAX_ITEMS} were kept",
            )
        )
        items = items[:CHECKLIST_MAX_ITEMS]
    return tuple(items)


__all__ = ["DIFFICULTIES", "daily_rule", "read_habitica"]
