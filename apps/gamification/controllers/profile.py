"""``/api/v1/gamification/profile``: the caller's XP, level, streak and unlocked features."""

from __future__ import annotations

from litestar import Controller, get

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.schemas import ProfileOut
from apps.http.dependencies import ClockDep, CurrentUser, GameUowDep
from apps.http.permissions import requires
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.services import gamification as game


class ProfileController(Controller):
    path = f"{GAMIFICATION_PATH}/profile"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def get_profile(
        self, user: CurrentUser, game_uow: GameUowDep, clock: ClockDep
    ) -> ProfileOut:
        """The caller's game profile as of now (a new player sees level 1 and no XP)."""
        profile = await game.get_player_profile(UserId(user.user_id), game_uow, clock)
        return ProfileOut.from_domain(profile)
