"""Request and response bodies of the quest service.

Requests refuse unknown fields (``forbid_unknown_fields``): a client can never set what it
should not (no ``owner``, ``status`` or ``version`` in a create or an update; those change only
through their own endpoints). The edge bounds sizes so a huge value cannot reach the domain;
the *rules* (title length, known difficulty, due date with a time zone, ...) are the domain's
and break with a 422 naming the field. Responses are built from the domain objects by
``from_domain``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, UnsetType

from questlog_core.quests.attachments import Attachment
from questlog_core.quests.model import Quest, validate_difficulty
from questlog_core.quests.recurrence import Recurrence, RecurrenceMode
from questlog_core.quests.templates import Category, QuestTemplate, TemplateStep
from questlog_core.services.attachments import Download, UploadGrant
from questlog_core.services.quests import (
    Completion,
    DependencyView,
    Instantiation,
    QuestPlan,
)

# Generous bounds: the domain's own limits are lower and answer with a clear 422.
Text = Annotated[str, msgspec.Meta(max_length=1_000)]
LongText = Annotated[str, msgspec.Meta(max_length=20_000)]
Tags = Annotated[list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=100)]
Checklist = Annotated[list[Text], msgspec.Meta(max_length=500)]
Difficulty = Annotated[
    str,
    msgspec.Meta(
        max_length=32, description="trivial, easy, medium, hard or epic", examples=["medium"]
    ),
]
Priority = Annotated[int, msgspec.Meta(description="0 none, 1 low, 2 medium, 3 high, 4 critical")]


# -- quests ---------------------------------------------------------------------------------


class RecurrenceIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An RFC 5545 RRULE (without DTSTART) evaluated in ``timezone``."""

    rule: Annotated[str, msgspec.Meta(max_length=500, examples=["FREQ=WEEKLY;BYDAY=MO"])]
    timezone: Annotated[str, msgspec.Meta(max_length=64)] = "UTC"
    mode: Literal["schedule", "after_completion"] = "schedule"

    def to_domain(self) -> Recurrence:
        """The domain value (``ValidationFailed`` → 422 for a bad rule or zone)."""
        return Recurrence(rule=self.rule, timezone=self.timezone, mode=RecurrenceMode(self.mode))


class QuestIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A new quest. Only ``title`` is required."""

    title: Text
    notes: LongText = ""
    category: Text | None = None
    tags: Tags = msgspec.field(default_factory=list)
    difficulty: Difficulty = "medium"
    priority: Priority = 0
    due: datetime | None = None
    estimate_minutes: int | None = None
    recurrence: RecurrenceIn | None = None
    parent_id: UUID | None = None
    checklist: Checklist = msgspec.field(default_factory=list)


class QuestPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Fields to change; absent fields stay, ``null`` clears an optional one."""

    title: Text | UnsetType = UNSET
    notes: LongText | UnsetType = UNSET
    category: Text | UnsetType | None = UNSET
    tags: Tags | UnsetType = UNSET
    difficulty: Difficulty | UnsetType = UNSET
    priority: Priority | UnsetType = UNSET
    due: datetime | UnsetType | None = UNSET
    estimate_minutes: int | UnsetType | None = UNSET
    recurrence: RecurrenceIn | UnsetType | None = UNSET
    parent_id: UUID | UnsetType | None = UNSET
    checklist: Checklist | UnsetType = UNSET


class BulkQuestsIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Up to 100 quests created together: all of them or none."""

    quests: Annotated[list[QuestIn], msgspec.Meta(max_length=1_000)]


class ProgressIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    progress: Annotated[int, msgspec.Meta(description="0..100")]


class ChecklistTickIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    done: bool = True


class DependencyIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Make ``prerequisite_id`` a prerequisite of the quest in the path."""

    prerequisite_id: UUID


class RecurrenceOut(msgspec.Struct, frozen=True, kw_only=True):
    rule: str
    timezone: str
    mode: str


class ChecklistItemOut(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    done: bool


class QuestOut(msgspec.Struct, frozen=True, kw_only=True):
    """A quest as the API shows it; ``version`` is also its ETag (``"v<version>"``)."""

    id: UUID
    title: str
    notes: str
    category: str | None
    tags: list[str]
    difficulty: str
    priority: int
    due: datetime | None
    estimate_minutes: int | None
    recurrence: RecurrenceOut | None
    parent_id: UUID | None
    template_id: UUID | None
    progress: int
    checklist: list[ChecklistItemOut]
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    occurrence: int
    series_id: UUID | None

    @classmethod
    def from_domain(cls, quest: Quest) -> QuestOut:
        recurrence = quest.recurrence
        return cls(
            id=quest.id,
            title=quest.title,
            notes=quest.notes,
            category=quest.category,
            tags=list(quest.tags),
            difficulty=quest.difficulty.value,
            priority=int(quest.priority),
            due=quest.due,
            estimate_minutes=quest.estimate_minutes,
            recurrence=(
                None
                if recurrence is None
                else RecurrenceOut(
                    rule=recurrence.rule,
                    timezone=recurrence.timezone,
                    mode=recurrence.mode.value,
                )
            ),
            parent_id=quest.parent_id,
            template_id=quest.template_id,
            progress=quest.progress,
            checklist=[ChecklistItemOut(text=i.text, done=i.done) for i in quest.checklist],
            status=quest.status.value,
            version=quest.version,
            created_at=quest.created_at,
            updated_at=quest.updated_at,
            started_at=quest.started_at,
            completed_at=quest.completed_at,
            occurrence=quest.occurrence,
            series_id=quest.series_id,
        )


class QuestPageOut(msgspec.Struct, frozen=True, kw_only=True):
    """One page; pass ``next_cursor`` as ``cursor`` for the next (``null`` on the last)."""

    items: list[QuestOut]
    next_cursor: str | None


class BulkQuestsOut(msgspec.Struct, frozen=True, kw_only=True):
    items: list[QuestOut]


class CompletionOut(msgspec.Struct, frozen=True, kw_only=True):
    """The completed quest, the quests it unblocked and a recurring quest's next occurrence."""

    quest: QuestOut
    unblocked: list[UUID]
    next_occurrence: QuestOut | None

    @classmethod
    def from_domain(cls, completion: Completion) -> CompletionOut:
        following = completion.next_occurrence
        return cls(
            quest=QuestOut.from_domain(completion.quest),
            unblocked=list(completion.unblocked),
            next_occurrence=None if following is None else QuestOut.from_domain(following),
        )


class DependenciesOut(msgspec.Struct, frozen=True, kw_only=True):
    quest_id: UUID
    prerequisites: list[UUID]
    dependents: list[UUID]
    unfinished_prerequisites: list[UUID]
    blocked: bool

    @classmethod
    def from_domain(cls, view: DependencyView) -> DependenciesOut:
        return cls(
            quest_id=view.quest_id,
            prerequisites=list(view.prerequisites),
            dependents=list(view.dependents),
            unfinished_prerequisites=list(view.unfinished_prerequisites),
            blocked=view.blocked,
        )


class PlanOut(msgspec.Struct, frozen=True, kw_only=True):
    """Open quests in an order that respects every dependency, and the critical path."""

    order: list[QuestOut]
    blocked: list[UUID]
    critical_path: list[UUID]
    critical_minutes: float

    @classmethod
    def from_domain(cls, plan: QuestPlan) -> PlanOut:
        return cls(
            order=[QuestOut.from_domain(q) for q in plan.order],
            blocked=list(plan.blocked),
            critical_path=list(plan.critical_path),
            critical_minutes=plan.critical_minutes,
        )


# -- templates ------------------------------------------------------------------------------


class TemplateStepIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A sub-quest of a template. ``after``: indices of earlier steps it waits on (absent:
    the step just before; ``[]``: none)."""

    title_pattern: Text
    difficulty: Difficulty | None = None
    estimate_minutes: int | None = None
    checklist: Checklist = msgspec.field(default_factory=list)
    after: Annotated[list[int], msgspec.Meta(max_length=100)] | None = None

    def to_domain(self) -> TemplateStep:
        return TemplateStep(
            title_pattern=self.title_pattern,
            difficulty=None if self.difficulty is None else validate_difficulty(self.difficulty),
            estimate_minutes=self.estimate_minutes,
            checklist=tuple(self.checklist),
            after=None if self.after is None else tuple(self.after),
        )


Steps = Annotated[list[TemplateStepIn], msgspec.Meta(max_length=200)]


class TemplateIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text
    title_pattern: Text
    notes: LongText = ""
    category: Text | None = None
    tags: Tags = msgspec.field(default_factory=list)
    difficulty: Difficulty = "medium"
    priority: Priority = 0
    estimate_minutes: int | None = None
    checklist: Checklist = msgspec.field(default_factory=list)
    steps: Steps = msgspec.field(default_factory=list)


class TemplatePatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text | UnsetType = UNSET
    title_pattern: Text | UnsetType = UNSET
    notes: LongText | UnsetType = UNSET
    category: Text | UnsetType | None = UNSET
    tags: Tags | UnsetType = UNSET
    difficulty: Difficulty | UnsetType = UNSET
    priority: Priority | UnsetType = UNSET
    estimate_minutes: int | UnsetType | None = UNSET
    checklist: Checklist | UnsetType = UNSET
    steps: Steps | UnsetType = UNSET


class InstantiateIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Values for the template's placeholders; ``{date}`` defaults to today in ``timezone``
    (default: the ``X-Timezone`` header, else UTC)."""

    values: Annotated[dict[str, LongText], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=dict
    )
    due: datetime | None = None
    timezone: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class TemplateStepOut(msgspec.Struct, frozen=True, kw_only=True):
    title_pattern: str
    difficulty: str | None
    estimate_minutes: int | None
    checklist: list[str]
    after: list[int] | None


class TemplateOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    name: str
    title_pattern: str
    notes: str
    category: str | None
    tags: list[str]
    difficulty: str
    priority: int
    estimate_minutes: int | None
    checklist: list[str]
    steps: list[TemplateStepOut]
    placeholders: list[str]
    created_at: datetime

    @classmethod
    def from_domain(cls, template: QuestTemplate) -> TemplateOut:
        return cls(
            id=template.id,
            name=template.name,
            title_pattern=template.title_pattern,
            notes=template.notes,
            category=template.category,
            tags=list(template.tags),
            difficulty=template.difficulty.value,
            priority=int(template.priority),
            estimate_minutes=template.estimate_minutes,
            checklist=list(template.checklist),
            steps=[
                TemplateStepOut(
                    title_pattern=s.title_pattern,
                    difficulty=None if s.difficulty is None else s.difficulty.value,
                    estimate_minutes=s.estimate_minutes,
                    checklist=list(s.checklist),
                    after=None if s.after is None else list(s.after),
                )
                for s in template.steps
            ],
            placeholders=template.placeholders(),
            created_at=template.created_at,
        )


class InstantiationOut(msgspec.Struct, frozen=True, kw_only=True):
    root: QuestOut
    steps: list[QuestOut]

    @classmethod
    def from_domain(cls, made: Instantiation) -> InstantiationOut:
        return cls(
            root=QuestOut.from_domain(made.root),
            steps=[QuestOut.from_domain(q) for q in made.steps],
        )


# -- categories -----------------------------------------------------------------------------

Color = Annotated[str, msgspec.Meta(max_length=32, examples=["#1e90ff"])]


class CategoryIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text
    color: Color | None = None


class CategoryPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text | UnsetType = UNSET
    color: Color | UnsetType | None = UNSET


class CategoryOut(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    name: str
    color: str | None
    created_at: datetime

    @classmethod
    def from_domain(cls, category: Category) -> CategoryOut:
        return cls(
            id=category.id,
            name=category.name,
            color=category.color,
            created_at=category.created_at,
        )


# -- attachments ----------------------------------------------------------------------------


class UploadUrlIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Ask for a presigned upload of at most ``size`` bytes."""

    filename: Text
    content_type: Annotated[str, msgspec.Meta(max_length=255, examples=["image/png"])]
    size: int


class AttachmentOut(msgspec.Struct, frozen=True, kw_only=True):
    """``size`` is the declared limit while ``state`` is ``pending``, the real size once
    ``stored``."""

    id: UUID
    quest_id: UUID
    filename: str
    content_type: str
    size: int
    state: str
    created_at: datetime
    stored_at: datetime | None

    @classmethod
    def from_domain(cls, attachment: Attachment) -> AttachmentOut:
        return cls(
            id=attachment.id,
            quest_id=attachment.quest_id,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
            state=attachment.state.value,
            created_at=attachment.created_at,
            stored_at=attachment.stored_at,
        )


class UploadGrantOut(msgspec.Struct, frozen=True, kw_only=True):
    """Send the bytes with ``method`` to ``upload_url`` with ``headers``, then confirm."""

    attachment: AttachmentOut
    upload_url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime

    @classmethod
    def from_domain(cls, grant: UploadGrant) -> UploadGrantOut:
        return cls(
            attachment=AttachmentOut.from_domain(grant.attachment),
            upload_url=grant.url,
            method="PUT",
            headers={"Content-Type": grant.attachment.content_type},
            expires_at=grant.expires_at,
        )


class AttachmentDownloadOut(msgspec.Struct, frozen=True, kw_only=True):
    """The attachment and a short-lived download URL (``null`` while pending)."""

    attachment: AttachmentOut
    download_url: str | None
    expires_at: datetime | None

    @classmethod
    def from_domain(cls, download: Download) -> AttachmentDownloadOut:
        return cls(
            attachment=AttachmentOut.from_domain(download.attachment),
            download_url=download.url,
            expires_at=download.expires_at,
        )
