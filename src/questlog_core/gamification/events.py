"""Events raised by the game: XP, levels, streaks, achievements.

The notification service celebrates level-ups, achievements and streak milestones from these;
leaderboard projections can be rebuilt from ``XpAwarded``/``XpReversed``/``XpAdjusted``.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from questlog_core.kernel.events import DomainEvent, register
from questlog_core.kernel.ids import QuestId


@register
class XpAwarded(DomainEvent, frozen=True, kw_only=True, tag="gamification.xp_awarded.v1"):
    """A completion earned XP (``amount`` may be 0 when a cap or anti-farming applied)."""

    entry_id: UUID
    quest_id: QuestId
    occurrence: int
    amount: int
    total_xp: int
    reason: str
    multipliers: dict[str, float]
    capped: bool = False


@register
class XpReversed(DomainEvent, frozen=True, kw_only=True, tag="gamification.xp_reversed.v1"):
    """A reopened quest took back exactly what its completion had awarded."""

    entry_id: UUID
    reverses: UUID
    quest_id: QuestId
    occurrence: int
    amount: int  # negative: the stored award, reversed
    total_xp: int


@register
class XpAdjusted(DomainEvent, frozen=True, kw_only=True, tag="gamification.xp_adjusted.v1"):
    """XP changed for a reason other than a quest: a streak bonus, a break penalty, or an
    operator's adjustment (``kind`` ``adjustment``)."""

    entry_id: UUID
    kind: str
    amount: int
    total_xp: int
    reason: str


@register
class LevelReached(DomainEvent, frozen=True, kw_only=True, tag="gamification.level_reached.v1"):
    """The player's XP reached a higher level.

    ``first_time`` is false when the level had been reached before (then lost by a reopen):
    a consumer may skip celebrating twice. ``unlocked`` lists features this level-up unlocked.
    """

    level: int
    previous_level: int
    total_xp: int
    first_time: bool
    unlocked: tuple[str, ...] = ()


@register
class LevelLost(DomainEvent, frozen=True, kw_only=True, tag="gamification.level_lost.v1"):
    """Reversed XP took the player below a level (features stay unlocked)."""

    level: int
    previous_level: int
    total_xp: int


@register
class StreakExtended(DomainEvent, frozen=True, kw_only=True, tag="gamification.streak_extended.v1"):
    """A local day became final with a completion; the streak grew."""

    day: date
    length: int
    freezes: int
    freeze_earned: bool = False
    milestone: int | None = None
    milestone_bonus: int = 0


@register
class StreakFrozen(DomainEvent, frozen=True, kw_only=True, tag="gamification.streak_frozen.v1"):
    """A missed day was covered by a freeze; the streak survives."""

    day: date
    length: int
    freezes_left: int


@register
class StreakBroken(DomainEvent, frozen=True, kw_only=True, tag="gamification.streak_broken.v1"):
    """A missed day with no freeze ended the streak."""

    day: date
    length_before: int
    length_after: int
    xp_penalty: int = 0


@register
class AchievementUnlocked(
    DomainEvent, frozen=True, kw_only=True, tag="gamification.achievement_unlocked.v1"
):
    """An achievement was unlocked (exactly once per player)."""

    key: str
    title: str
    description: str


@register
class LeaderboardVisibilityChanged(
    DomainEvent, frozen=True, kw_only=True, tag="gamification.leaderboard_visibility_changed.v1"
):
    """The player opted out of (or back into) leaderboards."""

    opted_out: bool


__all__ = [
    "AchievementUnlocked",
    "LeaderboardVisibilityChanged",
    "LevelLost",
    "LevelReached",
    "StreakBroken",
    "StreakExtended",
    "StreakFrozen",
    "XpAdjusted",
    "XpAwarded",
    "XpReversed",
]
