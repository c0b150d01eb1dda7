"""The quest's value objects: difficulty, priority and the limits on its fields."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Final

TITLE_MAX_LENGTH: Final = 200
NOTES_MAX_LENGTH: Final = 10_000
TAGS_MAX: Final = 20
TAG_MAX_LENGTH: Final = 40
CATEGORY_MAX_LENGTH: Final = 60
ESTIMATE_MAX_MINUTES: Final = 60 * 24 * 366
"""An estimate longer than a year of minutes is a typo, not a plan."""


class Difficulty(StrEnum):
    """How hard a quest is; drives the base XP."""

    TRIVIAL = "trivial"
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"
    EPIC = "epic"


class Priority(IntEnum):
    """The player's own priority. Taskwarrior's L/M/H map to LOW/MEDIUM/HIGH."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4
