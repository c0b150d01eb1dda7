"""``/api/v1/gamification/ledger``: the caller's XP history, newest first."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.schemas import LedgerPageOut
from apps.http.dependencies import CurrentUser, GameUowDep
from apps.http.permissions import requires
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.services import gamification as game


class LedgerController(Controller):
    path = f"{GAMIFICATION_PATH}/ledger"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def list_ledger(
        self,
        user: CurrentUser,
        game_uow: GameUowDep,
        offset: Annotated[int, QueryParameter(description="entries to skip (0 or more)")] = 0,
        limit: Annotated[int, QueryParameter(description="page size, 1 to 100")] = 50,
    ) -> LedgerPageOut:
        """A page of the caller's XP history: each entry's reason and the quest it came from."""
        page = await game.get_ledger_page(UserId(user.user_id), game_uow, offset, limit)
        return LedgerPageOut.from_domain(page)
