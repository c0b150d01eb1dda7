"""Events raised by quests, their dependencies and templates."""

from __future__ import annotations

from datetime import datetime

import msgspec

from questlog_core.kernel.events import DomainEvent, register
from questlog_core.kernel.ids import AttachmentId, CategoryId, QuestId, TemplateId


class QuestFacts(msgspec.Struct, frozen=True, kw_only=True):
    """The fields of a quest other services plan with (the AI service's read model)."""

    title: str
    difficulty: str
    priority: int = 0
    category: str | None = None
    tags: tuple[str, ...] = ()
    due: datetime | None = None
    estimate_minutes: int | None = None
    #: the quest's free-text notes (added after v1 was published: optional, so events written
    #: before it still decode, with empty notes)
    notes: str = ""


@register
class QuestCreated(DomainEvent, frozen=True, kw_only=True, tag="quest.created.v1"):
    quest_id: QuestId
    title: str
    difficulty: str
    category: str | None = None
    due: datetime | None = None
    parent_id: QuestId | None = None
    template_id: TemplateId | None = None
    #: the series (first occurrence's id) when this is a later occurrence of a recurring quest
    recurrence_of: QuestId | None = None
    #: 0 for a one-off quest, n for the n-th occurrence of a recurring series
    occurrence: int = 0
    #: the quest's user priority (0 none .. 4 critical), tags and estimate when it was created
    priority: int = 0
    tags: tuple[str, ...] = ()
    estimate_minutes: int | None = None
    #: the quest's free-text notes (added after v1 was published: optional, so events written
    #: before it still decode, with empty notes)
    notes: str = ""


@register
class QuestCompleted(DomainEvent, frozen=True, kw_only=True, tag="quest.completed.v1"):
    """A quest was completed. Gamification awards XP from exactly these facts.

    ``on_time`` is true when the quest had no due date or was completed at or before it; look
    at ``due`` to tell the two apart.
    """

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
    #: the recurring series this occurrence belongs to (``None`` for a one-off)
    series_id: QuestId | None = None
    #: the quest's version when it was completed: orders this completion against the quest's
    #: reopens, which a consumer may receive in any order (``None`` from older producers)
    quest_version: int | None = None


@register
class QuestReopened(DomainEvent, frozen=True, kw_only=True, tag="quest.reopened.v1"):
    """A done quest was reopened; gamification reverses exactly what the completion awarded."""

    quest_id: QuestId
    occurrence: int
    reopened_at: datetime
    #: "done" (rewards are reversed) or "abandoned" (nothing was awarded)
    previous_status: str = "done"
    #: the quest's version when it was reopened: the reopen undid every completion of this
    #: occurrence with a lower version (``None`` from older producers: times decide)
    quest_version: int | None = None


@register
class QuestUpdated(DomainEvent, frozen=True, kw_only=True, tag="quest.updated.v1"):
    """Fields of a quest were edited; ``changes`` names them, ``after`` holds the quest's
    plannable fields as they are after the edit (so a read model can follow without asking)."""

    quest_id: QuestId
    changes: tuple[str, ...]
    after: QuestFacts | None = None


@register
class QuestStarted(DomainEvent, frozen=True, kw_only=True, tag="quest.started.v1"):
    """A quest went from todo to active."""

    quest_id: QuestId


@register
class QuestAbandoned(DomainEvent, frozen=True, kw_only=True, tag="quest.abandoned.v1"):
    """The player gave up on a quest; it no longer blocks its dependents."""

    quest_id: QuestId


@register
class QuestArchived(DomainEvent, frozen=True, kw_only=True, tag="quest.archived.v1"):
    """A quest was archived (read-only from now on)."""

    quest_id: QuestId
    previous_status: str


@register
class QuestDeleted(DomainEvent, frozen=True, kw_only=True, tag="quest.deleted.v1"):
    """A quest was deleted, with its dependency edges."""

    quest_id: QuestId
    status: str


@register
class QuestProgressed(DomainEvent, frozen=True, kw_only=True, tag="quest.progressed.v1"):
    """A quest's progress changed.

    ``ready_to_complete`` is true when an open quest reached 100%: progress never completes a
    quest by itself, so this is the cue to offer completing it.
    """

    quest_id: QuestId
    progress: int
    #: "manual", "checklist" or "children"
    source: str
    ready_to_complete: bool = False


@register
class DependencyAdded(DomainEvent, frozen=True, kw_only=True, tag="quest.dependency_added.v1"):
    """``prerequisite_id`` must now be finished before ``dependent_id`` can be completed."""

    prerequisite_id: QuestId
    dependent_id: QuestId


@register
class DependencyRemoved(DomainEvent, frozen=True, kw_only=True, tag="quest.dependency_removed.v1"):
    """A dependency edge was removed."""

    prerequisite_id: QuestId
    dependent_id: QuestId


@register
class TemplateCreated(DomainEvent, frozen=True, kw_only=True, tag="quest.template_created.v1"):
    """A quest template was saved."""

    template_id: TemplateId
    name: str


@register
class TemplateInstantiated(
    DomainEvent, frozen=True, kw_only=True, tag="quest.template_instantiated.v1"
):
    """A template became real quests: ``root_id`` and its steps ``step_ids`` (in order)."""

    template_id: TemplateId
    root_id: QuestId
    step_ids: tuple[QuestId, ...] = ()


@register
class CategoryCreated(DomainEvent, frozen=True, kw_only=True, tag="quest.category_created.v1"):
    """A category was created."""

    category_id: CategoryId
    name: str


@register
class AttachmentsDiscarded(
    DomainEvent, frozen=True, kw_only=True, tag="quest.attachments_discarded.v1"
):
    """A deleted quest's attachments were forgotten with it; their files are removed from
    storage after the commit, by the subscriber of this event."""

    quest_id: QuestId
    attachment_ids: tuple[AttachmentId, ...]
