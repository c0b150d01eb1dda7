"""A player's game profile: the per-user state the game keeps besides the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from questlog_core.gamification.streaks import Streak
from questlog_core.kernel.ids import UserId


@dataclass(slots=True, kw_only=True)
class Player:
    """A player's game profile. ``version`` guards the whole per-user game state.

    XP is not stored here: it is the sum of the ledger. ``level`` is the level at the last
    ledger change (to notice level-ups and losses); ``peak_level`` decides unlocked features.
    ``next_rollover_at`` (UTC) tells the scheduler when this player's next day becomes final.
    ``profile_as_of`` is when the identity fact last applied to the name and zone happened
    (an older one, delivered late, changes nothing).
    """

    user: UserId
    display_name: str
    timezone: str
    day_start_hour: int = 0
    streak: Streak = field(default_factory=Streak)
    level: int = 1
    peak_level: int = 1
    opted_out: bool = False
    created_at: datetime
    next_rollover_at: datetime | None = None
    profile_as_of: datetime | None = None
    #: SHA-256 of the account's email address (never the address): how an invitation by email
    #: finds the player (see ``questlog_core.gamification.social``)
    email_digest: str | None = None
    version: int = 0


def default_display_name(user: UserId) -> str:
    """A display name for a player who has not chosen one (never derived from an email)."""
    return f"Adventurer {str(user)[:8]}"


__all__ = ["Player", "default_display_name"]
