"""Moved to :mod:`questlog_core.gamification.use_cases.queries`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.achievements import AchievementStatus as AchievementStatus
from questlog_core.gamification.leaderboards import Board as Board
from questlog_core.gamification.leaderboards import BoardRow as BoardRow
from questlog_core.gamification.leaderboards import is_period as is_period
from questlog_core.gamification.leaderboards import period_of as period_of
from questlog_core.gamification.ledger import LedgerEntry as LedgerEntry
from questlog_core.gamification.players import Player as Player
from questlog_core.gamification.players import default_display_name as default_display_name
from questlog_core.gamification.ports import GamificationUnitOfWork as GamificationUnitOfWork
from questlog_core.gamification.streaks import day_start as day_start
from questlog_core.gamification.streaks import local_day as local_day
from questlog_core.gamification.use_cases.outcomes import Profile as Profile
from questlog_core.gamification.use_cases.queries import MAX_PAGE as MAX_PAGE
from questlog_core.gamification.use_cases.queries import BoardPage as BoardPage
from questlog_core.gamification.use_cases.queries import LedgerPage as LedgerPage
from questlog_core.gamification.use_cases.queries import StreakView as StreakView
from questlog_core.gamification.use_cases.queries import get_achievements as get_achievements
from questlog_core.gamification.use_cases.queries import get_board_page as get_board_page
from questlog_core.gamification.use_cases.queries import get_leaderboard as get_leaderboard
from questlog_core.gamification.use_cases.queries import get_ledger_page as get_ledger_page
from questlog_core.gamification.use_cases.queries import get_player_profile as get_player_profile
from questlog_core.gamification.use_cases.queries import get_profile as get_profile
from questlog_core.gamification.use_cases.queries import get_rank as get_rank
from questlog_core.gamification.use_cases.queries import get_streak as get_streak
from questlog_core.gamification.use_cases.queries import get_xp_history as get_xp_history
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES as DEFAULT_RULES
from questlog_core.gamification.use_cases.rules import GameRules as GameRules
from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.ids import UserId as UserId

__all__ = [
    "DEFAULT_RULES",
    "MAX_PAGE",
    "BoardPage",
    "LedgerPage",
    "StreakView",
    "get_achievements",
    "get_board_page",
    "get_leaderboard",
    "get_ledger_page",
    "get_player_profile",
    "get_profile",
    "get_rank",
    "get_streak",
    "get_xp_history",
]
