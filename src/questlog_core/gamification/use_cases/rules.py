"""The game's policies in one place (:class:`GameRules`) and their defaults."""

from __future__ import annotations

from dataclasses import dataclass

from questlog_core.gamification.achievements import DEFAULT_ACHIEVEMENT_BOOK, AchievementBook
from questlog_core.gamification.levels import DEFAULT_LEVEL_CURVE, LevelCurve
from questlog_core.gamification.streaks import DEFAULT_STREAK_POLICY, StreakPolicy
from questlog_core.gamification.xp import DEFAULT_XP_POLICY, XpPolicy


@dataclass(frozen=True)
class GameRules:
    """Every policy of the game in one place; a deployment passes its own."""

    xp: XpPolicy = DEFAULT_XP_POLICY
    streaks: StreakPolicy = DEFAULT_STREAK_POLICY
    levels: LevelCurve = DEFAULT_LEVEL_CURVE
    achievements: AchievementBook = DEFAULT_ACHIEVEMENT_BOOK


DEFAULT_RULES = GameRules()
