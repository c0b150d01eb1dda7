"""What an importer produces: quest drafts, dependency edges and the notes on what did not map.

A :class:`QuestDraft` is a quest as the source described it, already translated into
Questlog's words (status, priority, difficulty, recurrence) but not yet validated by the quest
entity: the use case builds the quest, and a value the entity refuses becomes an
:class:`Unmapped` note instead of a failed import. Every draft carries the source's own id
(``external_id``), which is what makes importing the same file twice create nothing new.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

import msgspec

from questlog_core.errors import ValidationFailed
from questlog_core.quests.model import ChecklistItem
from questlog_core.quests.model.values import (
    CATEGORY_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_MAX,
    TITLE_MAX_LENGTH,
)
from questlog_core.quests.recurrence import Recurrence

#: The most records one import file may hold (a bigger export is split by the user).
MAX_RECORDS = 50_000
#: The largest import file accepted over HTTP, in bytes (the CLI reads any size).
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportSource(StrEnum):
    """The task managers Questlog imports from."""

    TASKWARRIOR = "taskwarrior"
    TODOIST = "todoist"
    HABITICA = "habitica"
    #: an iCalendar (RFC 5545) ``.ics`` file of VTODOs; parsed by ``adapters.ical`` (the domain
    #: may not import the ``icalendar`` library), so it is not in :data:`~.reading.READERS`
    ICAL = "ical"


class DraftStatus(StrEnum):
    """Where the source record is in its life, in Questlog's words.

    ``done`` arrives as history: the quest is stored done and put away (archived), so it
    unblocks its dependents and shows in exports, but earns no XP (see ``docs/moving.md``).
    """

    TODO = "todo"
    ACTIVE = "active"
    DONE = "done"
    ABANDONED = "abandoned"


class Unmapped(msgspec.Struct, frozen=True, kw_only=True):
    """Something of one source record that Questlog could not take over.

    ``field`` is empty when the whole record was left out; otherwise the record was imported
    without that field (or with it changed as ``reason`` says).
    """

    record: str
    field: str
    reason: str


class QuestDraft(msgspec.Struct, kw_only=True):
    """One quest to import (see the module docstring)."""

    external_id: str
    title: str
    notes: str = ""
    category: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: str = "medium"
    priority: int = 0
    due: datetime | None = None
    created_at: datetime | None = None
    status: DraftStatus = DraftStatus.TODO
    started_at: datetime | None = None
    completed_at: datetime | None = None
    recurrence: Recurrence | None = None
    checklist: tuple[ChecklistItem, ...] = ()
    parent: str | None = None
    depends_on: tuple[str, ...] = ()


class ImportPlan(msgspec.Struct, kw_only=True):
    """Everything one file holds: drafts in file order and the notes on what did not map."""

    source: ImportSource
    drafts: list[QuestDraft]
    unmapped: list[Unmapped]
    records: int


class MalformedImport(ValidationFailed):
    """The file is not an export of the source it was said to be (field ``file``)."""

    code = "malformed-import"

    def __init__(self, reason: str) -> None:
        super().__init__("file", reason)


_TAG_JUNK = re.compile(r"[\s,]+")


def tag_of(name: str) -> str | None:
    """A Questlog tag from a source's tag, label or section name: spaces become dashes,
    cut to the tag length; ``None`` when nothing is left."""
    text = _TAG_JUNK.sub("-", name.strip()).strip("-")[:TAG_MAX_LENGTH]
    return text or None


def tags_of(names: list[str], record: str, notes: list[Unmapped]) -> tuple[str, ...]:
    """Distinct tags in order; beyond the limit they are dropped with a note."""
    seen: dict[str, None] = {}
    for name in names:
        tag = tag_of(name)
        if tag is not None:
            seen[tag] = None
    tags = tuple(seen)
    if len(tags) > TAGS_MAX:
        notes.append(
            Unmapped(
                record=record,
                field="tags",
                reason=f"{len(tags)} tags; the first {TAGS_MAX} were kept",
            )
        )
        tags = tags[:TAGS_MAX]
    return tags


def title_of(text: str, record: str, notes: list[Unmapped]) -> tuple[str, str]:
    """``(title, overflow)``: a title longer than Questlog allows is cut at the limit and the
    whole text is kept in the notes (returned as ``overflow``)."""
    clean = " ".join(text.split())
    if len(clean) <= TITLE_MAX_LENGTH:
        return clean, ""
    notes.append(
        Unmapped(
            record=record,
            field="title",
            reason=f"longer than {TITLE_MAX_LENGTH} characters; cut, full text kept in the notes",
        )
    )
    return clean[: TITLE_MAX_LENGTH - 1] + "…", clean


def category_of(name: str | None) -> str | None:
    """A category name cut to Questlog's length (``None`` for nothing)."""
    if name is None or not name.strip():
        return None
    return name.strip()[:CATEGORY_MAX_LENGTH]


def notes_of(parts: list[str], record: str, notes: list[Unmapped]) -> str:
    """Paragraphs joined; cut at Questlog's notes limit with a note."""
    text = "\n\n".join(p for p in parts if p.strip())
    if len(text) > NOTES_MAX_LENGTH:
        notes.append(
            Unmapped(
                record=record,
                field="notes",
                reason=f"longer than {NOTES_MAX_LENGTH} characters; the rest was cut",
            )
        )
        text = text[:NOTES_MAX_LENGTH]
    return text


__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_RECORDS",
    "DraftStatus",
    "ImportPlan",
    "ImportSource",
    "MalformedImport",
    "QuestDraft",
    "Unmapped",
    "category_of",
    "notes_of",
    "tag_of",
    "tags_of",
    "title_of",
]
