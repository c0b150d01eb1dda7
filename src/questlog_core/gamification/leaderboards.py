"""Leaderboards: weekly, monthly and all-time XP boards built from ledger entries.

Periods are UTC (ISO week ``2024-W10``, month ``2024-03``, ``all``): a shared board needs one
clock, unlike streaks, which follow each player's own day. A reversal counts in the period of
the award it reverses (``effective_at``). Ties are broken deterministically: more XP first,
then whoever reached that score first, then the smaller user id. A player who opts out
vanishes from every board but keeps their XP. Rows carry a user id and a display name only,
never an email.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from questlog_core.gamification.ledger import LedgerEntry
from questlog_core.kernel.ids import UserId


class Board(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ALL_TIME = "all_time"


def period_of(board: Board, at: datetime) -> str:
    """The period of ``board`` that the moment ``at`` falls in."""
    utc = at.astimezone(UTC)
    if board is Board.WEEKLY:
        year, week, _ = utc.isocalendar()
        return f"{year}-W{week:02d}"
    if board is Board.MONTHLY:
        return f"{utc.year}-{utc.month:02d}"
    return "all"


_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def is_period(board: Board, period: str) -> bool:
    """Whether ``period`` is how :func:`period_of` spells one of ``board``'s periods."""
    if board is Board.ALL_TIME:
        return period == "all"
    try:
        if board is Board.WEEKLY and (week := _WEEK.fullmatch(period)):
            start = datetime.fromisocalendar(int(week[1]), int(week[2]), 1)
        elif board is Board.MONTHLY and (month := _MONTH.fullmatch(period)):
            start = datetime(int(month[1]), int(month[2]), 1)
        else:
            return False
    except ValueError:
        return False
    return period_of(board, start.replace(tzinfo=UTC)) == period


def periods_of(at: datetime) -> list[tuple[Board, str]]:
    """Every (board, period) an entry at ``at`` counts toward."""
    return [(b, period_of(b, at)) for b in Board]


class BoardEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One XP change as a board sees it (``entry_id`` makes recording idempotent)."""

    entry_id: UUID
    user: UserId
    display_name: str
    amount: int
    at: datetime  # the moment it counts (a reversal: the reversed award's moment)

    @classmethod
    def from_ledger(cls, entry: LedgerEntry, display_name: str) -> BoardEntry:
        return cls(
            entry_id=entry.entry_id,
            user=entry.user,
            display_name=display_name,
            amount=entry.amount,
            at=entry.effective_at,
        )


class Score(msgspec.Struct, kw_only=True):
    """A player's running total on one board period."""

    user: UserId
    display_name: str
    xp: int
    reached_at: datetime


class BoardRow(msgspec.Struct, frozen=True, kw_only=True):
    """A ranked line of a board."""

    rank: int
    user: UserId
    display_name: str
    xp: int


def apply(score: Score | None, entry: BoardEntry) -> Score:
    """Add one entry to a running score."""
    if score is None:
        return Score(
            user=entry.user, display_name=entry.display_name, xp=entry.amount, reached_at=entry.at
        )
    score.xp += entry.amount
    score.display_name = entry.display_name
    # "reached first" is about the latest change that set the current total
    score.reached_at = max(score.reached_at, entry.at)
    return score


def sort_key(score: Score) -> tuple[int, datetime, str]:
    """The board order: XP descending, earlier reached first, then user id."""
    return (-score.xp, score.reached_at, str(score.user))


def rank(scores: Iterable[Score], hidden: Container[UserId] = ()) -> list[BoardRow]:
    """Rank scores into rows (1-based, no shared ranks), leaving ``hidden`` users out."""
    visible = sorted((s for s in scores if s.user not in hidden), key=sort_key)
    return [
        BoardRow(rank=i, user=s.user, display_name=s.display_name, xp=s.xp)
        for i, s in enumerate(visible, start=1)
    ]


def build_board(
    entries: Iterable[BoardEntry],
    board: Board,
    period: str,
    hidden: Container[UserId] = (),
) -> list[BoardRow]:
    """A board computed from scratch (how a board is rebuilt from the ledger)."""
    scores: dict[UserId, Score] = {}
    seen: set[UUID] = set()
    for e in sorted(entries, key=lambda e: (e.at, str(e.entry_id))):
        if e.entry_id in seen or period_of(board, e.at) != period:
            continue
        seen.add(e.entry_id)
        scores[e.user] = apply(scores.get(e.user), e)
    return rank(scores.values(), hidden)


__all__ = [
    "Board",
    "BoardEntry",
    "BoardRow",
    "Score",
    "apply",
    "build_board",
    "is_period",
    "period_of",
    "periods_of",
    "rank",
    "sort_key",
]
