"""Checklist items and progress: where a quest's progress comes from and the checklist share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

CHECKLIST_MAX_ITEMS: Final = 100
CHECKLIST_TEXT_MAX_LENGTH: Final = 200


class ProgressSource(StrEnum):
    """Where a quest's progress comes from."""

    MANUAL = "manual"
    CHECKLIST = "checklist"
    CHILDREN = "children"


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One step inside a quest."""

    text: str
    done: bool = False


def _checklist_progress(items: Sequence[ChecklistItem]) -> int:
    if not items:
        return 0
    return round(100 * sum(item.done for item in items) / len(items))
