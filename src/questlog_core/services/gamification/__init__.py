"""Moved to :mod:`questlog_core.gamification.use_cases`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.use_cases.awards import MAX_ADJUSTMENT as MAX_ADJUSTMENT
from questlog_core.gamification.use_cases.awards import AwardOutcome as AwardOutcome
from questlog_core.gamification.use_cases.awards import AwardXp as AwardXp
from questlog_core.gamification.use_cases.awards import award_xp as award_xp
from questlog_core.gamification.use_cases.outcomes import CompletionOutcome as CompletionOutcome
from questlog_core.gamification.use_cases.outcomes import Profile as Profile
from questlog_core.gamification.use_cases.outcomes import ReopenOutcome as ReopenOutcome
from questlog_core.gamification.use_cases.outcomes import RolloverOutcome as RolloverOutcome
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
from questlog_core.gamification.use_cases.quest_events import CONSUMER as CONSUMER
from questlog_core.gamification.use_cases.quest_events import (
    handle_quest_completed as handle_quest_completed,
)
from questlog_core.gamification.use_cases.quest_events import (
    handle_quest_reopened as handle_quest_reopened,
)
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES as DEFAULT_RULES
from questlog_core.gamification.use_cases.rules import GameRules as GameRules
from questlog_core.gamification.use_cases.settings import set_display_name as set_display_name
from questlog_core.gamification.use_cases.settings import (
    set_leaderboard_opt_out as set_leaderboard_opt_out,
)
from questlog_core.gamification.use_cases.settings import set_time_zone as set_time_zone
from questlog_core.gamification.use_cases.streaks import check_in_yesterday as check_in_yesterday
from questlog_core.gamification.use_cases.streaks import (
    roll_over_due_streaks as roll_over_due_streaks,
)
from questlog_core.gamification.use_cases.streaks import roll_over_streak as roll_over_streak

__all__ = [
    "CONSUMER",
    "DEFAULT_RULES",
    "MAX_ADJUSTMENT",
    "MAX_PAGE",
    "AwardOutcome",
    "AwardXp",
    "BoardPage",
    "CompletionOutcome",
    "GameRules",
    "LedgerPage",
    "Profile",
    "ReopenOutcome",
    "RolloverOutcome",
    "StreakView",
    "award_xp",
    "check_in_yesterday",
    "get_achievements",
    "get_board_page",
    "get_leaderboard",
    "get_ledger_page",
    "get_player_profile",
    "get_profile",
    "get_rank",
    "get_streak",
    "get_xp_history",
    "handle_quest_completed",
    "handle_quest_reopened",
    "roll_over_due_streaks",
    "roll_over_streak",
    "set_display_name",
    "set_leaderboard_opt_out",
    "set_time_zone",
]
