"""How a read model in another context keeps its copy of a quest's status from the quest's
events, when they arrive late or twice (the order rule: :mod:`questlog_core.kernel.ordering`).

Search and the AI service both keep such a copy; the rule is the quest context's, so it lives
here, next to the events it reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from questlog_core.kernel.ordering import is_current

__all__ = ["StatusCopy", "after_reopening", "after_start"]


class StatusCopy(NamedTuple):
    """A copy's status, when the quest last changed it (``None``: not since it was created),
    and when the quest was first started (``None``: never, as far as the copy knows)."""

    status: str
    status_at: datetime | None
    started_at: datetime | None


def after_start(copy: StatusCopy, status_as_of: datetime, at: datetime) -> StatusCopy:
    """The copy after a ``quest.started`` that happened at ``at``; ``status_as_of`` is when
    the copy's status was last written (its ``status_at`` or, if never, the creation).

    The first start is a fact whatever arrived since, so ``started_at`` is the earliest. A
    late start still makes a ``todo`` copy active: only ``quest.created`` (older than any
    start) and a newer ``quest.reopened`` that did not know of the start make a quest todo.
    """
    started_at = at if copy.started_at is None else min(copy.started_at, at)
    if is_current(at, status_as_of):
        return StatusCopy("active", at, started_at)
    if copy.status == "todo":
        return StatusCopy("active", copy.status_at, started_at)
    return copy._replace(started_at=started_at)


def after_reopening(copy: StatusCopy, status_as_of: datetime, at: datetime) -> StatusCopy:
    """The copy after a ``quest.reopened`` that happened at ``at`` (unchanged when its status
    is newer): active again if the quest had been started before, else todo."""
    if not is_current(at, status_as_of):
        return copy
    started = copy.started_at is not None and copy.started_at <= at
    return StatusCopy("active" if started else "todo", at, copy.started_at)
