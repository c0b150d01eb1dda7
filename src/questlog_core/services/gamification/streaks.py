"""Moved to :mod:`questlog_core.gamification.use_cases.streaks`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.errors import CheckInWindowClosed as CheckInWindowClosed
from questlog_core.gamification.ports import GamificationUnitOfWork as GamificationUnitOfWork
from questlog_core.gamification.streaks import credit_key as credit_key
from questlog_core.gamification.streaks import local_day as local_day
from questlog_core.gamification.use_cases.outcomes import Profile as Profile
from questlog_core.gamification.use_cases.outcomes import RolloverOutcome as RolloverOutcome
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES as DEFAULT_RULES
from questlog_core.gamification.use_cases.rules import GameRules as GameRules
from questlog_core.gamification.use_cases.streaks import check_in_yesterday as check_in_yesterday
from questlog_core.gamification.use_cases.streaks import (
    roll_over_due_streaks as roll_over_due_streaks,
)
from questlog_core.gamification.use_cases.streaks import roll_over_streak as roll_over_streak
from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import ConcurrencyConflict as ConcurrencyConflict
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.ids import QuestId as QuestId
from questlog_core.kernel.ids import UserId as UserId

__all__ = [
    "DEFAULT_RULES",
    "check_in_yesterday",
    "roll_over_due_streaks",
    "roll_over_streak",
]
