"""``/api/v1/gamification/streaks``: the caller's daily streak, and checking in for yesterday."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import JSONBody

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.controllers._bus import GAME_BUS, GameBus
from apps.gamification.schemas import CheckInIn, StreakOut
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.gamification.use_cases import messages as game
from questlog_core.identity.rbac import Permission
from questlog_core.ids import QuestId, UserId


class StreakController(Controller):
    dependencies = GAME_BUS
    path = f"{GAMIFICATION_PATH}/streaks"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def get_streak(self, user: CurrentUser, bus: GameBus) -> StreakOut:
        """The caller's streak on their own calendar, freezes and yesterday's check-in window."""
        return StreakOut.from_domain(await bus.handle(game.GetStreak(user=UserId(user.user_id))))

    @post("/", status_code=200, **requires(Permission.GAMIFICATION_WRITE))
    async def check_in_yesterday(
        self,
        user: CurrentUser,
        bus: GameBus,
        data: JSONBody[CheckInIn],
    ) -> StreakOut:
        """Count a quest completed today for yesterday, while yesterday's grace window is open
        (409 once it closed, 404 for a completion that earned no live award)."""
        me = UserId(user.user_id)
        await bus.handle(
            game.CheckInYesterday(
                user=me, quest_id=QuestId(data.quest_id), occurrence=data.occurrence
            )
        )
        return StreakOut.from_domain(await bus.handle(game.GetStreak(user=me)))
