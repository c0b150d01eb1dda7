"""``/api/v1/gamification/achievements``: unlocked achievements and progress toward the rest."""

from __future__ import annotations

from litestar import Controller, get

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.schemas import AchievementsOut
from apps.http.dependencies import CurrentUser, GameUowDep
from apps.http.permissions import requires
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.services import gamification as game


class AchievementController(Controller):
    path = f"{GAMIFICATION_PATH}/achievements"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def list_achievements(self, user: CurrentUser, game_uow: GameUowDep) -> AchievementsOut:
        """Every achievement: unlocked ones with when, locked ones with the progress made."""
        statuses = await game.get_achievements(UserId(user.user_id), game_uow)
        return AchievementsOut.from_domain(statuses)
