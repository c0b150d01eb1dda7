"""Read-only questions about a player: profile, streak, achievements, ledger and boards (with
the pages the HTTP service asks for).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import msgspec

from questlog_core.errors import ValidationFailed
from questlog_core.gamification.achievements import AchievementStatus
from questlog_core.gamification.leaderboards import Board, BoardRow, is_period, period_of
from questlog_core.gamification.ledger import LedgerEntry
from questlog_core.gamification.players import Player, default_display_name
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.streaks import day_start, local_day
from questlog_core.gamification.use_cases._internals import _profile
from questlog_core.gamification.use_cases.outcomes import Profile
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.kernel.ids import UserId
from questlog_core.ports.platform import Clock


async def get_profile(
    user: UserId, uow: GamificationUnitOfWork, clock: Clock, rules: GameRules = DEFAULT_RULES
) -> Profile:
    """The player's XP, level, features and streak as of now (read only)."""
    async with uow:
        player = await uow.players.get(user)
        return await _profile(uow, player, rules, clock.now())


async def get_achievements(
    user: UserId, uow: GamificationUnitOfWork, rules: GameRules = DEFAULT_RULES
) -> list[AchievementStatus]:
    """Every achievement with the player's progress and unlock time."""
    async with uow:
        return rules.achievements.statuses(await uow.achievements.get(user))


async def get_xp_history(
    user: UserId, uow: GamificationUnitOfWork, limit: int = 50
) -> list[LedgerEntry]:
    """The player's most recent ledger entries, newest first."""
    async with uow:
        entries = await uow.ledger.entries(user)
        return list(reversed(entries))[:limit]


async def get_leaderboard(
    board: Board,
    uow: GamificationUnitOfWork,
    clock: Clock,
    period: str | None = None,
    limit: int = 10,
) -> list[BoardRow]:
    """The top of a board (the current period unless ``period`` is given)."""
    if not 1 <= limit <= 100:
        raise ValidationFailed("limit", "must be between 1 and 100")
    async with uow:
        return await uow.leaderboard.top(board, period or period_of(board, clock.now()), limit)


async def get_rank(
    user: UserId,
    board: Board,
    uow: GamificationUnitOfWork,
    clock: Clock,
    period: str | None = None,
) -> BoardRow | None:
    """The player's row on a board, or ``None`` (no XP in the period, or opted out)."""
    async with uow:
        return await uow.leaderboard.rank_of(board, period or period_of(board, clock.now()), user)


#: the most ledger entries or board rows one page holds
MAX_PAGE = 100


class StreakView(msgspec.Struct, frozen=True, kw_only=True):
    """A player's streak as of now, with what they can still do about yesterday.

    ``yesterday_open`` is true while a completion made today can still be checked in for
    yesterday (until ``check_in_closes_at``). Freezes are spent by the rollover itself on a
    day without a completion; ``frozen_days`` lists the recent days one covered.
    """

    current: int
    longest: int
    freezes: int
    freeze_cap: int
    days_to_next_freeze: int | None
    today: date
    today_counted: bool
    yesterday: date
    yesterday_counted: bool
    yesterday_open: bool
    check_in_closes_at: datetime
    next_milestone: int | None
    next_milestone_bonus: int
    frozen_days: tuple[date, ...]
    timezone: str
    day_start_hour: int


class LedgerPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of a player's ledger, newest first."""

    items: tuple[LedgerEntry, ...]
    total: int
    offset: int
    limit: int


class BoardPage(msgspec.Struct, frozen=True, kw_only=True):
    """Consecutive rows of one board period, and the caller's own row if they are on it."""

    board: Board
    period: str
    offset: int
    rows: tuple[BoardRow, ...]
    me: BoardRow | None


async def get_player_profile(
    user: UserId, uow: GamificationUnitOfWork, clock: Clock, rules: GameRules = DEFAULT_RULES
) -> Profile:
    """The player's profile as of now; a player with no game yet sees a fresh one (level 1,
    no XP, no streak, UTC), nothing stored until something happens."""
    now = clock.now()
    async with uow:
        player = await uow.players.find(user)
        if player is None:
            player = _fresh_player(user, now)
        return await _profile(uow, player, rules, now)


async def get_streak(
    user: UserId, uow: GamificationUnitOfWork, clock: Clock, rules: GameRules = DEFAULT_RULES
) -> StreakView:
    """The player's streak as of now (read only: the rollover is computed, not stored)."""
    now = clock.now()
    policy = rules.streaks
    async with uow:
        player = await uow.players.find(user) or _fresh_player(user, now)
    tz, hour = player.timezone, player.day_start_hour
    streak, _ = policy.roll_over(player.streak, now, tz, hour)
    today = local_day(now, tz, hour)
    yesterday = today - timedelta(1)
    shown = streak.displayed()
    upcoming = sorted(length for length in policy.milestones if length > shown)
    at_cap = streak.freezes >= policy.freeze_cap
    return StreakView(
        current=shown,
        longest=max(streak.longest, shown),
        freezes=streak.freezes,
        freeze_cap=policy.freeze_cap,
        days_to_next_freeze=None if at_cap else policy.freeze_every - streak.run_toward_freeze,
        today=today,
        today_counted=bool(streak.credits_on(today)),
        yesterday=yesterday,
        yesterday_counted=bool(streak.credits_on(yesterday)),
        yesterday_open=policy.is_open(streak, yesterday, now, tz, hour),
        check_in_closes_at=day_start(today, tz, hour) + policy.check_in_grace,
        next_milestone=upcoming[0] if upcoming else None,
        next_milestone_bonus=policy.milestones[upcoming[0]] if upcoming else 0,
        frozen_days=streak.frozen_days,
        timezone=tz,
        day_start_hour=hour,
    )


async def get_ledger_page(
    user: UserId, uow: GamificationUnitOfWork, offset: int = 0, limit: int = 50
) -> LedgerPage:
    """A page of the player's ledger, newest first (``offset`` entries skipped; ``limit``
    clamped to 1..``MAX_PAGE`` and a negative offset read as 0, like the quest listing)."""
    offset, limit = _page_bounds(offset, limit)
    async with uow:
        entries = await uow.ledger.entries(user)
    newest_first = entries[::-1]
    return LedgerPage(
        items=tuple(newest_first[offset : offset + limit]),
        total=len(entries),
        offset=offset,
        limit=limit,
    )


async def get_board_page(
    user: UserId,
    board: Board,
    uow: GamificationUnitOfWork,
    clock: Clock,
    *,
    period: str | None = None,
    around_me: bool = False,
    offset: int = 0,
    limit: int = 10,
) -> BoardPage:
    """Rows of a board period from ``offset`` (the current period unless ``period`` is
    given), or, with ``around_me``, the page centred on the caller's row. Players who opted
    out are on no board, so never in a page; ``me`` is ``None`` for them too. A ``period`` the
    board does not have (``2026-W99``, a month on the weekly board) has no rows, and the board
    is not asked (so no request makes a board build a period that cannot exist). ``limit`` is
    clamped to 1..``MAX_PAGE`` and a negative offset read as 0.
    """
    offset, limit = _page_bounds(offset, limit)
    chosen = period or period_of(board, clock.now())
    if not is_period(board, chosen):
        return BoardPage(board=board, period=chosen, offset=offset, rows=(), me=None)
    async with uow:
        me = await uow.leaderboard.rank_of(board, chosen, user)
        if around_me and me is not None:
            offset = max(me.rank - 1 - limit // 2, 0)
        rows = await uow.leaderboard.top(board, chosen, limit, offset=offset)
    return BoardPage(board=board, period=chosen, offset=offset, rows=tuple(rows), me=me)


def _page_bounds(offset: int, limit: int) -> tuple[int, int]:
    return max(offset, 0), min(max(limit, 1), MAX_PAGE)


def _fresh_player(user: UserId, now: datetime) -> Player:
    """The profile of a player who has none stored yet (never saved by the queries)."""
    return Player(
        user=user, display_name=default_display_name(user), timezone="UTC", created_at=now
    )
