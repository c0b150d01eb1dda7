"""Rows <-> domain: translation of quest, template and category rows to and from the model."""

from __future__ import annotations

from typing import Any, Final, cast

import msgspec
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables import quest as t
from questlog_core.ids import CategoryId, QuestId, TemplateId, UserId
from questlog_core.quests.model import ChecklistItem, Difficulty, Priority, Quest, QuestStatus
from questlog_core.quests.recurrence import Recurrence
from questlog_core.quests.templates import Category, QuestTemplate, TemplateStep


def _quest_values(quest: Quest) -> dict[str, Any]:
    return {
        "title": quest.title,
        "notes": quest.notes,
        "title_folded": quest.title.casefold(),
        "notes_folded": quest.notes.casefold(),
        "category": quest.category,
        "tags": list(quest.tags),
        "difficulty": quest.difficulty.value,
        "priority": int(quest.priority),
        "due": quest.due,
        "estimate_minutes": quest.estimate_minutes,
        "recurrence": (
            msgspec.to_builtins(quest.recurrence) if quest.recurrence is not None else None
        ),
        "parent_id": quest.parent_id,
        "template_id": quest.template_id,
        "progress": quest.progress,
        "checklist": [{"text": i.text, "done": i.done} for i in quest.checklist],
        "status": quest.status.value,
        "created_at": quest.created_at,
        "updated_at": quest.updated_at,
        "started_at": quest.started_at,
        "completed_at": quest.completed_at,
        "occurrence": quest.occurrence,
        "series_id": quest.series_id,
    }


# Stored value -> member by dict lookup: calling the enum class is several times slower,
# and a page of quests converts three per row.
_DIFFICULTIES: Final = {d.value: d for d in Difficulty}
_PRIORITIES: Final = {int(p): p for p in Priority}
_STATUSES: Final = {s.value: s for s in QuestStatus}


#: the quests table's columns in the order ``_quest`` unpacks a full row
_QUEST_COLUMNS: Final = [
    *("id", "owner", "title", "notes", "title_folded", "notes_folded", "category", "tags"),
    *("difficulty", "priority", "due", "estimate_minutes", "recurrence", "parent_id"),
    *("template_id", "progress", "checklist", "status", "version", "created_at"),
    *("updated_at", "started_at", "completed_at", "occurrence", "series_id"),
]
if [c.name for c in t.quests.columns] != _QUEST_COLUMNS:  # pragma: no cover - schema drift
    raise RuntimeError("adapters.sql.quests.rows._quest no longer matches the quests table")


def _quest(row: Row[Any]) -> Quest:
    # One tuple unpacking instead of 25 attribute lookups on the Row (a third of the cost
    # of a page of quests); rows come from select(t.quests), in _QUEST_COLUMNS order.
    (
        id_,
        owner,
        title,
        notes,
        _title_folded,
        _notes_folded,
        category,
        tags,
        difficulty,
        priority,
        due,
        estimate_minutes,
        recurrence,
        parent_id,
        template_id,
        progress,
        checklist,
        status,
        version,
        created_at,
        updated_at,
        started_at,
        completed_at,
        occurrence,
        series_id,
    ) = cast("tuple[Any, ...]", row)
    return Quest(
        id=QuestId(id_),
        owner=UserId(owner),
        title=title,
        notes=notes,
        category=category,
        tags=tuple(tags),
        difficulty=_DIFFICULTIES[difficulty],
        priority=_PRIORITIES[priority],
        due=due,
        estimate_minutes=estimate_minutes,
        recurrence=msgspec.convert(recurrence, Recurrence) if recurrence is not None else None,
        parent_id=QuestId(parent_id) if parent_id is not None else None,
        template_id=TemplateId(template_id) if template_id is not None else None,
        progress=progress,
        checklist=[ChecklistItem(i["text"], i["done"]) for i in checklist],
        status=_STATUSES[status],
        version=version,
        created_at=created_at,
        updated_at=updated_at,
        started_at=started_at,
        completed_at=completed_at,
        occurrence=occurrence,
        series_id=QuestId(series_id) if series_id is not None else None,
    )


def _template_values(template: QuestTemplate) -> dict[str, Any]:
    return {
        "id": template.id,
        "owner": template.owner,
        "name": template.name,
        "name_key": template.name.casefold(),
        "title_pattern": template.title_pattern,
        "notes": template.notes,
        "category": template.category,
        "tags": list(template.tags),
        "difficulty": template.difficulty.value,
        "priority": int(template.priority),
        "estimate_minutes": template.estimate_minutes,
        "checklist": list(template.checklist),
        "steps": [
            {
                "title_pattern": s.title_pattern,
                "difficulty": s.difficulty.value if s.difficulty is not None else None,
                "estimate_minutes": s.estimate_minutes,
                "checklist": list(s.checklist),
                "after": list(s.after) if s.after is not None else None,
            }
            for s in template.steps
        ],
        "created_at": template.created_at,
    }


def _template(row: Row[Any]) -> QuestTemplate:
    return QuestTemplate(
        id=TemplateId(row.id),
        owner=UserId(row.owner),
        name=row.name,
        title_pattern=row.title_pattern,
        notes=row.notes,
        category=row.category,
        tags=tuple(row.tags),
        difficulty=Difficulty(row.difficulty),
        priority=Priority(row.priority),
        estimate_minutes=row.estimate_minutes,
        checklist=tuple(row.checklist),
        steps=tuple(
            TemplateStep(
                title_pattern=s["title_pattern"],
                difficulty=Difficulty(s["difficulty"]) if s["difficulty"] is not None else None,
                estimate_minutes=s["estimate_minutes"],
                checklist=tuple(s["checklist"]),
                after=tuple(s["after"]) if s["after"] is not None else None,
            )
            for s in row.steps
        ),
        created_at=row.created_at,
    )


def _category(row: Row[Any]) -> Category:
    return Category(
        id=CategoryId(row.id),
        owner=UserId(row.owner),
        name=row.name,
        color=row.color,
        created_at=row.created_at,
    )


def _text_order(connection: AsyncConnection, expression: Any) -> Any:
    # Python orders strings by code point; so does SQLite's BINARY collation, and "C" on
    # PostgreSQL (whose default collation is the locale's).
    return expression.collate("C") if connection.dialect.name == "postgresql" else expression
