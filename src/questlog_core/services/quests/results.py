"""Moved to :mod:`questlog_core.quests.use_cases.results`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.ids import QuestId as QuestId
from questlog_core.quests.model.quest import Quest as Quest
from questlog_core.quests.use_cases.results import Completion as Completion
from questlog_core.quests.use_cases.results import DependencyView as DependencyView
from questlog_core.quests.use_cases.results import Instantiation as Instantiation
from questlog_core.quests.use_cases.results import QuestPlan as QuestPlan

__all__ = [
    "Completion",
    "DependencyView",
    "Instantiation",
    "QuestPlan",
]
