"""Moved to :mod:`questlog_core.quests.use_cases.commands`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.ids import CategoryId as CategoryId
from questlog_core.kernel.ids import QuestId as QuestId
from questlog_core.kernel.ids import TemplateId as TemplateId
from questlog_core.kernel.ids import UserId as UserId
from questlog_core.quests.ports import DEFAULT_PAGE_SIZE as DEFAULT_PAGE_SIZE
from questlog_core.quests.recurrence import Recurrence as Recurrence
from questlog_core.quests.templates import TemplateStep as TemplateStep
from questlog_core.quests.use_cases.commands import MAX_BULK_QUESTS as MAX_BULK_QUESTS
from questlog_core.quests.use_cases.commands import MAX_PARENT_DEPTH as MAX_PARENT_DEPTH
from questlog_core.quests.use_cases.commands import UNSET as UNSET
from questlog_core.quests.use_cases.commands import AbandonQuest as AbandonQuest
from questlog_core.quests.use_cases.commands import AddDependency as AddDependency
from questlog_core.quests.use_cases.commands import ArchiveQuest as ArchiveQuest
from questlog_core.quests.use_cases.commands import CompleteQuest as CompleteQuest
from questlog_core.quests.use_cases.commands import CreateCategory as CreateCategory
from questlog_core.quests.use_cases.commands import CreateQuest as CreateQuest
from questlog_core.quests.use_cases.commands import CreateQuests as CreateQuests
from questlog_core.quests.use_cases.commands import CreateTemplate as CreateTemplate
from questlog_core.quests.use_cases.commands import DeleteCategory as DeleteCategory
from questlog_core.quests.use_cases.commands import DeleteQuest as DeleteQuest
from questlog_core.quests.use_cases.commands import DeleteTemplate as DeleteTemplate
from questlog_core.quests.use_cases.commands import GetCategory as GetCategory
from questlog_core.quests.use_cases.commands import GetQuest as GetQuest
from questlog_core.quests.use_cases.commands import GetTemplate as GetTemplate
from questlog_core.quests.use_cases.commands import InstantiateTemplate as InstantiateTemplate
from questlog_core.quests.use_cases.commands import ListCategories as ListCategories
from questlog_core.quests.use_cases.commands import ListDependencies as ListDependencies
from questlog_core.quests.use_cases.commands import ListQuests as ListQuests
from questlog_core.quests.use_cases.commands import ListTemplates as ListTemplates
from questlog_core.quests.use_cases.commands import PlanQuests as PlanQuests
from questlog_core.quests.use_cases.commands import RemoveDependency as RemoveDependency
from questlog_core.quests.use_cases.commands import ReopenQuest as ReopenQuest
from questlog_core.quests.use_cases.commands import SetProgress as SetProgress
from questlog_core.quests.use_cases.commands import StartQuest as StartQuest
from questlog_core.quests.use_cases.commands import TickChecklistItem as TickChecklistItem
from questlog_core.quests.use_cases.commands import UpdateCategory as UpdateCategory
from questlog_core.quests.use_cases.commands import UpdateQuest as UpdateQuest
from questlog_core.quests.use_cases.commands import UpdateTemplate as UpdateTemplate

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_BULK_QUESTS",
    "MAX_PARENT_DEPTH",
    "UNSET",
    "AbandonQuest",
    "AddDependency",
    "ArchiveQuest",
    "CompleteQuest",
    "CreateCategory",
    "CreateQuest",
    "CreateQuests",
    "CreateTemplate",
    "DeleteCategory",
    "DeleteQuest",
    "DeleteTemplate",
    "GetCategory",
    "GetQuest",
    "GetTemplate",
    "InstantiateTemplate",
    "ListCategories",
    "ListDependencies",
    "ListQuests",
    "ListTemplates",
    "PlanQuests",
    "RemoveDependency",
    "ReopenQuest",
    "SetProgress",
    "StartQuest",
    "TickChecklistItem",
    "UpdateCategory",
    "UpdateQuest",
    "UpdateTemplate",
]
