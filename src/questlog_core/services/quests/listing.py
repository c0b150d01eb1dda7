"""Moved to :mod:`questlog_core.quests.use_cases.listing`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.quests.dependencies import DependencyGraph as DependencyGraph
from questlog_core.quests.model import OPEN_STATUSES as OPEN_STATUSES
from questlog_core.quests.model.quest import Quest as Quest
from questlog_core.quests.model.status import QuestStatus as QuestStatus
from questlog_core.quests.ports import MAX_PAGE_SIZE as MAX_PAGE_SIZE
from questlog_core.quests.ports import TEXT_QUERY_MAX_LENGTH as TEXT_QUERY_MAX_LENGTH
from questlog_core.quests.ports import Page as Page
from questlog_core.quests.ports import QuestQuery as QuestQuery
from questlog_core.quests.ports import QuestSort as QuestSort
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.use_cases.commands import GetQuest as GetQuest
from questlog_core.quests.use_cases.commands import ListQuests as ListQuests
from questlog_core.quests.use_cases.commands import PlanQuests as PlanQuests
from questlog_core.quests.use_cases.listing import get_quest as get_quest
from questlog_core.quests.use_cases.listing import list_quests as list_quests
from questlog_core.quests.use_cases.listing import plan_quests as plan_quests
from questlog_core.quests.use_cases.results import QuestPlan as QuestPlan

__all__ = [
    "MAX_PAGE_SIZE",
    "OPEN_STATUSES",
    "TEXT_QUERY_MAX_LENGTH",
    "get_quest",
    "list_quests",
    "plan_quests",
]
