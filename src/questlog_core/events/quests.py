"""Events raised by quests, their dependencies and templates."""

from __future__ import annotations

from datetime import datetime

from questlog_core.events import DomainEvent, register
from questlog_core.ids import QuestId, TemplateId


@register
class QuestCreated(DomainEvent, frozen=True, kw_only=True, tag="quest.created.v1"):
    quest_id: QuestId
    title: str
    difficulty: str
    category: str | None = None
    due: datetime | None = None
    parent_id: QuestId | None = None
    template_id: TemplateId | None = None
    recurrence_of: QuestId | None = None


@register
class QuestCompleted(DomainEvent, frozen=True, kw_only=True, tag="quest.completed.v1"):
    """A quest was completed. Gamification awards XP from exactly these facts."""

    quest_id: QuestId
    #: which occurrence of a recurring quest (0 for a one-off); with quest_id, the award key
    occurrence: int
    difficulty: str
    priority: int
    due: datetime | None
    completed_at: datetime
    created_at: datetime
    on_time: bool
    owner_timezone: str
    #: how many open quests this one was a prerequisite of when it was completed
    unblocked_count: int = 0
    #: length of the chain of completed prerequisites ending at this quest (1 = no chain)
    chain_length: int = 1
    category: str | None = None
    tags: tuple[str, ...] = ()


@register
class QuestReopened(DomainEvent, frozen=True, kw_only=True, tag="quest.reopened.v1"):
    """A done quest was reopened; gamification reverses exactly what the completion awarded."""

    quest_id: QuestId
    occurrence: int
    reopened_at: datetime
