"""Moved to :mod:`questlog_core.quests.use_cases.categories`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.ids import CategoryId as CategoryId
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.templates import Category as Category
from questlog_core.quests.use_cases.categories import create_category as create_category
from questlog_core.quests.use_cases.categories import delete_category as delete_category
from questlog_core.quests.use_cases.categories import get_category as get_category
from questlog_core.quests.use_cases.categories import list_categories as list_categories
from questlog_core.quests.use_cases.categories import update_category as update_category
from questlog_core.quests.use_cases.commands import CreateCategory as CreateCategory
from questlog_core.quests.use_cases.commands import DeleteCategory as DeleteCategory
from questlog_core.quests.use_cases.commands import GetCategory as GetCategory
from questlog_core.quests.use_cases.commands import ListCategories as ListCategories
from questlog_core.quests.use_cases.commands import UpdateCategory as UpdateCategory

__all__ = [
    "create_category",
    "delete_category",
    "get_category",
    "list_categories",
    "update_category",
]
