"""Moved to :mod:`questlog_core.quests.events`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.events import DomainEvent as DomainEvent
from questlog_core.kernel.events import register as register
from questlog_core.kernel.ids import CategoryId as CategoryId
from questlog_core.kernel.ids import QuestId as QuestId
from questlog_core.kernel.ids import TemplateId as TemplateId
from questlog_core.quests.events import AttachmentsDiscarded as AttachmentsDiscarded
from questlog_core.quests.events import CategoryCreated as CategoryCreated
from questlog_core.quests.events import DependencyAdded as DependencyAdded
from questlog_core.quests.events import DependencyRemoved as DependencyRemoved
from questlog_core.quests.events import QuestAbandoned as QuestAbandoned
from questlog_core.quests.events import QuestArchived as QuestArchived
from questlog_core.quests.events import QuestCompleted as QuestCompleted
from questlog_core.quests.events import QuestCreated as QuestCreated
from questlog_core.quests.events import QuestDeleted as QuestDeleted
from questlog_core.quests.events import QuestFacts as QuestFacts
from questlog_core.quests.events import QuestProgressed as QuestProgressed
from questlog_core.quests.events import QuestReopened as QuestReopened
from questlog_core.quests.events import QuestStarted as QuestStarted
from questlog_core.quests.events import QuestUpdated as QuestUpdated
from questlog_core.quests.events import TemplateCreated as TemplateCreated
from questlog_core.quests.events import TemplateInstantiated as TemplateInstantiated

__all__ = [
    "AttachmentsDiscarded",
    "CategoryCreated",
    "DependencyAdded",
    "DependencyRemoved",
    "QuestAbandoned",
    "QuestArchived",
    "QuestCompleted",
    "QuestCreated",
    "QuestDeleted",
    "QuestFacts",
    "QuestProgressed",
    "QuestReopened",
    "QuestStarted",
    "QuestUpdated",
    "TemplateCreated",
    "TemplateInstantiated",
]
