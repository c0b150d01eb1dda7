"""Moved to :mod:`questlog_core.quests.use_cases.dependencies`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.errors import QuestLocked as QuestLocked
from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import NotFound as NotFound
from questlog_core.kernel.ids import EventId as EventId
from questlog_core.quests.events import DependencyRemoved as DependencyRemoved
from questlog_core.quests.model.status import QuestStatus as QuestStatus
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.use_cases.commands import AddDependency as AddDependency
from questlog_core.quests.use_cases.commands import ListDependencies as ListDependencies
from questlog_core.quests.use_cases.commands import RemoveDependency as RemoveDependency
from questlog_core.quests.use_cases.dependencies import add_dependency as add_dependency
from questlog_core.quests.use_cases.dependencies import list_dependencies as list_dependencies
from questlog_core.quests.use_cases.dependencies import remove_dependency as remove_dependency
from questlog_core.quests.use_cases.results import DependencyView as DependencyView

__all__ = [
    "add_dependency",
    "list_dependencies",
    "remove_dependency",
]
