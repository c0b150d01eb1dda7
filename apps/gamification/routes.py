"""The gamification service's route handlers, mounted by its app and by the all-in-one."""

from apps.gamification.controllers.achievements import AchievementController
from apps.gamification.controllers.awards import AwardController
from apps.gamification.controllers.export import GameExportController
from apps.gamification.controllers.friends import FriendsController
from apps.gamification.controllers.leaderboard import LeaderboardController
from apps.gamification.controllers.ledger import LedgerController
from apps.gamification.controllers.profile import ProfileController
from apps.gamification.controllers.settings import SettingsController
from apps.gamification.controllers.shares import ShareController
from apps.gamification.controllers.streaks import StreakController

ROUTES = [
    ProfileController,
    AchievementController,
    LedgerController,
    LeaderboardController,
    StreakController,
    SettingsController,
    AwardController,
    GameExportController,
    FriendsController,
    ShareController,
]
