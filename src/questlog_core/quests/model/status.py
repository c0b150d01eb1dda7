"""The quest's status machine: statuses, the open/finished sets and the transition table."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum
from typing import Final

REOPEN_WINDOW: Final = timedelta(hours=24)
"""How long after completion a done quest may be reopened (default, overridable per call)."""


class QuestStatus(StrEnum):
    """Where a quest is in its life; see :data:`TRANSITIONS`."""

    TODO = "todo"
    ACTIVE = "active"
    DONE = "done"
    ABANDONED = "abandoned"
    ARCHIVED = "archived"

    @property
    def is_open(self) -> bool:
        """Todo or active: still to be done, and blocking its dependents."""
        return self in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        """Done, abandoned or archived: no longer blocks anything."""
        return self in FINISHED_STATUSES


OPEN_STATUSES: Final = frozenset({QuestStatus.TODO, QuestStatus.ACTIVE})
FINISHED_STATUSES: Final = frozenset(
    {QuestStatus.DONE, QuestStatus.ABANDONED, QuestStatus.ARCHIVED}
)
"""Statuses that no longer block dependents. Abandoned and archived count as finished (as a
deleted task does in Taskwarrior): a prerequisite the player gave up on would otherwise block
its dependents forever; removing the work is the player's explicit decision."""

TRANSITIONS: Final[Mapping[QuestStatus, frozenset[QuestStatus]]] = {
    QuestStatus.TODO: frozenset(
        {QuestStatus.ACTIVE, QuestStatus.DONE, QuestStatus.ABANDONED, QuestStatus.ARCHIVED}
    ),
    QuestStatus.ACTIVE: frozenset({QuestStatus.DONE, QuestStatus.ABANDONED, QuestStatus.ARCHIVED}),
    QuestStatus.DONE: frozenset({QuestStatus.TODO, QuestStatus.ARCHIVED}),
    QuestStatus.ABANDONED: frozenset({QuestStatus.TODO, QuestStatus.ARCHIVED}),
    QuestStatus.ARCHIVED: frozenset(),
}
"""Allowed status changes: ``TRANSITIONS[from]`` is the set of statuses it may go to."""
