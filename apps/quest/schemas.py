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

from apps.http.text import NOT_SPACE, SPACE
from questlog_core.moving.export import QuestData
from questlog_core.moving.use_cases import ImportReport
from questlog_core.quests.attachments import FILENAME_MAX_LENGTH, Attachment
from questlog_core.quests.model import (
    CATEGORY_MAX_LENGTH,
    CHECKLIST_MAX_ITEMS,
    CHECKLIST_TEXT_MAX_LENGTH,
    ESTIMATE_MAX_MINUTES,
    NOTES_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_MAX,
    TITLE_MAX_LENGTH,
    Quest,
    validate_difficulty,
)
from questlog_core.quests.model import Difficulty as DifficultyLevel
from questlog_core.quests.recurrence import Recurrence, RecurrenceMode
from questlog_core.quests.templates import Category, QuestTemplate, TemplateStep
from questlog_core.services.attachments import DEFAULT_MAX_ATTACHMENT_BYTES, Download, UploadGrant
from questlog_core.services.quests import (
    MAX_BULK_QUESTS,
    Completion,
    DependencyView,
    Instantiation,
    QuestPlan,
)

# The edge states every rule a JSON Schema can (sizes, patterns, ranges, closed sets) with the
# domain's own figures, so the OpenAPI document is the contract and msgspec refuses a breach
# with a 400; a rule it cannot state (a due date in the past, an RRULE, a time zone this server
# does not know, a placeholder without a value) is the domain's and answers 422 naming the field.
#: text with at least one character that is not a space (the domain trims, then requires one)
_NOT_BLANK = NOT_SPACE


def _name(max_length: int, description: str | None = None) -> msgspec.Meta:
    return msgspec.Meta(
        min_length=1, max_length=max_length, pattern=_NOT_BLANK, description=description
    )


Title = Annotated[str, _name(TITLE_MAX_LENGTH, "1-200 characters after trimming")]
Text = Title
LongText = Annotated[str, msgspec.Meta(max_length=NOTES_MAX_LENGTH)]
CategoryName = Annotated[str, _name(CATEGORY_MAX_LENGTH)]
_TAG = {
    "type": "string",
    "minLength": 1,
    "maxLength": TAG_MAX_LENGTH,
    "pattern": f"^{SPACE}*{NOT_SPACE}+{SPACE}*$",
}
Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=TAG_MAX_LENGTH, pattern=_TAG["pattern"])]
Tags = Annotated[
    list[Tag],
    msgspec.Meta(
        max_length=TAGS_MAX,
        description=f"at most {TAGS_MAX} tags of 1-{TAG_MAX_LENGTH} characters without spaces",
        extra_json_schema={"extra": {"items": _TAG}},
    ),
]
_ITEM = {
    "type": "string",
    "minLength": 1,
    "maxLength": CHECKLIST_TEXT_MAX_LENGTH,
    "pattern": _NOT_BLANK,
}
ChecklistText = Annotated[str, _name(CHECKLIST_TEXT_MAX_LENGTH)]
Checklist = Annotated[
    list[ChecklistText],
    msgspec.Meta(max_length=CHECKLIST_MAX_ITEMS, extra_json_schema={"extra": {"items": _ITEM}}),
]
Difficulty = Annotated[
    str,
    msgspec.Meta(
        max_length=32,
        description="trivial, easy, medium, hard or epic",
        examples=["medium"],
        extra_json_schema={"extra": {"enum": [d.value for d in DifficultyLevel]}},
    ),
]
Priority = Annotated[
    int, msgspec.Meta(ge=0, le=4, description="0 none, 1 low, 2 medium, 3 high, 4 critical")
]
Estimate = Annotated[
    int, msgspec.Meta(ge=0, le=ESTIMATE_MAX_MINUTES, description="whole minutes, up to a year")
]
TimeZone = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=64, description="an IANA time zone name, e.g. Europe/Berlin"
    ),
]


# -- quests ---------------------------------------------------------------------------------


class RecurrenceIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An RFC 5545 RRULE (without DTSTART) evaluated in ``timezone``."""

    rule: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=500,
            pattern=r"FREQ=",
            examples=["FREQ=WEEKLY;BYDAY=MO"],
            description="RRULE parts separated by ';', FREQ required (RFC 5545)",
        ),
    ]
    timezone: TimeZone = "UTC"
    mode: Literal["schedule", "after_completion"] = "schedule"

    def to_domain(self) -> Recurrence:
        """The domain value (``ValidationFailed`` → 422 for a bad rule or zone)."""
        return Recurrence(rule=self.rule, timezone=self.timezone, mode=RecurrenceMode(self.mode))


class QuestIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A new quest. Only ``title`` is required."""

    title: Title
    notes: LongText = ""
    category: CategoryName | None = None
    tags: Tags = msgspec.field(default_factory=list)
    difficulty: Difficulty = "medium"
    priority: Priority = 0
    due: datetime | None = None
    estimate_minutes: Estimate | None = None
    recurrence: RecurrenceIn | None = None
    parent_id: UUID | None = None
    checklist: Checklist = msgspec.field(default_factory=list)


class QuestPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Fields to change; absent fields stay, ``null`` clears an optional one."""

    title: Title | UnsetType = UNSET
    notes: LongText | UnsetType = UNSET
    category: CategoryName | UnsetType | None = UNSET
    tags: Tags | UnsetType = UNSET
    difficulty: Difficulty | UnsetType = UNSET
    priority: Priority | UnsetType = UNSET
    due: datetime | UnsetType | None = UNSET
    estimate_minutes: Estimate | UnsetType | None = UNSET
    recurrence: RecurrenceIn | UnsetType | None = UNSET
    parent_id: UUID | UnsetType | None = UNSET
    checklist: Checklist | UnsetType = UNSET


class BulkQuestsIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Up to 100 quests created together: all of them or none."""

    quests: Annotated[list[QuestIn], msgspec.Meta(min_length=1, max_length=MAX_BULK_QUESTS)]


class ProgressIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    progress: Annotated[int, msgspec.Meta(ge=0, le=100, description="percent done")]


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

    title_pattern: Title
    difficulty: Difficulty | None = None
    estimate_minutes: Estimate | None = None
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
    name: Title
    title_pattern: Title
    notes: LongText = ""
    category: CategoryName | None = None
    tags: Tags = msgspec.field(default_factory=list)
    difficulty: Difficulty = "medium"
    priority: Priority = 0
    estimate_minutes: Estimate | None = None
    checklist: Checklist = msgspec.field(default_factory=list)
    steps: Steps = msgspec.field(default_factory=list)


class TemplatePatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Title | UnsetType = UNSET
    title_pattern: Title | UnsetType = UNSET
    notes: LongText | UnsetType = UNSET
    category: CategoryName | UnsetType | None = UNSET
    tags: Tags | UnsetType = UNSET
    difficulty: Difficulty | UnsetType = UNSET
    priority: Priority | UnsetType = UNSET
    estimate_minutes: Estimate | UnsetType | None = UNSET
    checklist: Checklist | UnsetType = UNSET
    steps: Steps | UnsetType = UNSET


class InstantiateIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Values for the template's placeholders; ``{date}`` defaults to today in ``timezone``
    (default: the ``X-Timezone`` header, else UTC)."""

    values: Annotated[dict[str, LongText], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=dict
    )
    due: datetime | None = None
    timezone: TimeZone | None = None


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

Color = Annotated[str, msgspec.Meta(pattern="^#[0-9a-fA-F]{6}$", examples=["#1e90ff"])]


class CategoryIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: CategoryName
    color: Color | None = None


class CategoryPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: CategoryName | UnsetType = UNSET
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


_MEDIA_TYPE = r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$"


class UploadUrlIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Ask for a presigned upload of at most ``size`` bytes."""

    filename: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=FILENAME_MAX_LENGTH,
            pattern=r"^[^/\\\x00-\x1f\x7f]*[^/\\\s\x00-\x1f\x7f.][^/\\\x00-\x1f\x7f]*$",
            description="a file name: no '/', '\\' or control characters",
        ),
    ]
    content_type: Annotated[
        str, msgspec.Meta(max_length=255, pattern=_MEDIA_TYPE, examples=["image/png"])
    ]
    size: Annotated[
        int,
        msgspec.Meta(
            ge=1,
            le=DEFAULT_MAX_ATTACHMENT_BYTES,
            description="the most bytes that will be sent (413 over the storage's limit)",
        ),
    ]


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


# -- moving in and out ------------------------------------------------------------------------


class UnmappedOut(msgspec.Struct, frozen=True, kw_only=True):
    """Something of one source record that did not come over: ``field`` empty means the
    whole record was left out."""

    record: str
    field: str
    reason: str


class ImportReportOut(msgspec.Struct, frozen=True, kw_only=True):
    """What an import did. ``skipped`` records were imported before (importing again creates
    nothing new); ``failed_batches`` were rolled back and their records are in ``unmapped``."""

    source: str
    records: int
    created: int
    skipped: int
    edges_created: int
    edges_skipped: int
    failed_batches: int
    unmapped: list[UnmappedOut]

    @classmethod
    def from_domain(cls, report: ImportReport) -> ImportReportOut:
        return cls(
            source=report.source,
            records=report.records,
            created=report.created,
            skipped=report.skipped,
            edges_created=report.edges_created,
            edges_skipped=report.edges_skipped,
            failed_batches=report.failed_batches,
            unmapped=[
                UnmappedOut(record=u.record, field=u.field, reason=u.reason)
                for u in report.unmapped
            ],
        )


class EdgeOut(msgspec.Struct, frozen=True, kw_only=True):
    """A dependency: ``prerequisite_id`` must be finished before ``dependent_id``."""

    prerequisite_id: UUID
    dependent_id: UUID


#: the ``format`` of the quest service's part of a data export
QUEST_EXPORT_FORMAT = "questlog.quests.export.v1"


class QuestExportOut(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the quest service keeps of the caller (``format`` names this shape)."""

    format: str
    exported_at: datetime
    quests: list[QuestOut]
    dependencies: list[EdgeOut]
    templates: list[TemplateOut]
    categories: list[CategoryOut]
    attachments: list[AttachmentOut]

    @classmethod
    def from_domain(cls, data: QuestData, at: datetime) -> QuestExportOut:
        return cls(
            format=QUEST_EXPORT_FORMAT,
            exported_at=at,
            quests=[QuestOut.from_domain(q) for q in data.quests],
            dependencies=[EdgeOut(prerequisite_id=a, dependent_id=b) for a, b in data.edges],
            templates=[TemplateOut.from_domain(t) for t in data.templates],
            categories=[CategoryOut.from_domain(c) for c in data.categories],
            attachments=[AttachmentOut.from_domain(a) for a in data.attachments],
        )
