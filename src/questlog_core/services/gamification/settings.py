"""Moved to :mod:`questlog_core.gamification.use_cases.settings`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.events import (
    LeaderboardVisibilityChanged as LeaderboardVisibilityChanged,
)
from questlog_core.gamification.leaderboards import BoardEntry as BoardEntry
from questlog_core.gamification.ports import GamificationUnitOfWork as GamificationUnitOfWork
from questlog_core.gamification.streaks import check_day_start_hour as check_day_start_hour
from questlog_core.gamification.streaks import zone as zone
from questlog_core.gamification.use_cases.outcomes import Profile as Profile
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES as DEFAULT_RULES
from questlog_core.gamification.use_cases.rules import GameRules as GameRules
from questlog_core.gamification.use_cases.settings import set_display_name as set_display_name
from questlog_core.gamification.use_cases.settings import (
    set_leaderboard_opt_out as set_leaderboard_opt_out,
)
from questlog_core.gamification.use_cases.settings import set_time_zone as set_time_zone
from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.ids import EventId as EventId
from questlog_core.kernel.ids import UserId as UserId

__all__ = [
    "DEFAULT_RULES",
    "set_display_name",
    "set_leaderboard_opt_out",
    "set_time_zone",
]
