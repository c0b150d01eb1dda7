"""Quest templates and categories.

A :class:`QuestTemplate` is a reusable pattern: a title with ``{placeholders}``, defaults
(notes, category, tags, difficulty, priority, estimate), a checklist, and an ordered chain of
:class:`TemplateStep` sub-quests. Each step may wait on earlier steps (``after``: indices of
earlier steps; by default the step just before it), so the steps always form an acyclic graph.

Instantiating a template (see :func:`questlog_core.quests.use_cases.instantiate_template`)
creates a *root* quest from the template, one child quest per step (``parent_id`` = the root),
an edge for each ``after`` link, and an edge from every final step (one no other step waits on)
to the root, so the root is blocked until the chain is through. The root's progress follows
its steps. All of it happens in one unit of work: a failure creates nothing.

Placeholders are plain names (``{client}``); ``{date}`` is filled with the local date of
instantiation unless given. A value missing at instantiation is a ``ValidationFailed`` naming
``values``.

A :class:`Category` is a named, optionally coloured label per owner; quests refer to it by name.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from questlog_core.errors import ValidationFailed
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import CategoryId, EventId, TemplateId, UserId
from questlog_core.ports.platform import IdFactory
from questlog_core.quests.events import CategoryCreated, TemplateCreated
from questlog_core.quests.model import (
    CATEGORY_MAX_LENGTH,
    ChecklistItem,
    Difficulty,
    Priority,
    validate_category,
    validate_checklist,
    validate_difficulty,
    validate_estimate,
    validate_notes,
    validate_priority,
    validate_tags,
    validate_title,
)

__all__ = [
    "MAX_STEPS",
    "PLACEHOLDER_MAX_LENGTH",
    "Category",
    "QuestTemplate",
    "TemplateStep",
    "placeholders",
    "render",
]

MAX_STEPS: Final = 50
PLACEHOLDER_MAX_LENGTH: Final = 200
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def placeholders(pattern: str, field_name: str = "title_pattern") -> list[str]:
    """The placeholder names in ``pattern``, in order of first use.

    Raises:
        ValidationFailed: malformed braces, or a placeholder that is not a plain name
            (no attribute access, indexing, conversions or format specs).
    """
    names: dict[str, None] = {}
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise ValidationFailed(field_name, f"malformed placeholder: {exc}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _NAME.fullmatch(name) or spec or conversion:
            raise ValidationFailed(field_name, f"placeholder {{{name}}} must be a plain name")
        names[name] = None
    return list(names)


def render(pattern: str, values: Mapping[str, str], field_name: str = "title_pattern") -> str:
    """Fill ``pattern``'s placeholders from ``values``.

    Raises:
        ValidationFailed: field ``values`` when a placeholder has no value or a value is too long.
    """
    needed = placeholders(pattern, field_name)
    for name in needed:
        if name not in values:
            raise ValidationFailed("values", f"missing value for {{{name}}}")
        if len(values[name]) > PLACEHOLDER_MAX_LENGTH:
            raise ValidationFailed("values", f"value for {{{name}}} is too long")
    return pattern.format_map({name: values[name] for name in needed})


@dataclass(frozen=True, slots=True)
class TemplateStep:
    """One sub-quest of a template.

    ``after`` lists the indices of earlier steps this one waits on; ``None`` means "the step
    just before" (a plain chain), ``()`` means none.
    """

    title_pattern: str
    difficulty: Difficulty | None = None
    estimate_minutes: int | None = None
    checklist: tuple[str, ...] = ()
    after: tuple[int, ...] | None = None

    def prerequisites(self, index: int) -> tuple[int, ...]:
        """The step indices this step (at ``index``) waits on."""
        if self.after is None:
            return (index - 1,) if index > 0 else ()
        return self.after


@dataclass(slots=True, eq=False)
class QuestTemplate:
    """A reusable quest pattern. Build with :meth:`create`, which validates everything."""

    id: TemplateId
    owner: UserId
    name: str
    title_pattern: str
    notes: str
    category: str | None
    tags: tuple[str, ...]
    difficulty: Difficulty
    priority: Priority
    estimate_minutes: int | None
    checklist: tuple[str, ...]
    steps: tuple[TemplateStep, ...]
    created_at: datetime
    _events: list[DomainEvent] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def create(
        cls,
        *,
        id: TemplateId,
        owner: UserId,
        name: object,
        title_pattern: object,
        at: datetime,
        ids: IdFactory,
        notes: object = "",
        category: object = None,
        tags: object = (),
        difficulty: object = Difficulty.MEDIUM,
        priority: object = Priority.NONE,
        estimate_minutes: object = None,
        checklist: object = (),
        steps: Sequence[TemplateStep] = (),
    ) -> QuestTemplate:
        """A validated template with a ``TemplateCreated`` event recorded.

        Raises:
            ValidationFailed: naming the field (``steps`` for a bad step or link).
        """
        pattern = validate_title(title_pattern, "title_pattern")
        placeholders(pattern)
        if len(steps) > MAX_STEPS:
            raise ValidationFailed("steps", f"at most {MAX_STEPS} steps")
        checked_steps = tuple(_validate_step(i, step) for i, step in enumerate(steps))
        template = cls(
            id=id,
            owner=owner,
            name=validate_title(name, "name"),
            title_pattern=pattern,
            notes=validate_notes(notes),
            category=validate_category(category),
            tags=validate_tags(tags),
            difficulty=validate_difficulty(difficulty),
            priority=validate_priority(priority),
            estimate_minutes=validate_estimate(estimate_minutes),
            checklist=tuple(item.text for item in validate_checklist(checklist)),
            steps=checked_steps,
            created_at=at,
        )
        template._events.append(
            TemplateCreated(
                event_id=EventId(ids.new_id()),
                occurred_at=at,
                owner=owner,
                template_id=id,
                name=template.name,
            )
        )
        return template

    def placeholders(self) -> list[str]:
        """Every placeholder used by the title pattern and the steps."""
        names = dict.fromkeys(placeholders(self.title_pattern))
        for step in self.steps:
            names.update(dict.fromkeys(placeholders(step.title_pattern, "steps")))
        return list(names)

    def final_steps(self) -> list[int]:
        """Indices of steps that no other step waits on (they lead into the root quest)."""
        waited_on = {p for i, step in enumerate(self.steps) for p in step.prerequisites(i)}
        return [i for i in range(len(self.steps)) if i not in waited_on]

    def checklist_items(self) -> list[ChecklistItem]:
        """The root quest's checklist, unticked."""
        return [ChecklistItem(text) for text in self.checklist]

    def pull_events(self) -> list[DomainEvent]:
        """Hand over and forget the recorded events."""
        events = list(self._events)
        self._events.clear()
        return events


def _validate_step(index: int, step: object) -> TemplateStep:
    if not isinstance(step, TemplateStep):
        raise ValidationFailed("steps", f"step {index} is not a template step")
    pattern = validate_title(step.title_pattern, "steps")
    placeholders(pattern, "steps")
    for prerequisite in step.prerequisites(index):
        if isinstance(prerequisite, bool) or not isinstance(prerequisite, int):
            raise ValidationFailed("steps", f"step {index} must wait on step numbers")
        if not 0 <= prerequisite < index:
            # Only earlier steps: the chain is acyclic by construction.
            raise ValidationFailed("steps", f"step {index} can only wait on earlier steps")
    return TemplateStep(
        title_pattern=pattern,
        difficulty=None if step.difficulty is None else validate_difficulty(step.difficulty),
        estimate_minutes=validate_estimate(step.estimate_minutes),
        checklist=tuple(item.text for item in validate_checklist(step.checklist)),
        after=None if step.after is None else tuple(dict.fromkeys(step.after)),
    )


@dataclass(slots=True, eq=False)
class Category:
    """A named label for quests, unique per owner (case-insensitively)."""

    id: CategoryId
    owner: UserId
    name: str
    color: str | None
    created_at: datetime
    _events: list[DomainEvent] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def create(
        cls,
        *,
        id: CategoryId,
        owner: UserId,
        name: object,
        at: datetime,
        ids: IdFactory,
        color: object = None,
    ) -> Category:
        """A validated category (name 1..60 characters, colour ``#rrggbb`` or none).

        Raises:
            ValidationFailed: naming ``name`` or ``color``.
        """
        if not isinstance(name, str) or not 0 < len(name.strip()) <= CATEGORY_MAX_LENGTH:
            raise ValidationFailed("name", f"must be 1..{CATEGORY_MAX_LENGTH} characters")
        valid_name = name.strip()
        if color is not None and (not isinstance(color, str) or not _COLOR.fullmatch(color)):
            raise ValidationFailed("color", "must look like #1e90ff")
        category = cls(
            id=id,
            owner=owner,
            name=valid_name,
            color=color.lower() if isinstance(color, str) else None,
            created_at=at,
        )
        category._events.append(
            CategoryCreated(
                event_id=EventId(ids.new_id()),
                occurred_at=at,
                owner=owner,
                category_id=id,
                name=valid_name,
            )
        )
        return category

    @property
    def key(self) -> str:
        """The case-insensitive uniqueness key."""
        return self.name.casefold()

    def pull_events(self) -> list[DomainEvent]:
        """Hand over and forget the recorded events."""
        events = list(self._events)
        self._events.clear()
        return events
