"""Which completion of a quest occurrence is in force, whatever order the events arrive in.

A quest occurrence alternates: completed, reopened, completed, reopened, ... With
at-least-once delivery and several workers, the game may see these events in any order and
more than once. Every completion and reopen carries the quest's version at that moment (the
quest's optimistic-concurrency counter, bumped by each save), which orders them exactly.

The rule that follows: **a completion is in force iff no reopen of the same occurrence came
after it.** Because the two alternate, any later reopen proves the completion was undone,
even if the reopen that directly followed it has not arrived yet; and any later completion
proves the earlier one was reopened. So the game records every reopen it sees
(:class:`Reopen`); a completion that arrives after a reopen that followed it awards nothing,
a reopen only reverses an award whose completion came before it, and a later completion
replaces the live award of an earlier one.

Events from an older producer carry no version. Times cannot order them safely (a test clock,
or two events in one instant), so for those the game keeps arrival order: a reopen reverses
the live award, a completion awards when none is live.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from questlog_core.kernel.ids import EventId, QuestId, UserId


class Reopen(msgspec.Struct, frozen=True, kw_only=True):
    """A reopen of a done quest occurrence, as the game recorded it."""

    event_id: EventId
    user: UserId
    quest_id: QuestId
    occurrence: int
    quest_version: int | None
    reopened_at: datetime


def came_before(earlier: int | None, later: int | None) -> bool | None:
    """Whether quest version ``earlier`` came before ``later``; ``None`` when either is
    unknown (an event from an older producer: the caller keeps arrival order)."""
    if earlier is None or later is None:
        return None
    return earlier < later


def undone_by(completed_version: int | None, reopens: list[Reopen]) -> Reopen | None:
    """A recorded reopen that came after the completion at ``completed_version``, if any."""
    return next((r for r in reopens if came_before(completed_version, r.quest_version)), None)


__all__ = ["Reopen", "came_before", "undone_by"]
