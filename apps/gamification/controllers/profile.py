"""``/api/v1/gamification/profile``: the caller's XP, level, streak and unlocked features."""

from __future__ import annotations

from litestar import Controller, get

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.controllers._bus import GAME_BUS, GameBus
from apps.gamification.schemas import ProfileOut
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.gamification.use_cases import messages as game
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId


class ProfileController(Controller):
    dependencies = GAME_BUS
    path = f"{GAMIFICATION_PATH}/profile"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def get_profile(self, user: CurrentUser, bus: GameBus) -> ProfileOut:
        """The caller's game profile as of now (a new player sees level 1 and no XP)."""
        profile = await bus.handle(game.GetPlayerProfile(user=UserId(user.user_id)))
        return ProfileOut.from_domain(profile)
