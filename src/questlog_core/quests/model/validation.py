"""Field validation for quests (shared with templates): each rule names the field it refuses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from questlog_core.errors import ValidationFailed
from questlog_core.quests.model.checklist import (
    CHECKLIST_MAX_ITEMS,
    CHECKLIST_TEXT_MAX_LENGTH,
    ChecklistItem,
)
from questlog_core.quests.model.values import (
    CATEGORY_MAX_LENGTH,
    ESTIMATE_MAX_MINUTES,
    NOTES_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_MAX,
    TITLE_MAX_LENGTH,
    Difficulty,
    Priority,
)
from questlog_core.quests.recurrence import Recurrence, RecurrenceMode


def validate_title(title: object, field_name: str = "title") -> str:
    """A stripped, non-empty title of at most 200 characters."""
    if not isinstance(title, str):
        raise ValidationFailed(field_name, "must be text")
    text = title.strip()
    if not text:
        raise ValidationFailed(field_name, "must not be empty")
    if len(text) > TITLE_MAX_LENGTH:
        raise ValidationFailed(field_name, f"must be at most {TITLE_MAX_LENGTH} characters")
    return text


def validate_notes(notes: object) -> str:
    """Free text of at most 10,000 characters."""
    if not isinstance(notes, str):
        raise ValidationFailed("notes", "must be text")
    if len(notes) > NOTES_MAX_LENGTH:
        raise ValidationFailed("notes", f"must be at most {NOTES_MAX_LENGTH} characters")
    return notes


def validate_category(category: object) -> str | None:
    """``None`` or a stripped name of 1..60 characters."""
    if category is None:
        return None
    if not isinstance(category, str) or not category.strip():
        raise ValidationFailed("category", "must be a non-empty name or null")
    name = category.strip()
    if len(name) > CATEGORY_MAX_LENGTH:
        raise ValidationFailed("category", f"must be at most {CATEGORY_MAX_LENGTH} characters")
    return name


def validate_tags(tags: object) -> tuple[str, ...]:
    """At most 20 distinct tags, each 1..40 characters without spaces (order kept)."""
    if isinstance(tags, str) or not isinstance(tags, Iterable):
        raise ValidationFailed("tags", "must be a list of tags")
    seen: dict[str, None] = {}
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip():
            raise ValidationFailed("tags", "a tag must be non-empty text")
        name = tag.strip()
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationFailed("tags", f"a tag must be at most {TAG_MAX_LENGTH} characters")
        if any(ch.isspace() for ch in name):
            raise ValidationFailed("tags", f"tag {name!r} must not contain spaces")
        seen[name] = None
    if len(seen) > TAGS_MAX:
        raise ValidationFailed("tags", f"at most {TAGS_MAX} tags")
    return tuple(seen)


def validate_difficulty(value: object) -> Difficulty:
    """One of trivial, easy, medium, hard, epic."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return Difficulty(value)
    except ValueError:
        options = [d.value for d in Difficulty]
        raise ValidationFailed(
            "difficulty",
            f"unknown difficulty {value!r}; one of {', '.join(options)}",
            allowed=options,
        ) from None


def validate_priority(value: object) -> Priority:
    """0 (none) .. 4 (critical)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed("priority", "must be a whole number 0..4")
    try:
        return Priority(value)
    except ValueError:
        raise ValidationFailed("priority", "must be a whole number 0..4") from None


def validate_estimate(minutes: object) -> int | None:
    """``None`` or whole minutes, 0 .. a year."""
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationFailed("estimate_minutes", "must be whole minutes")
    if minutes < 0:
        raise ValidationFailed("estimate_minutes", "must not be negative")
    if minutes > ESTIMATE_MAX_MINUTES:
        raise ValidationFailed("estimate_minutes", f"must be at most {ESTIMATE_MAX_MINUTES}")
    return minutes


def validate_due(due: object, created_at: datetime | None) -> datetime | None:
    """``None`` or an aware moment; for a new quest (``created_at`` given) not before creation."""
    if due is None:
        return None
    if not isinstance(due, datetime) or due.tzinfo is None or due.utcoffset() is None:
        raise ValidationFailed("due", "must be a date-time with a time zone")
    if created_at is not None and due < created_at:
        raise ValidationFailed("due", "must not be before the quest is created")
    return due


def validate_checklist(items: object) -> list[ChecklistItem]:
    """At most 100 items of 1..200 characters; plain strings become unticked items."""
    if isinstance(items, str) or not isinstance(items, Iterable):
        raise ValidationFailed("checklist", "must be a list of items")
    result: list[ChecklistItem] = []
    for item in items:
        text, done = (item.text, item.done) if isinstance(item, ChecklistItem) else (item, False)
        if not isinstance(text, str) or not text.strip():
            raise ValidationFailed("checklist", "an item must be non-empty text")
        if len(text.strip()) > CHECKLIST_TEXT_MAX_LENGTH:
            raise ValidationFailed(
                "checklist", f"an item must be at most {CHECKLIST_TEXT_MAX_LENGTH} characters"
            )
        result.append(ChecklistItem(text.strip(), bool(done)))
    if len(result) > CHECKLIST_MAX_ITEMS:
        raise ValidationFailed("checklist", f"at most {CHECKLIST_MAX_ITEMS} items")
    return result


def _validate_recurrence(recurrence: object, due: datetime | None) -> Recurrence | None:
    if recurrence is None:
        return None
    if not isinstance(recurrence, Recurrence):
        raise ValidationFailed("recurrence", "must be a recurrence rule")
    if recurrence.mode is RecurrenceMode.SCHEDULE and due is None:
        raise ValidationFailed("due", "a scheduled recurrence needs a due date")
    return recurrence
