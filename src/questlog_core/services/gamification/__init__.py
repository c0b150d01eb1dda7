"""Moved to :mod:`questlog_core.gamification.use_cases`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.use_cases.awards import MAX_ADJUSTMENT as MAX_ADJUSTMENT
from questlog_core.gamification.use_cases.awards import AwardOutcome as AwardOutcome
from questlog_core.gamification.use_cases.awards import AwardXp as AwardXp
from questlog_core.gamification.use_cases.awards import award_xp as award_xp
from questlog_core.gamification.use_cases.friends import FriendsView as FriendsView
from questlog_core.gamification.use_cases.friends import FriendView as FriendView
from questlog_core.gamification.use_cases.friends import IssuedLink as IssuedLink
from questlog_core.gamification.use_cases.friends import PlayerBlocked as PlayerBlocked
from questlog_core.gamification.use_cases.friends import TooManyFriends as TooManyFriends
from questlog_core.gamification.use_cases.friends import accept_friend as accept_friend
from questlog_core.gamification.use_cases.friends import accept_invite_link as accept_invite_link
from questlog_core.gamification.use_cases.friends import block_player as block_player
from questlog_core.gamification.use_cases.friends import create_invite_link as create_invite_link
from questlog_core.gamification.use_cases.friends import get_friends_board as get_friends_board
from questlog_core.gamification.use_cases.friends import invite_by_email as invite_by_email
from questlog_core.gamification.use_cases.friends import list_friends as list_friends
from questlog_core.gamification.use_cases.friends import list_invite_links as list_invite_links
from questlog_core.gamification.use_cases.friends import remove_friend as remove_friend
from questlog_core.gamification.use_cases.friends import revoke_invite_link as revoke_invite_link
from questlog_core.gamification.use_cases.friends import unblock_player as unblock_player
from questlog_core.gamification.use_cases.identity_events import IdentityOutcome as IdentityOutcome
from questlog_core.gamification.use_cases.identity_events import (
    handle_identity_profile as handle_identity_profile,
)
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
from questlog_core.gamification.use_cases.settings import board_name as board_name
from questlog_core.gamification.use_cases.settings import set_display_name as set_display_name
from questlog_core.gamification.use_cases.settings import (
    set_leaderboard_opt_out as set_leaderboard_opt_out,
)
from questlog_core.gamification.use_cases.settings import set_time_zone as set_time_zone
from questlog_core.gamification.use_cases.shares import IssuedShare as IssuedShare
from questlog_core.gamification.use_cases.shares import ShareChoice as ShareChoice
from questlog_core.gamification.use_cases.shares import SharedAchievement as SharedAchievement
from questlog_core.gamification.use_cases.shares import list_shares as list_shares
from questlog_core.gamification.use_cases.shares import revoke_share as revoke_share
from questlog_core.gamification.use_cases.shares import share_achievement as share_achievement
from questlog_core.gamification.use_cases.shares import view_share as view_share
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
    "FriendView",
    "FriendsView",
    "GameRules",
    "IdentityOutcome",
    "IssuedLink",
    "IssuedShare",
    "LedgerPage",
    "PlayerBlocked",
    "Profile",
    "ReopenOutcome",
    "RolloverOutcome",
    "ShareChoice",
    "SharedAchievement",
    "StreakView",
    "TooManyFriends",
    "accept_friend",
    "accept_invite_link",
    "award_xp",
    "block_player",
    "board_name",
    "check_in_yesterday",
    "create_invite_link",
    "get_achievements",
    "get_board_page",
    "get_friends_board",
    "get_leaderboard",
    "get_ledger_page",
    "get_player_profile",
    "get_profile",
    "get_rank",
    "get_streak",
    "get_xp_history",
    "handle_identity_profile",
    "handle_quest_completed",
    "handle_quest_reopened",
    "invite_by_email",
    "list_friends",
    "list_invite_links",
    "list_shares",
    "remove_friend",
    "revoke_invite_link",
    "revoke_share",
    "roll_over_due_streaks",
    "roll_over_streak",
    "set_display_name",
    "set_leaderboard_opt_out",
    "set_time_zone",
    "share_achievement",
    "unblock_player",
    "view_share",
]
