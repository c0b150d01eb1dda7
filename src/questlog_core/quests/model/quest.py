"""The Quest entity: creation, status changes, edits and progress, each recording a domain event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from questlog_core.errors import (
    InvalidTransition,
    QuestBlocked,
    QuestLocked,
    ValidationFailed,
)
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import EventId, QuestId, TemplateId, UserId
from questlog_core.ports.platform import IdFactory
from questlog_core.quests.events import (
    QuestAbandoned,
    QuestArchived,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestFacts,
    QuestProgressed,
    QuestReopened,
    QuestStarted,
    QuestUpdated,
)
from questlog_core.quests.model.checklist import ChecklistItem, ProgressSource, _checklist_progress
from questlog_core.quests.model.status import REOPEN_WINDOW, TRANSITIONS, QuestStatus
from questlog_core.quests.model.validation import (
    _validate_recurrence,
    validate_category,
    validate_checklist,
    validate_difficulty,
    validate_due,
    validate_estimate,
    validate_notes,
    validate_priority,
    validate_tags,
    validate_title,
)
from questlog_core.quests.model.values import Difficulty, Priority
from questlog_core.quests.recurrence import Recurrence


def _event_id(ids: IdFactory) -> EventId:
    return EventId(ids.new_id())


# -- the entity -----------------------------------------------------------------------------------

#: Fields :meth:`Quest.revise` may change, in the order changes are reported.
REVISABLE_FIELDS: Final = (
    "title",
    "notes",
    "category",
    "tags",
    "difficulty",
    "priority",
    "due",
    "estimate_minutes",
    "recurrence",
    "parent_id",
    "checklist",
)


@dataclass(slots=True, eq=False)
class Quest:
    """A quest. Create one with :meth:`create`; change it only through its methods.

    ``version`` is the optimistic-concurrency counter, advanced by the repository on each
    successful update. ``occurrence`` is 0 for a one-off quest and n for the n-th occurrence of
    a recurring series, whose first occurrence's id is ``series_id``.
    """

    id: QuestId
    owner: UserId
    title: str
    notes: str
    category: str | None
    tags: tuple[str, ...]
    difficulty: Difficulty
    priority: Priority
    due: datetime | None
    estimate_minutes: int | None
    recurrence: Recurrence | None
    parent_id: QuestId | None
    template_id: TemplateId | None
    progress: int
    checklist: list[ChecklistItem]
    status: QuestStatus
    version: int
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    completed_at: datetime | None = None
    occurrence: int = 0
    series_id: QuestId | None = None
    _events: list[DomainEvent] = field(default_factory=list, init=False, repr=False)

    # -- creation ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        *,
        id: QuestId,
        owner: UserId,
        title: object,
        at: datetime,
        ids: IdFactory,
        notes: object = "",
        category: object = None,
        tags: object = (),
        difficulty: object = Difficulty.MEDIUM,
        priority: object = Priority.NONE,
        due: object = None,
        estimate_minutes: object = None,
        recurrence: object = None,
        parent_id: QuestId | None = None,
        template_id: TemplateId | None = None,
        checklist: object = (),
        series_id: QuestId | None = None,
        occurrence: int | None = None,
    ) -> Quest:
        """A new todo quest, validated, with a ``QuestCreated`` event recorded.

        Raises:
            ValidationFailed: naming the first field that breaks a rule.
        """
        if parent_id is not None and parent_id == id:
            raise ValidationFailed("parent_id", "a quest cannot be its own parent")
        valid_due = validate_due(due, at)
        valid_recurrence = _validate_recurrence(recurrence, valid_due)
        items = validate_checklist(checklist)
        if valid_recurrence is not None and occurrence is None:
            series_id, occurrence = id, 1
        quest = cls(
            id=id,
            owner=owner,
            title=validate_title(title),
            notes=validate_notes(notes),
            category=validate_category(category),
            tags=validate_tags(tags),
            difficulty=validate_difficulty(difficulty),
            priority=validate_priority(priority),
            due=valid_due,
            estimate_minutes=validate_estimate(estimate_minutes),
            recurrence=valid_recurrence,
            parent_id=parent_id,
            template_id=template_id,
            progress=_checklist_progress(items) if items else 0,
            checklist=items,
            status=QuestStatus.TODO,
            version=1,
            created_at=at,
            updated_at=at,
            occurrence=occurrence or 0,
            series_id=series_id,
        )
        quest._record(
            QuestCreated(
                event_id=_event_id(ids),
                occurred_at=at,
                owner=owner,
                quest_id=id,
                title=quest.title,
                difficulty=quest.difficulty.value,
                category=quest.category,
                due=quest.due,
                parent_id=parent_id,
                template_id=template_id,
                recurrence_of=series_id if quest.occurrence > 1 else None,
                occurrence=quest.occurrence,
                priority=int(quest.priority),
                tags=quest.tags,
                estimate_minutes=quest.estimate_minutes,
                notes=quest.notes,
            )
        )
        return quest

    def next_occurrence(self, *, id: QuestId, at: datetime, ids: IdFactory) -> Quest | None:
        """The next quest of this recurring series, or ``None`` when the series has ended.

        Call after :meth:`complete`; the new quest is todo with the checklist unticked.
        """
        if self.recurrence is None or self.completed_at is None:
            return None
        next_due = self.recurrence.next_due(
            due=self.due, completed_at=self.completed_at, occurrence=self.occurrence
        )
        if next_due is None:
            return None
        return Quest.create(
            id=id,
            owner=self.owner,
            title=self.title,
            at=at,
            ids=ids,
            notes=self.notes,
            category=self.category,
            tags=self.tags,
            difficulty=self.difficulty,
            priority=self.priority,
            due=next_due,
            estimate_minutes=self.estimate_minutes,
            recurrence=self.recurrence,
            parent_id=self.parent_id,
            template_id=self.template_id,
            checklist=[ChecklistItem(item.text) for item in self.checklist],
            series_id=self.series_id or self.id,
            occurrence=self.occurrence + 1,
        )

    # -- queries ----------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """Todo or active."""
        return self.status.is_open

    @property
    def is_finished(self) -> bool:
        """Done, abandoned or archived: no longer blocks dependents."""
        return self.status.is_finished

    @property
    def progress_source(self) -> ProgressSource:
        """Checklist when there is one, else manual (the use cases know about children)."""
        return ProgressSource.CHECKLIST if self.checklist else ProgressSource.MANUAL

    def is_overdue(self, at: datetime) -> bool:
        """Open and past its due date."""
        return self.is_open and self.due is not None and at > self.due

    def pull_events(self) -> list[DomainEvent]:
        """Hand over and forget the events recorded since the last pull."""
        events = list(self._events)
        self._events.clear()
        return events

    # -- status changes ---------------------------------------------------------------------

    def start(self, *, at: datetime, ids: IdFactory) -> None:
        """todo → active."""
        self._move(QuestStatus.ACTIVE, at)
        self.started_at = at
        self._record(
            QuestStarted(
                event_id=_event_id(ids), occurred_at=at, owner=self.owner, quest_id=self.id
            )
        )

    def complete(
        self,
        *,
        at: datetime,
        ids: IdFactory,
        unfinished_prerequisites: Sequence[QuestId] = (),
        owner_timezone: str = "UTC",
        unblocked_count: int = 0,
        chain_length: int = 1,
    ) -> QuestCompleted:
        """todo/active → done, unless prerequisites are still open.

        Raises:
            InvalidTransition: the quest is not open (completing twice is refused).
            QuestBlocked: listing the unfinished prerequisites.
        """
        self._check_move(QuestStatus.DONE)
        if unfinished_prerequisites:
            raise QuestBlocked(self.id, list(unfinished_prerequisites))
        self._move(QuestStatus.DONE, at)
        self.completed_at = at
        self.progress = 100
        event = QuestCompleted(
            event_id=_event_id(ids),
            occurred_at=at,
            owner=self.owner,
            quest_id=self.id,
            occurrence=self.occurrence,
            difficulty=self.difficulty.value,
            priority=int(self.priority),
            due=self.due,
            completed_at=at,
            created_at=self.created_at,
            on_time=self.due is None or at <= self.due,
            owner_timezone=owner_timezone,
            unblocked_count=unblocked_count,
            chain_length=chain_length,
            category=self.category,
            tags=self.tags,
            series_id=self.series_id,
            quest_version=self.version,
        )
        self._record(event)
        return event

    def reopen(self, *, at: datetime, ids: IdFactory, window: timedelta = REOPEN_WINDOW) -> None:
        """done → todo within ``window`` of completion; abandoned → todo any time.

        Raises:
            InvalidTransition: not done/abandoned, or the window has passed.
        """
        self._check_move(QuestStatus.TODO)
        previous = self.status
        if previous is QuestStatus.DONE:
            assert self.completed_at is not None
            if at - self.completed_at > window:
                hours = window.total_seconds() / 3600
                raise InvalidTransition(
                    previous, QuestStatus.TODO, f"the {hours:g} h reopen window has passed"
                )
        self._move(QuestStatus.TODO, at)
        self.completed_at = None
        self.started_at = None
        if self.checklist:
            self.progress = _checklist_progress(self.checklist)
        self._record(
            QuestReopened(
                event_id=_event_id(ids),
                occurred_at=at,
                owner=self.owner,
                quest_id=self.id,
                occurrence=self.occurrence,
                reopened_at=at,
                previous_status=previous.value,
                quest_version=self.version,
            )
        )

    def abandon(self, *, at: datetime, ids: IdFactory) -> None:
        """todo/active → abandoned."""
        self._move(QuestStatus.ABANDONED, at)
        self._record(
            QuestAbandoned(
                event_id=_event_id(ids), occurred_at=at, owner=self.owner, quest_id=self.id
            )
        )

    def archive(self, *, at: datetime, ids: IdFactory) -> None:
        """Any status but archived → archived (read-only from then on)."""
        previous = self.status
        self._move(QuestStatus.ARCHIVED, at)
        self._record(
            QuestArchived(
                event_id=_event_id(ids),
                occurred_at=at,
                owner=self.owner,
                quest_id=self.id,
                previous_status=previous.value,
            )
        )

    def mark_deleted(self, *, at: datetime, ids: IdFactory) -> None:
        """Record that the quest is being deleted (the repository removes it)."""
        self._record(
            QuestDeleted(
                event_id=_event_id(ids),
                occurred_at=at,
                owner=self.owner,
                quest_id=self.id,
                status=self.status.value,
            )
        )

    # -- edits ------------------------------------------------------------------------------

    def revise(self, changes: Mapping[str, Any], *, at: datetime, ids: IdFactory) -> list[str]:
        """Apply field changes (names from :data:`REVISABLE_FIELDS`); returns what changed.

        Archived quests are read-only. The due date of an existing quest may move into the past
        (rescheduling an overdue quest is normal); only new quests refuse a past due date.

        Raises:
            QuestLocked: the quest is archived.
            ValidationFailed: naming the field.
        """
        if self.status is QuestStatus.ARCHIVED:
            raise QuestLocked(self.id, self.status, "edit an archived quest")
        unknown = sorted(set(changes) - set(REVISABLE_FIELDS))
        if unknown:
            raise ValidationFailed(unknown[0], "cannot be changed")
        validators: dict[str, Any] = {
            "title": validate_title,
            "notes": validate_notes,
            "category": validate_category,
            "tags": validate_tags,
            "difficulty": validate_difficulty,
            "priority": validate_priority,
            "due": lambda v: validate_due(v, None),
            "estimate_minutes": validate_estimate,
            "recurrence": lambda v: v,
            "parent_id": lambda v: v,
            "checklist": validate_checklist,
        }
        new = {name: validators[name](value) for name, value in changes.items()}
        if new.get("parent_id") is not None and new["parent_id"] == self.id:
            raise ValidationFailed("parent_id", "a quest cannot be its own parent")
        due = new.get("due", self.due)
        recurrence = _validate_recurrence(new.get("recurrence", self.recurrence), due)
        if "recurrence" in new:
            new["recurrence"] = recurrence
        changed: list[str] = [
            name for name in REVISABLE_FIELDS if name in new and new[name] != getattr(self, name)
        ]
        if not changed:
            return []
        for name in changed:
            setattr(self, name, new[name])
        if self.recurrence is not None and self.series_id is None:
            # A one-off quest that starts repeating becomes the first occurrence of its series.
            self.series_id, self.occurrence = self.id, 1
        self._updated(tuple(changed), at, ids)
        if "checklist" in changed and self.is_open:
            self._progress_to(_checklist_progress(self.checklist), self.progress_source, at, ids)
        return changed

    # -- progress ---------------------------------------------------------------------------

    def set_progress(self, percent: object, *, at: datetime, ids: IdFactory) -> None:
        """The player's own percentage (only when no checklist drives it).

        Raises:
            ValidationFailed: not 0..100, or the checklist drives progress.
            QuestLocked: the quest is not open.
        """
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise ValidationFailed("progress", "must be a whole number 0..100")
        self._require_open("set progress")
        if self.checklist:
            raise ValidationFailed("progress", "is derived from the checklist; tick items instead")
        self._progress_to(percent, ProgressSource.MANUAL, at, ids)

    def tick(self, index: object, done: bool, *, at: datetime, ids: IdFactory) -> None:
        """Tick (or untick) checklist item ``index``; progress follows.

        Raises:
            ValidationFailed: ``index`` is not an item.
            QuestLocked: the quest is not open.
        """
        if (
            isinstance(index, bool)
            or not isinstance(index, int)
            or not 0 <= index < len(self.checklist)
        ):
            raise ValidationFailed("index", f"no checklist item {index!r}")
        self._require_open("tick checklist items")
        item = self.checklist[index]
        if item.done == done:
            return
        self.checklist[index] = ChecklistItem(item.text, done)
        self._updated(("checklist",), at, ids)
        self._progress_to(_checklist_progress(self.checklist), ProgressSource.CHECKLIST, at, ids)

    def derive_progress_from_children(
        self, *, done: int, counted: int, at: datetime, ids: IdFactory
    ) -> None:
        """Progress = share of counted sub-quests done (ignored while a checklist drives it,
        or the quest is not open, or there is nothing to count)."""
        if self.checklist or not self.is_open or counted <= 0:
            return
        self._progress_to(round(100 * done / counted), ProgressSource.CHILDREN, at, ids)

    # -- internals --------------------------------------------------------------------------

    def _updated(self, changes: tuple[str, ...], at: datetime, ids: IdFactory) -> None:
        """Stamp an edit of ``changes`` (field names) and record ``QuestUpdated``."""
        self.updated_at = at
        self._record(
            QuestUpdated(
                event_id=_event_id(ids),
                occurred_at=at,
                owner=self.owner,
                quest_id=self.id,
                changes=changes,
                after=QuestFacts(
                    title=self.title,
                    difficulty=self.difficulty.value,
                    priority=int(self.priority),
                    category=self.category,
                    tags=self.tags,
                    due=self.due,
                    estimate_minutes=self.estimate_minutes,
                    notes=self.notes,
                ),
            )
        )

    def _progress_to(
        self, value: int, source: ProgressSource, at: datetime, ids: IdFactory
    ) -> None:
        if value == self.progress:
            return
        self.progress = value
        self.updated_at = at
        self._record(
            QuestProgressed(
                event_id=_event_id(ids),
                occurred_at=at,
                owner=self.owner,
                quest_id=self.id,
                progress=value,
                source=source.value,
                ready_to_complete=value == 100 and self.is_open,
            )
        )

    def _require_open(self, action: str) -> None:
        if not self.is_open:
            raise QuestLocked(self.id, self.status, action)

    def _check_move(self, to: QuestStatus) -> None:
        if to not in TRANSITIONS[self.status]:
            raise InvalidTransition(self.status, to)

    def _move(self, to: QuestStatus, at: datetime) -> None:
        self._check_move(to)
        self.status = to
        self.updated_at = at

    def _record(self, event: DomainEvent) -> None:
        self._events.append(event)
