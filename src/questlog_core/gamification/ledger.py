"""The XP ledger: every change to a player's XP is one immutable entry.

A player's XP is the sum of their ledger, always; nothing else stores a total that could drift.
An *award* for a quest completion is keyed by ``(quest_id, occurrence)``: while an award for
that key is *live* (not reversed) no second award is made, however often the completion is
replayed. Reopening the quest appends a *reversal* of exactly the stored amount, so
complete → reopen → complete, repeated any number of times, nets one award.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from questlog_core.kernel.ids import EventId, QuestId, UserId


class EntryKind(StrEnum):
    """Why an entry exists."""

    AWARD = "award"  # a quest completion
    REVERSAL = "reversal"  # undoes exactly one earlier entry (a reopened quest)
    STREAK_BONUS = "streak_bonus"  # a streak milestone was reached
    STREAK_PENALTY = "streak_penalty"  # a streak broke and the break policy charges XP
    ADJUSTMENT = "adjustment"  # an operator's correction


class Multiplier(msgspec.Struct, frozen=True):
    """One factor applied to an award, kept so the award can be explained later."""

    name: str
    factor: float


class LedgerEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One change to one player's XP.

    ``key`` is unique per user: the storage's unique constraint on ``(user, key)`` is the
    last line of defence against two racing workers awarding the same thing twice.
    ``local_date`` is the player's local day the entry counts for (daily caps and combos);
    a reversal carries the reversed award's day. ``effective_at`` is the moment the entry
    counts toward period leaderboards; a reversal carries the reversed award's moment so a
    week's board loses exactly what it gained.
    """

    entry_id: UUID
    user: UserId
    key: str
    kind: EntryKind
    amount: int
    reason: str
    at: datetime
    effective_at: datetime
    local_date: date
    quest_id: QuestId | None = None
    occurrence: int | None = None
    difficulty: str | None = None
    source_event_id: EventId | None = None
    reverses: UUID | None = None
    multipliers: tuple[Multiplier, ...] = ()
    #: for an award, the quest's version when it was completed (orders it against reopens)
    quest_version: int | None = None

    def multiplier(self, name: str) -> float | None:
        """The factor named ``name`` applied to this entry, if any."""
        for m in self.multipliers:
            if m.name == name:
                return m.factor
        return None


def award_key(quest_id: QuestId, occurrence: int, generation: int) -> str:
    """Key of the ``generation``-th award of a quest occurrence (0 first, +1 after each reopen)."""
    return f"award:{quest_id}:{occurrence}:{generation}"


def reversal_key(entry_id: UUID) -> str:
    """Key of the reversal of one entry: an entry is reversed at most once."""
    return f"reversal:{entry_id}"


def balance(entries: Iterable[LedgerEntry]) -> int:
    """A player's XP: the sum of their entries."""
    return sum(e.amount for e in entries)


def live_awards(entries: Iterable[LedgerEntry]) -> list[LedgerEntry]:
    """Awards that have not been reversed, in the order given."""
    items = list(entries)
    reversed_ids = {e.reverses for e in items if e.kind is EntryKind.REVERSAL}
    return [e for e in items if e.kind is EntryKind.AWARD and e.entry_id not in reversed_ids]


def live_award_for(
    entries: Iterable[LedgerEntry], quest_id: QuestId, occurrence: int
) -> LedgerEntry | None:
    """The live award for one quest occurrence, if there is one."""
    for e in live_awards(entries):
        if e.quest_id == quest_id and e.occurrence == occurrence:
            return e
    return None


def awards_made(entries: Iterable[LedgerEntry], quest_id: QuestId, occurrence: int) -> int:
    """How many awards (live or reversed) a quest occurrence has had: the next generation."""
    return sum(
        1
        for e in entries
        if e.kind is EntryKind.AWARD and e.quest_id == quest_id and e.occurrence == occurrence
    )


__all__ = [
    "EntryKind",
    "LedgerEntry",
    "Multiplier",
    "award_key",
    "awards_made",
    "balance",
    "live_award_for",
    "live_awards",
    "reversal_key",
]
