"""``/api/v1/gamification/leaderboard``: weekly, monthly and all-time XP boards."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import QueryParameter

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.controllers._bus import GAME_BUS, GameBus
from apps.gamification.schemas import BoardName, LeaderboardOut, board_of
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.gamification.use_cases import messages as game
from questlog_core.gamification.use_cases import social_messages as social
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId

BoardScope = Literal["everyone", "friends"]


class LeaderboardController(Controller):
    dependencies = GAME_BUS
    path = f"{GAMIFICATION_PATH}/leaderboard"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def get_leaderboard(
        self,
        user: CurrentUser,
        bus: GameBus,
        period: Annotated[
            BoardName, QueryParameter(description="weekly, monthly or all-time")
        ] = "weekly",
        key: Annotated[
            str | None,
            QueryParameter(
                max_length=10,
                description="which period (2026-W49, 2026-12, all); default: the current one, UTC",
            ),
        ] = None,
        around_me: Annotated[
            bool, QueryParameter(description="the page centred on the caller's row")
        ] = False,
        offset: Annotated[int, QueryParameter(description="rows to skip (0 or more)")] = 0,
        limit: Annotated[int, QueryParameter(description="page size, 1 to 100")] = 10,
        board_scope: Annotated[
            BoardScope,
            QueryParameter(
                name="scope", description="everyone, or friends: the caller and their friends"
            ),
        ] = "everyone",
    ) -> LeaderboardOut:
        """Ranked rows of a board and the caller's own row. Players who opted out never appear.
        With ``scope=friends``, the caller and their accepted friends ranked among themselves
        (all of them, paging ignored)."""
        me = UserId(user.user_id)
        if board_scope == "friends":
            circle = await bus.handle(
                social.GetFriendsBoard(user=me, board=board_of(period), period=key)
            )
            return LeaderboardOut.from_domain(circle, me)
        page = await bus.handle(
            game.GetBoardPage(
                user=me,
                board=board_of(period),
                period=key,
                around_me=around_me,
                offset=offset,
                limit=limit,
            )
        )
        return LeaderboardOut.from_domain(page, me)
