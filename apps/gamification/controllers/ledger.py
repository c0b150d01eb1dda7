"""``/api/v1/gamification/ledger``: the caller's XP history, newest first."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.controllers._bus import GAME_BUS, GameBus
from apps.gamification.schemas import LedgerPageOut
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.gamification.use_cases import messages as game
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId


class LedgerController(Controller):
    dependencies = GAME_BUS
    path = f"{GAMIFICATION_PATH}/ledger"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def list_ledger(
        self,
        user: CurrentUser,
        bus: GameBus,
        offset: Annotated[int, QueryParameter(description="entries to skip (0 or more)")] = 0,
        limit: Annotated[int, QueryParameter(description="page size, 1 to 100")] = 50,
    ) -> LedgerPageOut:
        """A page of the caller's XP history: each entry's reason and the quest it came from."""
        page = await bus.handle(
            game.GetLedgerPage(user=UserId(user.user_id), offset=offset, limit=limit)
        )
        return LedgerPageOut.from_domain(page)
