"""Quest commands and queries: what a caller may ask of the quest use cases, owner included."""

from __future__ import annotations

from datetime import datetime

import msgspec

from questlog_core.kernel.ids import CategoryId, QuestId, TemplateId, UserId
from questlog_core.quests.ports import DEFAULT_PAGE_SIZE
from questlog_core.quests.recurrence import Recurrence
from questlog_core.quests.templates import TemplateStep

MAX_PARENT_DEPTH = 32
"""How deep sub-quests may nest."""

MAX_BULK_QUESTS = 100
"""How many quests one bulk create may hold."""

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class CreateQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    title: str
    notes: str = ""
    category: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: str = "medium"
    priority: int = 0
    due: datetime | None = None
    estimate_minutes: int | None = None
    recurrence: Recurrence | None = None
    parent_id: QuestId | None = None
    checklist: tuple[str, ...] = ()


class CreateQuests(msgspec.Struct, frozen=True, kw_only=True):
    """Several quests of one owner, created all or nothing (at most :data:`MAX_BULK_QUESTS`)."""

    owner: UserId
    quests: tuple[CreateQuest, ...]


class GetQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class ListQuests(msgspec.Struct, frozen=True, kw_only=True):
    """Filters as in :class:`~questlog_core.quests.ports.QuestQuery`; ``status=()`` lists
    everything but archived quests."""

    owner: UserId
    status: tuple[str, ...] = ()
    category: str | None = None
    tag: str | None = None
    due_after: datetime | None = None
    due_before: datetime | None = None
    blocked: bool | None = None
    text: str | None = None
    parent_id: QuestId | None = None
    sort: str = "created"
    descending: bool = False
    cursor: str | None = None
    limit: int = DEFAULT_PAGE_SIZE


class UpdateQuest(msgspec.Struct, frozen=True, kw_only=True):
    """Fields left ``UNSET`` stay as they are; ``None`` clears an optional field."""

    owner: UserId
    quest_id: QuestId
    expected_version: int
    title: str | Unset = UNSET
    notes: str | Unset = UNSET
    category: str | Unset | None = UNSET
    tags: tuple[str, ...] | Unset = UNSET
    difficulty: str | Unset = UNSET
    priority: int | Unset = UNSET
    due: datetime | Unset | None = UNSET
    estimate_minutes: int | Unset | None = UNSET
    recurrence: Recurrence | Unset | None = UNSET
    parent_id: QuestId | Unset | None = UNSET
    checklist: tuple[str, ...] | Unset = UNSET


class DeleteQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    expected_version: int | None = None


class StartQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class CompleteQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    #: the owner's IANA time zone, carried on QuestCompleted for streaks
    owner_timezone: str = "UTC"


class ReopenQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class AbandonQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class ArchiveQuest(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class SetProgress(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    progress: int


class TickChecklistItem(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    index: int
    done: bool = True


class AddDependency(msgspec.Struct, frozen=True, kw_only=True):
    """``prerequisite_id`` must be finished before ``dependent_id`` can be completed."""

    owner: UserId
    prerequisite_id: QuestId
    dependent_id: QuestId


class RemoveDependency(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    prerequisite_id: QuestId
    dependent_id: QuestId


class ListDependencies(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class PlanQuests(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId


class CreateTemplate(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    name: str
    title_pattern: str
    notes: str = ""
    category: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: str = "medium"
    priority: int = 0
    estimate_minutes: int | None = None
    checklist: tuple[str, ...] = ()
    steps: tuple[TemplateStep, ...] = ()


class ListTemplates(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId


class GetTemplate(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    template_id: TemplateId


class UpdateTemplate(msgspec.Struct, frozen=True, kw_only=True):
    """Fields left ``UNSET`` stay as they are; ``None`` clears an optional field."""

    owner: UserId
    template_id: TemplateId
    name: str | Unset = UNSET
    title_pattern: str | Unset = UNSET
    notes: str | Unset = UNSET
    category: str | Unset | None = UNSET
    tags: tuple[str, ...] | Unset = UNSET
    difficulty: str | Unset = UNSET
    priority: int | Unset = UNSET
    estimate_minutes: int | Unset | None = UNSET
    checklist: tuple[str, ...] | Unset = UNSET
    steps: tuple[TemplateStep, ...] | Unset = UNSET


class DeleteTemplate(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    template_id: TemplateId


class InstantiateTemplate(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    template_id: TemplateId
    values: dict[str, str] = msgspec.field(default_factory=dict)
    due: datetime | None = None
    #: the owner's time zone, for the ``{date}`` placeholder
    timezone: str = "UTC"


class CreateCategory(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    name: str
    color: str | None = None


class ListCategories(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId


class GetCategory(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    category_id: CategoryId


class UpdateCategory(msgspec.Struct, frozen=True, kw_only=True):
    """Rename or recolour; ``color=None`` removes the colour."""

    owner: UserId
    category_id: CategoryId
    name: str | Unset = UNSET
    color: str | Unset | None = UNSET


class DeleteCategory(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    category_id: CategoryId
