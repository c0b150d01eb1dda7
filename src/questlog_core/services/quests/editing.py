"""Moved to :mod:`questlog_core.quests.use_cases.editing`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.ids import EventId as EventId
from questlog_core.quests.events import DependencyRemoved as DependencyRemoved
from questlog_core.quests.model.quest import Quest as Quest
from questlog_core.quests.model.status import QuestStatus as QuestStatus
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.use_cases.commands import MAX_BULK_QUESTS as MAX_BULK_QUESTS
from questlog_core.quests.use_cases.commands import UNSET as UNSET
from questlog_core.quests.use_cases.commands import CreateQuest as CreateQuest
from questlog_core.quests.use_cases.commands import CreateQuests as CreateQuests
from questlog_core.quests.use_cases.commands import DeleteQuest as DeleteQuest
from questlog_core.quests.use_cases.commands import UpdateQuest as UpdateQuest
from questlog_core.quests.use_cases.editing import create_quest as create_quest
from questlog_core.quests.use_cases.editing import create_quests as create_quests
from questlog_core.quests.use_cases.editing import delete_quest as delete_quest
from questlog_core.quests.use_cases.editing import update_quest as update_quest

__all__ = [
    "MAX_BULK_QUESTS",
    "UNSET",
    "create_quest",
    "create_quests",
    "delete_quest",
    "update_quest",
]
