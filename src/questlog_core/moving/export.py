"""Moving out of the quest service: everything of one owner's, and their quests as Taskwarrior
``task export`` JSON.

:func:`export_quests` reads the owner's quests (every status, archived included), dependency
edges, templates, categories and attachment records in one read-only unit of work.
:func:`taskwarrior_tasks` renders quests and edges the way ``task export`` prints tasks, so
``task import`` (or Questlog's own Taskwarrior importer) takes them back:

* id → ``uuid``; title → ``description``; notes → one annotation per line; category →
  ``project``; tags → ``tags``; priority high/critical → ``H``, medium → ``M``, low → ``L``
  (Taskwarrior has no "critical"); due/created/updated/started → ``due``/``entry``/
  ``modified``/``start``.
* todo/active → ``pending``; done, and archived after being done → ``completed`` with
  ``end``; abandoned, and archived without being done → ``deleted``.
* prerequisites → ``depends`` (uuids). Sub-quests have no Taskwarrior field: the parent's
  title is written as an annotation.
* an open recurring quest whose rule is a plain period (every n days, weeks, months or years;
  weekdays) → a ``recurring`` template with ``recur``; other rules are written as an
  annotation (``Repeats: RRULE ...``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from questlog_core.ids import QuestId, UserId
from questlog_core.ports.quests import QuestQuery, QuestUnitOfWork
from questlog_core.quests.attachments import Attachment
from questlog_core.quests.model import Quest, QuestStatus
from questlog_core.quests.recurrence import Recurrence
from questlog_core.quests.templates import Category, QuestTemplate
from questlog_core.quests.use_cases.helpers import _every_quest

#: Questlog priority → Taskwarrior's letter
TASKWARRIOR_PRIORITIES = {4: "H", 3: "H", 2: "M", 1: "L"}
_PERIOD_WORDS = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly", "YEARLY": "yearly"}
_PERIOD_UNITS = {"DAILY": "d", "WEEKLY": "w", "MONTHLY": "mo", "YEARLY": "y"}


@dataclass(frozen=True, slots=True)
class QuestData:
    """Everything the quest service keeps of one owner."""

    quests: list[Quest]
    edges: list[tuple[QuestId, QuestId]]
    templates: list[QuestTemplate]
    categories: list[Category]
    attachments: list[Attachment]


async def export_quests(owner: UserId, uow: QuestUnitOfWork) -> QuestData:
    """Read all of ``owner``'s quest-service data (one read-only unit of work)."""
    async with uow:
        quests = await _every_quest(uow, owner, QuestQuery())
        graph = await uow.dependencies.graph_of(owner)
        templates = await uow.templates.list(owner)
        categories = await uow.categories.list(owner)
        attachments: list[Attachment] = []
        for quest in quests:
            attachments += await uow.attachments.list(owner, quest.id)
    return QuestData(
        quests=quests,
        edges=sorted(graph.edges()),
        templates=templates,
        categories=categories,
        attachments=attachments,
    )


def _tw(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def recur_of(recurrence: Recurrence) -> str | None:
    """Taskwarrior's ``recur`` for a plain-period rule, or ``None``."""
    parts = dict(part.split("=", 1) for part in recurrence.rule.split(";") if "=" in part)
    freq = parts.pop("FREQ", "")
    interval = int(parts.pop("INTERVAL", "1"))
    if freq == "WEEKLY" and parts == {"BYDAY": "MO,TU,WE,TH,FR"} and interval == 1:
        return "weekdays"
    if parts or freq not in _PERIOD_WORDS:
        return None
    return _PERIOD_WORDS[freq] if interval == 1 else f"{interval}{_PERIOD_UNITS[freq]}"


def _status(quest: Quest) -> str:
    if quest.status in (QuestStatus.TODO, QuestStatus.ACTIVE):
        return "pending"
    if quest.status is QuestStatus.DONE or quest.completed_at is not None:
        return "completed"
    return "deleted"


def taskwarrior_tasks(
    quests: list[Quest], edges: list[tuple[QuestId, QuestId]]
) -> list[dict[str, Any]]:
    """The quests as ``task export`` objects (see the module docstring), in the given order."""
    prerequisites: dict[QuestId, list[QuestId]] = defaultdict(list)
    for prerequisite, dependent in edges:
        prerequisites[dependent].append(prerequisite)
    titles = {q.id: q.title for q in quests}
    tasks: list[dict[str, Any]] = []
    for quest in quests:
        status = _status(quest)
        task: dict[str, Any] = {
            "uuid": str(quest.id),
            "description": quest.title,
            "status": status,
            "entry": _tw(quest.created_at),
            "modified": _tw(quest.updated_at),
        }
        if quest.due is not None:
            task["due"] = _tw(quest.due)
        if quest.status is QuestStatus.ACTIVE and quest.started_at is not None:
            task["start"] = _tw(quest.started_at)
        if status == "completed":
            task["end"] = _tw(quest.completed_at or quest.updated_at)
        elif status == "deleted":
            task["end"] = _tw(quest.updated_at)
        if int(quest.priority) in TASKWARRIOR_PRIORITIES:
            task["priority"] = TASKWARRIOR_PRIORITIES[int(quest.priority)]
        if quest.category:
            task["project"] = quest.category
        if quest.tags:
            task["tags"] = list(quest.tags)
        if prerequisites.get(quest.id):
            task["depends"] = [str(p) for p in sorted(prerequisites[quest.id])]
        notes = [line for line in quest.notes.splitlines() if line.strip()]
        if quest.recurrence is not None and status == "pending":
            recur = recur_of(quest.recurrence)
            if recur is not None and quest.due is not None:
                task["status"] = "recurring"
                task["recur"] = recur
                task["rtype"] = "periodic"
            else:
                notes.append(
                    f"Repeats: RRULE {quest.recurrence.rule} ({quest.recurrence.timezone})"
                )
        if quest.parent_id is not None:
            notes.append(f"Sub-quest of: {titles.get(quest.parent_id, str(quest.parent_id))}")
        if notes:
            task["annotations"] = [
                {"entry": _tw(quest.created_at), "description": line} for line in notes
            ]
        tasks.append(task)
    return tasks


__all__ = ["TASKWARRIOR_PRIORITIES", "QuestData", "export_quests", "recur_of", "taskwarrior_tasks"]
