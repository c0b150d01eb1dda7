"""``/api/v1/gamification/achievements``: unlocked achievements and progress toward the rest."""

from __future__ import annotations

from litestar import Controller, get

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.controllers._bus import GAME_BUS, GameBus
from apps.gamification.schemas import AchievementsOut
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.gamification.use_cases import messages as game
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId


class AchievementController(Controller):
    dependencies = GAME_BUS
    path = f"{GAMIFICATION_PATH}/achievements"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def list_achievements(self, user: CurrentUser, bus: GameBus) -> AchievementsOut:
        """Every achievement: unlocked ones with when, locked ones with the progress made."""
        statuses = await bus.handle(game.GetAchievements(user=UserId(user.user_id)))
        return AchievementsOut.from_domain(statuses)
