"""Moved to :mod:`questlog_core.quests.use_cases.lifecycle`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.quests.model import OPEN_STATUSES as OPEN_STATUSES
from questlog_core.quests.model import REOPEN_WINDOW as REOPEN_WINDOW
from questlog_core.quests.model.quest import Quest as Quest
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.use_cases.commands import AbandonQuest as AbandonQuest
from questlog_core.quests.use_cases.commands import ArchiveQuest as ArchiveQuest
from questlog_core.quests.use_cases.commands import CompleteQuest as CompleteQuest
from questlog_core.quests.use_cases.commands import ReopenQuest as ReopenQuest
from questlog_core.quests.use_cases.commands import StartQuest as StartQuest
from questlog_core.quests.use_cases.lifecycle import abandon_quest as abandon_quest
from questlog_core.quests.use_cases.lifecycle import archive_quest as archive_quest
from questlog_core.quests.use_cases.lifecycle import complete_quest as complete_quest
from questlog_core.quests.use_cases.lifecycle import reopen_quest as reopen_quest
from questlog_core.quests.use_cases.lifecycle import start_quest as start_quest
from questlog_core.quests.use_cases.results import Completion as Completion

__all__ = [
    "OPEN_STATUSES",
    "REOPEN_WINDOW",
    "abandon_quest",
    "archive_quest",
    "complete_quest",
    "reopen_quest",
    "start_quest",
]
