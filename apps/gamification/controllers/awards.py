"""``/api/v1/gamification/award``: operators and internal services grant or take XP."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.controllers._bus import GAME_BUS, GameBus
from apps.gamification.schemas import AwardIn, AwardOut
from apps.http.permissions import requires
from questlog_core.gamification.use_cases.awards import AwardXp
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId


class AwardController(Controller):
    dependencies = GAME_BUS
    path = f"{GAMIFICATION_PATH}/award"
    tags = ["gamification"]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        **requires(Permission.GAMIFICATION_AWARD),
    )
    async def award(self, bus: GameBus, data: JSONBody[AwardIn]) -> Response[AwardOut]:
        """Grant (or, negative, take) XP from any player as an ``adjustment`` ledger entry.
        Needs ``gamification:award`` (admins; a player awarding themself gets 403). 201 with
        the new entry; 200 with the earlier one when ``reference`` was used before."""
        outcome = await bus.handle(
            AwardXp(
                user=UserId(data.user_id),
                amount=data.amount,
                reason=data.reason,
                reference=data.reference,
            )
        )
        status = HTTP_201_CREATED if outcome.created else HTTP_200_OK
        return Response(AwardOut.from_domain(outcome), status_code=status)
