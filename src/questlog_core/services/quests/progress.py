"""Moved to :mod:`questlog_core.quests.use_cases.progress`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.quests.model.quest import Quest as Quest
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.use_cases.commands import SetProgress as SetProgress
from questlog_core.quests.use_cases.commands import TickChecklistItem as TickChecklistItem
from questlog_core.quests.use_cases.progress import set_progress as set_progress
from questlog_core.quests.use_cases.progress import tick_checklist_item as tick_checklist_item

__all__ = [
    "set_progress",
    "tick_checklist_item",
]
