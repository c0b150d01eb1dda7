"""Boards built from ledger entries: periods, reversals and the tie-break."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from questlog_core.gamification.leaderboards import Board, BoardEntry, build_board, period_of
from questlog_core.ids import UserId

T0 = datetime(2024, 3, 4, 9, tzinfo=UTC)
A, B, C = (UserId(UUID(int=i)) for i in (3, 2, 1))


def entry(n: int, user: UserId, amount: int, at: datetime) -> BoardEntry:
    return BoardEntry(
        entry_id=UUID(int=100 + n), user=user, display_name=str(user)[-1], amount=amount, at=at
    )


def test_periods_are_utc_iso_weeks_and_months() -> None:
    assert period_of(Board.WEEKLY, T0) == "2024-W10"
    assert period_of(Board.MONTHLY, T0) == "2024-03"
    assert period_of(Board.ALL_TIME, T0) == "all"


def test_ties_go_to_whoever_got_there_first_then_user_id() -> None:
    entries = [
        entry(1, A, 40, T0),
        entry(2, B, 40, T0 + timedelta(hours=1)),
        entry(3, C, 40, T0 + timedelta(hours=1)),
        entry(4, C, 40, T0),  # duplicate id below is ignored
        entry(4, C, 40, T0),
    ]
    rows = build_board(entries, Board.WEEKLY, "2024-W10")
    assert [(r.rank, r.user, r.xp) for r in rows] == [(1, C, 80), (2, A, 40), (3, B, 40)]


def test_a_reversal_counts_in_its_awards_week_and_hidden_users_vanish() -> None:
    entries = [entry(1, A, 40, T0), entry(2, A, -40, T0), entry(3, B, 10, T0)]
    rows = build_board(entries, Board.WEEKLY, "2024-W10", hidden={B})
    assert [(r.user, r.xp) for r in rows] == [(A, 0)]
    assert build_board(entries, Board.WEEKLY, "2024-W11") == []
