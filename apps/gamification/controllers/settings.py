"""``/api/v1/gamification/settings/...``: what the player controls about their own game."""

from __future__ import annotations

from litestar import Controller, put
from litestar.params import JSONBody

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.controllers._bus import GAME_BUS, GameBus
from apps.gamification.schemas import (
    DisplayNameIn,
    LeaderboardVisibilityIn,
    ProfileOut,
    TimeZoneIn,
)
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.gamification.use_cases import messages as game
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId


class SettingsController(Controller):
    dependencies = GAME_BUS
    path = f"{GAMIFICATION_PATH}/settings"
    tags = ["gamification"]

    @put("/time-zone", **requires(Permission.GAMIFICATION_WRITE))
    async def set_time_zone(
        self,
        user: CurrentUser,
        bus: GameBus,
        data: JSONBody[TimeZoneIn],
    ) -> ProfileOut:
        """The calendar streaks follow: an IANA zone and the hour the day starts. Days already
        ended are finalized under the old settings first."""
        profile = await bus.handle(
            game.SetTimeZone(
                user=UserId(user.user_id),
                timezone=data.timezone,
                day_start_hour=data.day_start_hour,
            )
        )
        return ProfileOut.from_domain(profile)

    @put("/display-name", **requires(Permission.GAMIFICATION_WRITE))
    async def set_display_name(
        self,
        user: CurrentUser,
        bus: GameBus,
        data: JSONBody[DisplayNameIn],
    ) -> ProfileOut:
        """The name boards show (never an email address)."""
        profile = await bus.handle(
            game.SetDisplayName(user=UserId(user.user_id), display_name=data.display_name)
        )
        return ProfileOut.from_domain(profile)

    @put("/leaderboard", **requires(Permission.GAMIFICATION_WRITE))
    async def set_leaderboard_visibility(
        self,
        user: CurrentUser,
        bus: GameBus,
        data: JSONBody[LeaderboardVisibilityIn],
    ) -> ProfileOut:
        """Leave every board (XP is kept) or come back (the boards are rebuilt from the
        ledger)."""
        profile = await bus.handle(
            game.SetLeaderboardOptOut(
                user=UserId(user.user_id), opted_out=data.visibility == "hidden"
            )
        )
        return ProfileOut.from_domain(profile)
