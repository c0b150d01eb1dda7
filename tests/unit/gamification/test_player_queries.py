"""The queries and the XP grant the gamification service answers with."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from questlog_core.errors import ValidationFailed
from questlog_core.events.gamification import AchievementUnlocked, LevelReached, XpAdjusted
from questlog_core.gamification.leaderboards import Board
from questlog_core.gamification.ledger import EntryKind
from questlog_core.gamification.xp import DEFAULT_XP_POLICY
from questlog_core.ids import UserId
from questlog_core.services import gamification as game

from .world import ALICE, GameWorld

BOB = UserId(UUID(int=0xB0B))


async def test_a_player_without_a_game_sees_a_fresh_profile_and_nothing_is_stored() -> None:
    w = GameWorld()
    profile = await game.get_player_profile(ALICE, w.uow(), w.clock)
    assert (profile.total_xp, profile.level, profile.streak, profile.timezone) == (0, 1, 0, "UTC")
    assert profile.multipliers == ()
    assert w.store.state.players == {}
    streak = await game.get_streak(ALICE, w.uow(), w.clock)
    assert (streak.current, streak.freezes, streak.next_milestone) == (0, 0, 3)
    assert streak.days_to_next_freeze == 7


async def test_multipliers_in_force_are_the_streak_and_todays_combo() -> None:
    w = GameWorld()
    await w.complete()
    await w.complete()
    profile = await game.get_player_profile(ALICE, w.uow(), w.clock)
    assert [(m.name, m.factor) for m in profile.multipliers] == [("streak", 1.02), ("combo", 1.1)]
    capped = DEFAULT_XP_POLICY.standing_multipliers(streak_days=100, completed_today=50)
    assert [(m.name, m.factor) for m in capped] == [("streak", 1.5), ("combo", 1.25)]


async def test_the_ledger_pages_newest_first_and_checks_its_bounds() -> None:
    w = GameWorld()
    for _ in range(3):
        await w.complete()
        w.clock.advance(timedelta(minutes=1))
    page = await game.get_ledger_page(ALICE, w.uow(), offset=1, limit=1)
    assert page.total == 3
    assert page.items == (w.ledger()[1],)
    clamped = [await game.get_ledger_page(ALICE, w.uow(), o, n) for o, n in ((0, 0), (-1, 500))]
    assert [(p.offset, p.limit, len(p.items)) for p in clamped] == [(0, 1, 1), (0, 100, 3)]


async def test_a_board_page_around_me_and_for_a_player_not_on_the_board() -> None:
    w = GameWorld()
    users = [UserId(UUID(int=n)) for n in range(1, 8)]
    for n, user in enumerate(users):
        await w.complete(user=user, difficulty=("epic", "hard", "medium", "easy", "trivial")[n % 5])
        w.clock.advance(timedelta(seconds=1))
    me = users[2]
    page = await game.get_board_page(me, Board.ALL_TIME, w.uow(), w.clock, around_me=True, limit=3)
    assert page.me is not None
    assert [r.rank for r in page.rows] == [page.me.rank - 1, page.me.rank, page.me.rank + 1]
    stranger = await game.get_board_page(BOB, Board.ALL_TIME, w.uow(), w.clock, around_me=True)
    assert (stranger.me, stranger.offset, stranger.rows[0].rank) == (None, 0, 1)


async def test_an_xp_grant_is_an_adjustment_with_its_events_and_is_idempotent_by_reference() -> (
    None
):
    w = GameWorld()
    cmd = game.AwardXp(user=BOB, amount=300, reason="tournament prize", reference="cup-1")
    first = await game.award_xp(cmd, w.uow(), w.clock, w.ids)
    assert first.created
    assert (first.entry.kind, first.entry.amount, first.total_xp, first.level) == (
        EntryKind.ADJUSTMENT,
        300,
        300,
        5,
    )
    assert [type(e) for e in first.events] == [XpAdjusted, LevelReached, AchievementUnlocked]
    again = await game.award_xp(cmd, w.uow(), w.clock, w.ids)
    assert (again.created, again.entry.entry_id, again.total_xp) == (
        False,
        first.entry.entry_id,
        300,
    )
    assert len(w.events(XpAdjusted)) == 1
    for bad in (
        game.AwardXp(user=BOB, amount=0, reason="nothing"),
        game.AwardXp(user=BOB, amount=game.MAX_ADJUSTMENT + 1, reason="too much"),
        game.AwardXp(user=BOB, amount=-301, reason="below zero"),
        game.AwardXp(user=BOB, amount=5, reason="  "),
    ):
        with pytest.raises(ValidationFailed):
            await game.award_xp(bad, w.uow(), w.clock, w.ids)
    assert w.xp(BOB) == 300


@pytest.mark.parametrize(
    ("board", "period", "valid"),
    [
        (Board.WEEKLY, "2026-W10", True),
        (Board.WEEKLY, "2026-W53", True),  # 2026 has 53 ISO weeks
        (Board.WEEKLY, "2025-W53", False),
        (Board.WEEKLY, "2026-03", False),
        (Board.MONTHLY, "2026-03", True),
        (Board.MONTHLY, "2026-13", False),
        (Board.MONTHLY, "2026-3", False),
        (Board.ALL_TIME, "all", True),
        (Board.ALL_TIME, "2026", False),
    ],
)
async def test_a_board_page_of_a_period_that_cannot_exist_is_empty(
    board: Board, period: str, valid: bool
) -> None:
    w = GameWorld()
    if valid:
        page = await game.get_board_page(ALICE, board, w.uow(), w.clock, period=period)
        assert page.period == period
    else:
        page = await game.get_board_page(ALICE, board, w.uow(), w.clock, period=period)
        assert (page.rows, page.me) == ((), None)
