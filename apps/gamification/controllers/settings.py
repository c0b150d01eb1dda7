"""``/api/v1/gamification/settings/...``: what the player controls about their own game."""

from __future__ import annotations

from litestar import Controller, put
from litestar.params import JSONBody

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.schemas import (
    DisplayNameIn,
    LeaderboardVisibilityIn,
    ProfileOut,
    TimeZoneIn,
)
from apps.http.dependencies import ClockDep, CurrentUser, GameUowDep, IdsDep
from apps.http.permissions import requires
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.services import gamification as game


class SettingsController(Controller):
    path = f"{GAMIFICATION_PATH}/settings"
    tags = ["gamification"]

    @put("/time-zone", **requires(Permission.GAMIFICATION_WRITE))
    async def set_time_zone(
        self,
        user: CurrentUser,
        game_uow: GameUowDep,
        clock: ClockDep,
        ids: IdsDep,
        data: JSONBody[TimeZoneIn],
    ) -> ProfileOut:
        """The calendar streaks follow: an IANA zone and the hour the day starts. Days already
        ended are finalized under the old settings first."""
        profile = await game.set_time_zone(
            UserId(user.user_id), data.timezone, data.day_start_hour, game_uow, clock, ids
        )
        return ProfileOut.from_domain(profile)

    @put("/display-name", **requires(Permission.GAMIFICATION_WRITE))
    async def set_display_name(
        self,
        user: CurrentUser,
        game_uow: GameUowDep,
        clock: ClockDep,
        data: JSONBody[DisplayNameIn],
    ) -> ProfileOut:
        """The name boards show (never an email address)."""
        profile = await game.set_display_name(
            UserId(user.user_id), data.display_name, game_uow, clock
        )
        return ProfileOut.from_domain(profile)

    @put("/leaderboard", **requires(Permission.GAMIFICATION_WRITE))
    async def set_leaderboard_visibility(
        self,
        user: CurrentUser,
        game_uow: GameUowDep,
        clock: ClockDep,
        ids: IdsDep,
        data: JSONBody[LeaderboardVisibilityIn],
    ) -> ProfileOut:
        """Leave every board (XP is kept) or come back (the boards are rebuilt from the
        ledger)."""
        profile = await game.set_leaderboard_opt_out(
            UserId(user.user_id), data.visibility == "hidden", game_uow, clock, ids
        )
        return ProfileOut.from_domain(profile)
