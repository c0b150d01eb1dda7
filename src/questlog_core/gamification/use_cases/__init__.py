"""Use cases of the game: award and reverse XP, roll streaks over, answer profile and boards.

Each use case runs in one :class:`GamificationUnitOfWork`: the ledger, the player, the
achievements, the boards, the inbox claim and the events commit together or not at all.
Consumers of quest events are idempotent twice over: the inbox ignores a redelivered event id,
and the ledger awards ``(quest_id, occurrence)`` at most once while that award is live.

Every write use case first brings the player's streak up to ``clock.now()`` (the rollover is
idempotent per local date), so a late scheduler never changes an outcome.
"""

from __future__ import annotations

from questlog_core.gamification.use_cases.awards import (
    MAX_ADJUSTMENT,
    AwardOutcome,
    AwardXp,
    award_xp,
)
from questlog_core.gamification.use_cases.friends import (
    FriendsView,
    FriendView,
    IssuedLink,
    PlayerBlocked,
    TooManyFriends,
    accept_friend,
    accept_invite_link,
    block_player,
    create_invite_link,
    get_friends_board,
    invite_by_email,
    list_friends,
    list_invite_links,
    remove_friend,
    revoke_invite_link,
    unblock_player,
)
from questlog_core.gamification.use_cases.identity_events import (
    IdentityOutcome,
    handle_identity_profile,
)
from questlog_core.gamification.use_cases.outcomes import (
    CompletionOutcome,
    Profile,
    ReopenOutcome,
    RolloverOutcome,
)
from questlog_core.gamification.use_cases.queries import (
    MAX_PAGE,
    BoardPage,
    LedgerPage,
    StreakView,
    get_achievements,
    get_board_page,
    get_leaderboard,
    get_ledger_page,
    get_player_profile,
    get_profile,
    get_rank,
    get_streak,
    get_xp_history,
)
from questlog_core.gamification.use_cases.quest_events import (
    CONSUMER,
    handle_quest_completed,
    handle_quest_reopened,
)
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.gamification.use_cases.settings import (
    board_name,
    set_display_name,
    set_leaderboard_opt_out,
    set_time_zone,
)
from questlog_core.gamification.use_cases.shares import (
    IssuedShare,
    ShareChoice,
    SharedAchievement,
    list_shares,
    revoke_share,
    share_achievement,
    view_share,
)
from questlog_core.gamification.use_cases.streaks import (
    check_in_yesterday,
    roll_over_due_streaks,
    roll_over_streak,
)

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
