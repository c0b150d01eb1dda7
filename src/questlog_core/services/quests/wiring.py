"""Moved to :mod:`questlog_core.quests.use_cases.wiring`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.use_cases.categories import create_category as create_category
from questlog_core.quests.use_cases.categories import delete_category as delete_category
from questlog_core.quests.use_cases.categories import get_category as get_category
from questlog_core.quests.use_cases.categories import list_categories as list_categories
from questlog_core.quests.use_cases.categories import update_category as update_category
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
from questlog_core.quests.use_cases.dependencies import add_dependency as add_dependency
from questlog_core.quests.use_cases.dependencies import list_dependencies as list_dependencies
from questlog_core.quests.use_cases.dependencies import remove_dependency as remove_dependency
from questlog_core.quests.use_cases.editing import create_quest as create_quest
from questlog_core.quests.use_cases.editing import create_quests as create_quests
from questlog_core.quests.use_cases.editing import delete_quest as delete_quest
from questlog_core.quests.use_cases.editing import update_quest as update_quest
from questlog_core.quests.use_cases.lifecycle import abandon_quest as abandon_quest
from questlog_core.quests.use_cases.lifecycle import archive_quest as archive_quest
from questlog_core.quests.use_cases.lifecycle import complete_quest as complete_quest
from questlog_core.quests.use_cases.lifecycle import reopen_quest as reopen_quest
from questlog_core.quests.use_cases.lifecycle import start_quest as start_quest
from questlog_core.quests.use_cases.listing import get_quest as get_quest
from questlog_core.quests.use_cases.listing import list_quests as list_quests
from questlog_core.quests.use_cases.listing import plan_quests as plan_quests
from questlog_core.quests.use_cases.progress import set_progress as set_progress
from questlog_core.quests.use_cases.progress import tick_checklist_item as tick_checklist_item
from questlog_core.quests.use_cases.templates import create_template as create_template
from questlog_core.quests.use_cases.templates import delete_template as delete_template
from questlog_core.quests.use_cases.templates import get_template as get_template
from questlog_core.quests.use_cases.templates import instantiate_template as instantiate_template
from questlog_core.quests.use_cases.templates import list_templates as list_templates
from questlog_core.quests.use_cases.templates import update_template as update_template
from questlog_core.quests.use_cases.wiring import handlers as handlers

__all__ = [
    "handlers",
]
