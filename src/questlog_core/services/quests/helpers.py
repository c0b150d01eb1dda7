"""Moved to :mod:`questlog_core.quests.use_cases.helpers`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.errors import QuestNotFound as QuestNotFound
from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import ConcurrencyConflict as ConcurrencyConflict
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.ids import EventId as EventId
from questlog_core.kernel.ids import QuestId as QuestId
from questlog_core.kernel.ids import UserId as UserId
from questlog_core.quests.dependencies import DependencyGraph as DependencyGraph
from questlog_core.quests.events import DependencyAdded as DependencyAdded
from questlog_core.quests.model.quest import Quest as Quest
from questlog_core.quests.model.status import QuestStatus as QuestStatus
from questlog_core.quests.ports import MAX_PAGE_SIZE as MAX_PAGE_SIZE
from questlog_core.quests.ports import QuestQuery as QuestQuery
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.use_cases.commands import MAX_PARENT_DEPTH as MAX_PARENT_DEPTH
from questlog_core.quests.use_cases.commands import CreateQuest as CreateQuest

__all__ = [
    "MAX_PAGE_SIZE",
    "MAX_PARENT_DEPTH",
]
