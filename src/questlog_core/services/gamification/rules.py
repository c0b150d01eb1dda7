"""Moved to :mod:`questlog_core.gamification.use_cases.rules`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.achievements import (
    DEFAULT_ACHIEVEMENT_BOOK as DEFAULT_ACHIEVEMENT_BOOK,
)
from questlog_core.gamification.achievements import AchievementBook as AchievementBook
from questlog_core.gamification.levels import DEFAULT_LEVEL_CURVE as DEFAULT_LEVEL_CURVE
from questlog_core.gamification.levels import LevelCurve as LevelCurve
from questlog_core.gamification.streaks import DEFAULT_STREAK_POLICY as DEFAULT_STREAK_POLICY
from questlog_core.gamification.streaks import StreakPolicy as StreakPolicy
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES as DEFAULT_RULES
from questlog_core.gamification.use_cases.rules import GameRules as GameRules
from questlog_core.gamification.xp import DEFAULT_XP_POLICY as DEFAULT_XP_POLICY
from questlog_core.gamification.xp import XpPolicy as XpPolicy

__all__ = [
    "DEFAULT_ACHIEVEMENT_BOOK",
    "DEFAULT_LEVEL_CURVE",
    "DEFAULT_RULES",
    "DEFAULT_STREAK_POLICY",
    "DEFAULT_XP_POLICY",
    "GameRules",
]
