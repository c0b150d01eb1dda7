"""The quest domain: quests and their status machine, dependencies, recurrence, templates."""

from questlog_core.quests.dependencies import DependencyGraph
from questlog_core.quests.model import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    REOPEN_WINDOW,
    TRANSITIONS,
    ChecklistItem,
    Difficulty,
    Priority,
    ProgressSource,
    Quest,
    QuestStatus,
)
from questlog_core.quests.recurrence import Recurrence, RecurrenceMode
from questlog_core.quests.templates import Category, QuestTemplate, TemplateStep

__all__ = [
    "FINISHED_STATUSES",
    "OPEN_STATUSES",
    "REOPEN_WINDOW",
    "TRANSITIONS",
    "Category",
    "ChecklistItem",
    "DependencyGraph",
    "Difficulty",
    "Priority",
    "ProgressSource",
    "Quest",
    "QuestStatus",
    "QuestTemplate",
    "Recurrence",
    "RecurrenceMode",
    "TemplateStep",
]
