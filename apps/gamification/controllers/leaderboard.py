"""``/api/v1/gamification/leaderboard``: weekly, monthly and all-time XP boards."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import QueryParameter

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.schemas import BoardName, LeaderboardOut, board_of
from apps.http.dependencies import ClockDep, CurrentUser, GameUowDep
from apps.http.permissions import requires
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.services import gamification as game

BoardScope = Literal["everyone", "friends"]


class LeaderboardController(Controller):
    path = f"{GAMIFICATION_PATH}/leaderboard"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def get_leaderboard(
        self,
        user: CurrentUser,
        game_uow: GameUowDep,
        clock: ClockDep,
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
            circle = await game.get_friends_board(me, board_of(period), game_uow, clock, period=key)
            return LeaderboardOut.from_domain(circle, me)
        page = await game.get_board_page(
            me,
            board_of(period),
            game_uow,
            clock,
            period=key,
            around_me=around_me,
            offset=offset,
            limit=limit,
        )
        return LeaderboardOut.from_domain(page, me)
