"""The game's commands and queries as messages for the bus, and the handler of each.

The use cases keep their own signatures (the workers and tests call them directly); these
frozen structs are what an HTTP controller builds, and :func:`handlers` binds each to its use
case with the ports injected at bootstrap (see :mod:`questlog_core.gamification.bootstrap`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from questlog_core.gamification.achievements import AchievementStatus
from questlog_core.gamification.leaderboards import Board
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.use_cases.awards import AwardOutcome, AwardXp, award_xp
from questlog_core.gamification.use_cases.outcomes import Profile
from questlog_core.gamification.use_cases.queries import (
    BoardPage,
    LedgerPage,
    StreakView,
    get_achievements,
    get_board_page,
    get_ledger_page,
    get_player_profile,
    get_streak,
)
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.gamification.use_cases.settings import (
    set_display_name,
    set_leaderboard_opt_out,
    set_time_zone,
)
from questlog_core.gamification.use_cases.streaks import check_in_yesterday
from questlog_core.kernel.clock import Clock, IdFactory
from questlog_core.kernel.ids import QuestId, UserId

__all__ = [
    "QUERIES",
    "CheckInYesterday",
    "GetAchievements",
    "GetBoardPage",
    "GetLedgerPage",
    "GetPlayerProfile",
    "GetStreak",
    "SetDisplayName",
    "SetLeaderboardOptOut",
    "SetTimeZone",
    "handlers",
]


class GetPlayerProfile(msgspec.Struct, frozen=True, kw_only=True):
    """The player's profile as of now (a new player sees level 1 and no XP)."""

    user: UserId


class GetAchievements(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId


class GetLedgerPage(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    offset: int = 0
    limit: int = 50


class GetBoardPage(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    board: Board
    period: str | None = None
    around_me: bool = False
    offset: int = 0
    limit: int = 10


class GetStreak(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId


class SetTimeZone(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    timezone: str
    day_start_hour: int


class SetDisplayName(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    display_name: str


class SetLeaderboardOptOut(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    opted_out: bool


class CheckInYesterday(msgspec.Struct, frozen=True, kw_only=True):
    """Count a completion of today for yesterday; answers the streak afterwards."""

    user: UserId
    quest_id: QuestId
    occurrence: int


#: the messages that only read (the bus gives them a read-only unit of work)
QUERIES: frozenset[type[msgspec.Struct]] = frozenset(
    {GetPlayerProfile, GetAchievements, GetLedgerPage, GetBoardPage, GetStreak}
)

Handler = Callable[[Any, GamificationUnitOfWork], Awaitable[Any]]


def handlers(
    clock: Clock, ids: IdFactory, rules: GameRules = DEFAULT_RULES
) -> dict[type[msgspec.Struct], Handler]:
    """Every game command and query mapped to its use case, ready for the message bus."""

    async def profile(q: GetPlayerProfile, uow: GamificationUnitOfWork) -> Profile:
        return await get_player_profile(q.user, uow, clock, rules)

    async def achievements(
        q: GetAchievements, uow: GamificationUnitOfWork
    ) -> list[AchievementStatus]:
        return await get_achievements(q.user, uow, rules)

    async def ledger(q: GetLedgerPage, uow: GamificationUnitOfWork) -> LedgerPage:
        return await get_ledger_page(q.user, uow, q.offset, q.limit)

    async def board(q: GetBoardPage, uow: GamificationUnitOfWork) -> BoardPage:
        return await get_board_page(
            q.user,
            q.board,
            uow,
            clock,
            period=q.period,
            around_me=q.around_me,
            offset=q.offset,
            limit=q.limit,
        )

    async def streak(q: GetStreak, uow: GamificationUnitOfWork) -> StreakView:
        return await get_streak(q.user, uow, clock, rules)

    async def award(cmd: AwardXp, uow: GamificationUnitOfWork) -> AwardOutcome:
        return await award_xp(cmd, uow, clock, ids, rules)

    async def time_zone(cmd: SetTimeZone, uow: GamificationUnitOfWork) -> Profile:
        return await set_time_zone(
            cmd.user, cmd.timezone, cmd.day_start_hour, uow, clock, ids, rules
        )

    async def display_name(cmd: SetDisplayName, uow: GamificationUnitOfWork) -> Profile:
        return await set_display_name(cmd.user, cmd.display_name, uow, clock, rules)

    async def opt_out(cmd: SetLeaderboardOptOut, uow: GamificationUnitOfWork) -> Profile:
        return await set_leaderboard_opt_out(cmd.user, cmd.opted_out, uow, clock, ids, rules)

    async def check_in(cmd: CheckInYesterday, uow: GamificationUnitOfWork) -> Profile:
        return await check_in_yesterday(
            cmd.user, cmd.quest_id, cmd.occurrence, uow, clock, ids, rules
        )

    return {
        GetPlayerProfile: profile,
        GetAchievements: achievements,
        GetLedgerPage: ledger,
        GetBoardPage: board,
        GetStreak: streak,
        AwardXp: award,
        SetTimeZone: time_zone,
        SetDisplayName: display_name,
        SetLeaderboardOptOut: opt_out,
        CheckInYesterday: check_in,
    }
