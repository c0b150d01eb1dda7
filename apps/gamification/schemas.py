"""Request and response bodies of the gamification service.

Responses are explicit Structs built from the use cases' results (``from_domain``), so the
published contract changes only when this file does. Bodies refuse unknown fields. Field
bounds here only keep huge values away from the use cases; the rules (a time zone that
exists, a display name that is not an email address, an amount within the adjustment limit)
are the domain's and answer 422.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from questlog_core.gamification.achievements import AchievementStatus
from questlog_core.gamification.leaderboards import Board, BoardRow
from questlog_core.gamification.ledger import LedgerEntry, Multiplier
from questlog_core.services.gamification import (
    AwardOutcome,
    BoardPage,
    LedgerPage,
    Profile,
    StreakView,
)

#: the board a leaderboard request names (``all-time`` in URLs, ``all_time`` in the domain)
BoardName = Literal["weekly", "monthly", "all-time"]

_BOARDS: dict[str, Board] = {
    "weekly": Board.WEEKLY,
    "monthly": Board.MONTHLY,
    "all-time": Board.ALL_TIME,
}
_NAMES: dict[Board, BoardName] = {
    Board.WEEKLY: "weekly",
    Board.MONTHLY: "monthly",
    Board.ALL_TIME: "all-time",
}


def board_of(name: BoardName) -> Board:
    """The domain board a request's ``period`` names."""
    return _BOARDS[name]


class MultiplierOut(msgspec.Struct, frozen=True, kw_only=True):
    """One factor on an award (``streak`` 1.1 = +10 %)."""

    name: str
    factor: float

    @classmethod
    def from_domain(cls, multiplier: Multiplier) -> MultiplierOut:
        return cls(name=multiplier.name, factor=multiplier.factor)


class ProfileOut(msgspec.Struct, frozen=True, kw_only=True):
    """The caller's game profile as of now.

    ``xp_into_level`` of ``xp_for_level`` is how far into the current level the player is;
    ``xp_to_next_level`` is what is left. ``multipliers`` are what the player's streak and
    today's completions put on their next award (the quest's own timing and blocking come on
    top). ``unlocked_features`` stay unlocked at the highest level ever reached.
    """

    user_id: UUID
    display_name: str
    total_xp: int
    level: int
    xp_into_level: int
    xp_for_level: int
    xp_to_next_level: int
    multipliers: list[MultiplierOut]
    streak: int
    longest_streak: int
    freezes: int
    today: date
    today_counted: bool
    unlocked_features: list[str]
    timezone: str
    day_start_hour: int
    leaderboard_opt_out: bool

    @classmethod
    def from_domain(cls, profile: Profile) -> ProfileOut:
        return cls(
            user_id=profile.user,
            display_name=profile.display_name,
            total_xp=profile.total_xp,
            level=profile.level,
            xp_into_level=profile.xp_into_level,
            xp_for_level=profile.xp_for_next,
            xp_to_next_level=profile.xp_for_next - profile.xp_into_level,
            multipliers=[MultiplierOut.from_domain(m) for m in profile.multipliers],
            streak=profile.streak,
            longest_streak=profile.longest_streak,
            freezes=profile.freezes,
            today=profile.today,
            today_counted=profile.today_counted,
            unlocked_features=list(profile.unlocked_features),
            timezone=profile.timezone,
            day_start_hour=profile.day_start_hour,
            leaderboard_opt_out=profile.opted_out,
        )


class AchievementOut(msgspec.Struct, frozen=True, kw_only=True):
    """One achievement: unlocked (with when) or the progress toward it."""

    key: str
    title: str
    description: str
    unlocked: bool
    unlocked_at: datetime | None
    progress: int
    target: int

    @classmethod
    def from_domain(cls, status: AchievementStatus) -> AchievementOut:
        return cls(
            key=status.key,
            title=status.title,
            description=status.description,
            unlocked=status.unlocked_at is not None,
            unlocked_at=status.unlocked_at,
            progress=status.progress,
            target=status.target,
        )


class AchievementsOut(msgspec.Struct, frozen=True, kw_only=True):
    """Every achievement: the unlocked ones first (most recent first), then the locked ones
    by how close the player is."""

    unlocked: int
    total: int
    items: list[AchievementOut]

    @classmethod
    def from_domain(cls, statuses: list[AchievementStatus]) -> AchievementsOut:
        done = sorted(
            (s for s in statuses if s.unlocked_at is not None),
            key=lambda s: (s.unlocked_at, s.key),
            reverse=True,
        )
        locked = sorted(
            (s for s in statuses if s.unlocked_at is None),
            key=lambda s: (-s.progress / s.target, s.key),
        )
        return cls(
            unlocked=len(done),
            total=len(statuses),
            items=[AchievementOut.from_domain(s) for s in (*done, *locked)],
        )


class LedgerEntryOut(msgspec.Struct, frozen=True, kw_only=True):
    """One change to the caller's XP.

    ``kind``: ``award`` (a completed quest), ``reversal`` (a reopened quest: ``reverses``
    names the award), ``streak_bonus``, ``streak_penalty`` or ``adjustment`` (an operator's).
    ``counts_for`` is the player's local day the entry counts for.
    """

    entry_id: UUID
    kind: str
    amount: int
    reason: str
    at: datetime
    counts_for: date
    quest_id: UUID | None
    occurrence: int | None
    difficulty: str | None
    reverses: UUID | None
    multipliers: list[MultiplierOut]

    @classmethod
    def from_domain(cls, entry: LedgerEntry) -> LedgerEntryOut:
        return cls(
            entry_id=entry.entry_id,
            kind=entry.kind.value,
            amount=entry.amount,
            reason=entry.reason,
            at=entry.at,
            counts_for=entry.local_date,
            quest_id=entry.quest_id,
            occurrence=entry.occurrence,
            difficulty=entry.difficulty,
            reverses=entry.reverses,
            multipliers=[MultiplierOut.from_domain(m) for m in entry.multipliers],
        )


class LedgerPageOut(msgspec.Struct, frozen=True, kw_only=True):
    """A page of the caller's ledger, newest first; ``next_offset`` is ``null`` on the last."""

    items: list[LedgerEntryOut]
    total: int
    offset: int
    limit: int
    next_offset: int | None

    @classmethod
    def from_domain(cls, page: LedgerPage) -> LedgerPageOut:
        end = page.offset + len(page.items)
        return cls(
            items=[LedgerEntryOut.from_domain(e) for e in page.items],
            total=page.total,
            offset=page.offset,
            limit=page.limit,
            next_offset=end if end < page.total else None,
        )


class BoardRowOut(msgspec.Struct, frozen=True, kw_only=True):
    """A ranked line of a board: a display name and XP, never an email."""

    rank: int
    user_id: UUID
    display_name: str
    xp: int
    me: bool

    @classmethod
    def from_domain(cls, row: BoardRow, me: UUID) -> BoardRowOut:
        return cls(
            rank=row.rank,
            user_id=row.user,
            display_name=row.display_name,
            xp=row.xp,
            me=row.user == me,
        )


class LeaderboardOut(msgspec.Struct, frozen=True, kw_only=True):
    """Consecutive rows of one board period from ``offset``, and the caller's own row
    (``null`` when they have no XP in the period or opted out)."""

    period: BoardName
    key: str
    offset: int
    rows: list[BoardRowOut]
    me: BoardRowOut | None

    @classmethod
    def from_domain(cls, page: BoardPage, me: UUID) -> LeaderboardOut:
        return cls(
            period=_NAMES[page.board],
            key=page.period,
            offset=page.offset,
            rows=[BoardRowOut.from_domain(r, me) for r in page.rows],
            me=None if page.me is None else BoardRowOut.from_domain(page.me, me),
        )


class StreakOut(msgspec.Struct, frozen=True, kw_only=True):
    """The caller's daily streak as of now, on their own calendar.

    ``yesterday_open``: a completion made today may still be checked in for yesterday
    (``POST /streaks``) until ``check_in_closes_at``. Freezes are spent automatically on a
    day without a completion; ``frozen_days`` are the recent days one covered.
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
    frozen_days: list[date]
    timezone: str
    day_start_hour: int

    @classmethod
    def from_domain(cls, view: StreakView) -> StreakOut:
        return cls(
            current=view.current,
            longest=view.longest,
            freezes=view.freezes,
            freeze_cap=view.freeze_cap,
            days_to_next_freeze=view.days_to_next_freeze,
            today=view.today,
            today_counted=view.today_counted,
            yesterday=view.yesterday,
            yesterday_counted=view.yesterday_counted,
            yesterday_open=view.yesterday_open,
            check_in_closes_at=view.check_in_closes_at,
            next_milestone=view.next_milestone,
            next_milestone_bonus=view.next_milestone_bonus,
            frozen_days=list(view.frozen_days),
            timezone=view.timezone,
            day_start_hour=view.day_start_hour,
        )


class CheckInIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Count a completion made today (after midnight) for yesterday."""

    quest_id: UUID
    #: which occurrence of a recurring quest (0 for a one-off)
    occurrence: Annotated[int, msgspec.Meta(ge=0)] = 0


class TimeZoneIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The player's IANA time zone and the hour their day starts (0–23)."""

    timezone: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=64,
            description="an IANA time zone name this server knows, e.g. Europe/Berlin",
        ),
    ]
    day_start_hour: int = 0


class DisplayNameIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The name boards show (1–40 characters, not an email address)."""

    display_name: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=40,
            description="1-40 characters after trimming, not an email address",
        ),
    ]


class LeaderboardVisibilityIn(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """``hidden``: leave every board (XP is kept); ``shown``: come back. (A word rather than a
    boolean: the edge converts ``0``/``"false"`` to booleans, and this choice should be
    stated, not guessed.)"""

    visibility: Literal["shown", "hidden"]


class AwardIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Grant (or, negative, take) XP outside the quest rules.

    ``reference`` (optional) makes the grant idempotent per player: a second grant with the
    same reference changes nothing and answers the first (200 instead of 201).
    """

    user_id: UUID
    amount: int
    reason: Annotated[str, msgspec.Meta(max_length=500)]
    reference: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class AwardOut(msgspec.Struct, frozen=True, kw_only=True):
    """The ledger entry the grant made (or the earlier one its reference names)."""

    user_id: UUID
    created: bool
    entry: LedgerEntryOut
    total_xp: int
    level: int

    @classmethod
    def from_domain(cls, outcome: AwardOutcome) -> AwardOut:
        return cls(
            user_id=outcome.entry.user,
            created=outcome.created,
            entry=LedgerEntryOut.from_domain(outcome.entry),
            total_xp=outcome.total_xp,
            level=outcome.level,
        )


#: the ``format`` of the gamification service's part of a data export
GAME_EXPORT_FORMAT = "questlog.gamification.export.v1"


class GameExportOut(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the gamification service keeps of the caller: profile, streak,
    achievements and the whole XP ledger (oldest first)."""

    format: str
    exported_at: datetime
    profile: ProfileOut
    streak: StreakOut
    achievements: AchievementsOut
    ledger: list[LedgerEntryOut]
