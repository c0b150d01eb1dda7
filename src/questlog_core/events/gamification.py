"""Moved to :mod:`questlog_core.gamification.events`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.events import AchievementUnlocked as AchievementUnlocked
from questlog_core.gamification.events import (
    LeaderboardVisibilityChanged as LeaderboardVisibilityChanged,
)
from questlog_core.gamification.events import LevelLost as LevelLost
from questlog_core.gamification.events import LevelReached as LevelReached
from questlog_core.gamification.events import StreakBroken as StreakBroken
from questlog_core.gamification.events import StreakExtended as StreakExtended
from questlog_core.gamification.events import StreakFrozen as StreakFrozen
from questlog_core.gamification.events import XpAdjusted as XpAdjusted
from questlog_core.gamification.events import XpAwarded as XpAwarded
from questlog_core.gamification.events import XpReversed as XpReversed
from questlog_core.kernel.events import DomainEvent as DomainEvent
from questlog_core.kernel.events import register as register
from questlog_core.kernel.ids import QuestId as QuestId

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
