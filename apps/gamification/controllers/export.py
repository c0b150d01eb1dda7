"""``/api/v1/gamification/export``: the caller's whole game data, for moving out."""

from __future__ import annotations

from litestar import Controller, Response, get

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.schemas import (
    GAME_EXPORT_FORMAT,
    AchievementsOut,
    GameExportOut,
    LedgerEntryOut,
    ProfileOut,
    StreakOut,
)
from apps.http.dependencies import ClockDep, CurrentUser, GameUowDep
from apps.http.permissions import requires
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.ports.gamification import GamificationUnitOfWork
from questlog_core.ports.platform import Clock
from questlog_core.services import gamification as game

_PAGE = 100


async def game_export(owner: UserId, uow: GamificationUnitOfWork, clock: Clock) -> GameExportOut:
    """The gamification part of a data export (also ``questlog export``)."""
    profile = await game.get_player_profile(owner, uow, clock)
    streak = await game.get_streak(owner, uow, clock)
    achievements = await game.get_achievements(owner, uow)
    entries: list[LedgerEntryOut] = []
    offset = 0
    while True:
        page = await game.get_ledger_page(owner, uow, offset, _PAGE)
        entries += [LedgerEntryOut.from_domain(e) for e in page.items]
        offset += len(page.items)
        if not page.items or offset >= page.total:
            break
    return GameExportOut(
        format=GAME_EXPORT_FORMAT,
        exported_at=clock.now(),
        profile=ProfileOut.from_domain(profile),
        streak=StreakOut.from_domain(streak),
        achievements=AchievementsOut.from_domain(achievements),
        ledger=entries[::-1],
    )


class GameExportController(Controller):
    path = f"{GAMIFICATION_PATH}/export"
    tags = ["moving"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def export(
        self, user: CurrentUser, game_uow: GameUowDep, clock: ClockDep
    ) -> Response[GameExportOut]:
        """Download the caller's profile, streak, achievements and every ledger entry."""
        body = await game_export(UserId(user.user_id), game_uow, clock)
        disposition = 'attachment; filename="questlog-gamification.json"'
        return Response(body, headers={"Content-Disposition": disposition})
