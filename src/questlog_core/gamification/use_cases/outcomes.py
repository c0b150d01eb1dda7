"""What the game's use cases answer: the outcomes of quest events and rollovers, and the
player's :class:`Profile`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import msgspec

from questlog_core.gamification.ledger import LedgerEntry, Multiplier
from questlog_core.gamification.streaks import DayOutcome
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import UserId


class CompletionOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What handling a ``QuestCompleted`` did."""

    #: ``reopened_already``: a reopen that came after this completion was handled first
    status: Literal["awarded", "duplicate_event", "already_awarded", "reopened_already"]
    award: LedgerEntry | None
    total_xp: int
    level: int
    events: tuple[DomainEvent, ...] = ()


class ReopenOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What handling a ``QuestReopened`` did."""

    status: Literal["reversed", "duplicate_event", "nothing_to_reverse"]
    reversal: LedgerEntry | None
    total_xp: int
    level: int
    events: tuple[DomainEvent, ...] = ()


class RolloverOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """The days a rollover finalized (empty when it had already run)."""

    days: tuple[DayOutcome, ...]
    events: tuple[DomainEvent, ...] = ()
    #: ``False`` when the player had been rolled over already (nothing was written)
    rolled_over: bool = True


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    """A player's game state as they see it (no email: the game never has it)."""

    user: UserId
    display_name: str
    total_xp: int
    level: int
    xp_into_level: int
    xp_for_next: int
    unlocked_features: tuple[str, ...]
    streak: int
    longest_streak: int
    freezes: int
    today: date
    today_counted: bool
    timezone: str
    day_start_hour: int
    opted_out: bool
    #: what the player's streak and today's completions multiply their next award by
    multipliers: tuple[Multiplier, ...] = ()
