"""``/api/v1/gamification/streaks``: the caller's daily streak, and checking in for yesterday."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import JSONBody

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.schemas import CheckInIn, StreakOut
from apps.http.dependencies import ClockDep, CurrentUser, GameUowDep, IdsDep
from apps.http.permissions import requires
from questlog_core.identity.rbac import Permission
from questlog_core.ids import QuestId, UserId
from questlog_core.services import gamification as game


class StreakController(Controller):
    path = f"{GAMIFICATION_PATH}/streaks"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def get_streak(
        self, user: CurrentUser, game_uow: GameUowDep, clock: ClockDep
    ) -> StreakOut:
        """The caller's streak on their own calendar, freezes and yesterday's check-in window."""
        return StreakOut.from_domain(await game.get_streak(UserId(user.user_id), game_uow, clock))

    @post("/", status_code=200, **requires(Permission.GAMIFICATION_WRITE))
    async def check_in_yesterday(
        self,
        user: CurrentUser,
        game_uow: GameUowDep,
        clock: ClockDep,
        ids: IdsDep,
        data: JSONBody[CheckInIn],
    ) -> StreakOut:
        """Count a quest completed today for yesterday, while yesterday's grace window is open
        (409 once it closed, 404 for a completion that earned no live award)."""
        me = UserId(user.user_id)
        await game.check_in_yesterday(
            me, QuestId(data.quest_id), data.occurrence, game_uow, clock, ids
        )
        return StreakOut.from_domain(await game.get_streak(me, game_uow, clock))
