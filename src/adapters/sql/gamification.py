"""SQL repositories and unit of work of the gamification service.

Same semantics as :mod:`adapters.memory.gamification` (the contract tests hold both to
them), with the database doing what the in-memory store checks by hand:

* a ledger entry whose ``(user, key)`` exists, or a second live award of one quest
  occurrence, is refused by a unique constraint; the insert is ``ON CONFLICT DO NOTHING`` so
  the refusal is ``AlreadyExists``, not an aborted transaction, and a racing transaction
  waits for the winner and then sees the conflict;
* a player is saved with ``UPDATE ... WHERE version = :read_version``: zero rows means
  someone else saved first (``ConcurrencyConflict``);
* leaderboards are running scores per (board, period), upserted in the unit of work's
  transaction; the board-entry table makes recording idempotent by entry id;
* :class:`SqlBoardSource` hands the ledger's entries of one board period to a board that is
  rebuilt from the source of truth (the Redis board when its period is missing).

Rows are translated to the domain's classes explicitly; nothing here maps them with the ORM.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import dialects
from adapters.sql.game_reopens import SqlReopens
from adapters.sql.game_social import SqlFriends, SqlShares
from adapters.sql.tables import gamification as t
from adapters.sql.unit_of_work import SqlInbox, SqlUnitOfWork
from adapters.sql.writers import read_connection
from questlog_core.errors import AlreadyExists, ConcurrencyConflict, PlayerNotFound
from questlog_core.gamification.achievements import AchievementProgress
from questlog_core.gamification.leaderboards import (
    Board,
    BoardEntry,
    BoardRow,
    period_of,
    periods_of,
)
from questlog_core.gamification.ledger import EntryKind, LedgerEntry, Multiplier
from questlog_core.gamification.players import Player
from questlog_core.gamification.streaks import Streak
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.ports.gamification import (
    AchievementRepository,
    FriendRepository,
    Leaderboard,
    PlayerRepository,
    ReopenRepository,
    ShareRepository,
    XpLedgerRepository,
)
from questlog_core.ports.platform import Clock

if TYPE_CHECKING:
    from questlog_core.ports.gamification import GamificationUnitOfWork

# -- rows <-> domain ----------------------------------------------------------------------------


def _entry_row(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "entry_id": entry.entry_id,
        "user_id": entry.user,
        "key": entry.key,
        "kind": entry.kind.value,
        "amount": entry.amount,
        "reason": entry.reason,
        "at": entry.at,
        "effective_at": entry.effective_at,
        "local_date": entry.local_date,
        "quest_id": entry.quest_id,
        "occurrence": entry.occurrence,
        "difficulty": entry.difficulty,
        "source_event_id": entry.source_event_id,
        "reverses": entry.reverses,
        "multipliers": msgspec.to_builtins(entry.multipliers),
        "quest_version": entry.quest_version,
    }


def _entry(row: Row[Any]) -> LedgerEntry:
    return LedgerEntry(
        entry_id=row.entry_id,
        user=UserId(row.user_id),
        key=row.key,
        kind=EntryKind(row.kind),
        amount=row.amount,
        reason=row.reason,
        at=row.at,
        effective_at=row.effective_at,
        local_date=row.local_date,
        quest_id=QuestId(row.quest_id) if row.quest_id is not None else None,
        occurrence=row.occurrence,
        difficulty=row.difficulty,
        source_event_id=EventId(row.source_event_id) if row.source_event_id else None,
        reverses=row.reverses,
        multipliers=msgspec.convert(row.multipliers, tuple[Multiplier, ...]),
        quest_version=row.quest_version,
    )


def _player_values(player: Player) -> dict[str, Any]:
    return {
        "display_name": player.display_name,
        "timezone": player.timezone,
        "day_start_hour": player.day_start_hour,
        "streak": msgspec.to_builtins(player.streak),
        "level": player.level,
        "peak_level": player.peak_level,
        "opted_out": player.opted_out,
        "created_at": player.created_at,
        "next_rollover_at": player.next_rollover_at,
        "profile_as_of": player.profile_as_of,
        "email_digest": player.email_digest,
    }


def _player(row: Row[Any]) -> Player:
    return Player(
        user=UserId(row.user_id),
        display_name=row.display_name,
        timezone=row.timezone,
        day_start_hour=row.day_start_hour,
        streak=msgspec.convert(row.streak, Streak),
        level=row.level,
        peak_level=row.peak_level,
        opted_out=row.opted_out,
        created_at=row.created_at,
        next_rollover_at=row.next_rollover_at,
        profile_as_of=row.profile_as_of,
        email_digest=row.email_digest,
        version=row.version,
    )


# -- repositories -------------------------------------------------------------------------------


class SqlXpLedger:
    """The append-only XP ledger (``XpLedgerRepository``)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _c(self) -> AsyncConnection:
        return self._uow.connection

    async def append(self, entry: LedgerEntry) -> None:
        c = self._c
        if entry.kind is EntryKind.REVERSAL and entry.reverses is not None:
            # Stamp the award first so the live-award constraint lets a new award in later.
            await c.execute(
                update(t.ledger)
                .where(
                    t.ledger.c.user_id == entry.user,
                    t.ledger.c.entry_id == entry.reverses,
                    t.ledger.c.reversed_by.is_(None),
                )
                .values(reversed_by=entry.entry_id)
            )
        if not await dialects.insert_if_absent(c, t.ledger, _entry_row(entry)):
            raise AlreadyExists("ledger entry", entry.key)

    async def get_by_key(self, user: UserId, key: str) -> LedgerEntry | None:
        query = select(t.ledger).where(t.ledger.c.user_id == user, t.ledger.c.key == key)
        row = (await self._c.execute(query)).first()
        return _entry(row) if row is not None else None

    async def live_award(
        self, user: UserId, quest_id: QuestId, occurrence: int
    ) -> LedgerEntry | None:
        query = (
            select(t.ledger)
            .where(
                t.ledger.c.user_id == user,
                t.ledger.c.quest_id == quest_id,
                t.ledger.c.occurrence == occurrence,
                t.ledger.c.kind == EntryKind.AWARD.value,
                t.ledger.c.reversed_by.is_(None),
            )
            .order_by(t.ledger.c.position)
            .limit(1)
        )
        row = (await self._c.execute(query)).first()
        return _entry(row) if row is not None else None

    async def awards_made(self, user: UserId, quest_id: QuestId, occurrence: int) -> int:
        query = select(func.count()).where(
            t.ledger.c.user_id == user,
            t.ledger.c.quest_id == quest_id,
            t.ledger.c.occurrence == occurrence,
            t.ledger.c.kind == EntryKind.AWARD.value,
        )
        return int((await self._c.execute(query)).scalar_one())

    async def balance(self, user: UserId) -> int:
        query = select(func.coalesce(func.sum(t.ledger.c.amount), 0)).where(
            t.ledger.c.user_id == user
        )
        return int((await self._c.execute(query)).scalar_one())

    async def entries_on(self, user: UserId, local_date: date) -> list[LedgerEntry]:
        query = (
            select(t.ledger)
            .where(t.ledger.c.user_id == user, t.ledger.c.local_date == local_date)
            .order_by(t.ledger.c.position)
        )
        return [_entry(r) for r in await self._c.execute(query)]

    async def entries(
        self,
        user: UserId,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[LedgerEntry]:
        query = select(t.ledger).where(t.ledger.c.user_id == user)
        if since is not None:
            query = query.where(t.ledger.c.at >= since)
        if until is not None:
            query = query.where(t.ledger.c.at < until)
        # uuid order is the order of the ids' text on both databases
        query = query.order_by(t.ledger.c.at, t.ledger.c.entry_id)
        if limit is not None:
            query = query.limit(limit)
        return [_entry(r) for r in await self._c.execute(query)]


class SqlPlayers:
    """Game profiles with optimistic concurrency (``PlayerRepository``)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _c(self) -> AsyncConnection:
        return self._uow.connection

    async def find(self, user: UserId) -> Player | None:
        row = (await self._c.execute(select(t.players).where(t.players.c.user_id == user))).first()
        return _player(row) if row is not None else None

    async def get(self, user: UserId) -> Player:
        found = await self.find(user)
        if found is None:
            raise PlayerNotFound(user)
        return found

    async def add(self, player: Player) -> None:
        values = {"user_id": player.user, "version": 1, **_player_values(player)}
        if not await dialects.insert_if_absent(self._c, t.players, values):
            raise AlreadyExists("player", player.user)
        player.version = 1

    async def save(self, player: Player) -> None:
        statement = (
            update(t.players)
            .where(t.players.c.user_id == player.user, t.players.c.version == player.version)
            .values(version=t.players.c.version + 1, **_player_values(player))
        )
        if (await self._c.execute(statement)).rowcount != 1:
            actual = (
                await self._c.execute(
                    select(t.players.c.version).where(t.players.c.user_id == player.user)
                )
            ).scalar_one_or_none()
            if actual is None:
                raise PlayerNotFound(player.user)
            raise ConcurrencyConflict("player", player.user, player.version, actual)
        player.version += 1

    async def due_for_rollover(self, now: datetime, limit: int = 500) -> list[UserId]:
        query = (
            select(t.players.c.user_id)
            .where(t.players.c.next_rollover_at <= now)
            .order_by(t.players.c.next_rollover_at, t.players.c.user_id)
            .limit(limit)
        )
        return [UserId(u) for u in (await self._c.execute(query)).scalars()]

    async def by_email_digest(self, email_digest: str) -> Player | None:
        query = select(t.players).where(t.players.c.email_digest == email_digest).limit(1)
        row = (await self._c.execute(query)).first()
        return _player(row) if row is not None else None


class SqlAchievements:
    """Achievement counters and unlocks (``AchievementRepository``)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def get(self, user: UserId) -> AchievementProgress:
        query = select(t.achievements.c.progress).where(t.achievements.c.user_id == user)
        found = (await self._uow.connection.execute(query)).scalar_one_or_none()
        if found is None:
            return AchievementProgress()
        return msgspec.convert(found, AchievementProgress)

    async def save(self, user: UserId, progress: AchievementProgress) -> None:
        c = self._uow.connection
        statement = dialects.insert(c, t.achievements)
        statement = statement.on_conflict_do_update(
            index_elements=[t.achievements.c.user_id],
            set_={"progress": statement.excluded.progress},
        )
        await c.execute(statement, {"user_id": user, "progress": msgspec.to_builtins(progress)})


class SqlLeaderboard:
    """Weekly, monthly and all-time boards as running scores (``Leaderboard``)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _c(self) -> AsyncConnection:
        return self._uow.connection

    async def record(self, entry: BoardEntry) -> None:
        c = self._c
        claim = {"user_id": entry.user, "entry_id": entry.entry_id}
        if not await dialects.insert_if_absent(c, t.board_entries, claim):
            return  # this entry is on the boards already
        s = t.board_scores
        upsert = dialects.insert(c, s)
        upsert = upsert.on_conflict_do_update(
            index_elements=[s.c.board, s.c.period, s.c.user_id],
            set_={
                "xp": s.c.xp + upsert.excluded.xp,
                "display_name": upsert.excluded.display_name,
                "reached_at": dialects.greatest(c, s.c.reached_at, upsert.excluded.reached_at),
            },
        )
        await c.execute(
            upsert,
            [
                {
                    "board": board.value,
                    "period": period,
                    "user_id": entry.user,
                    "display_name": entry.display_name,
                    "xp": entry.amount,
                    "reached_at": entry.at,
                }
                for board, period in periods_of(entry.at)
            ],
        )

    async def top(
        self, board: Board, period: str, limit: int = 10, *, offset: int = 0
    ) -> list[BoardRow]:
        s = t.board_scores
        query = (
            select(s.c.user_id, s.c.display_name, s.c.xp)
            .where(s.c.board == board.value, s.c.period == period)
            .order_by(s.c.xp.desc(), s.c.reached_at, s.c.user_id)
            .offset(offset)
            .limit(limit)
        )
        rows = (await self._c.execute(query)).all()
        return [
            BoardRow(rank=i, user=UserId(r.user_id), display_name=r.display_name, xp=r.xp)
            for i, r in enumerate(rows, start=offset + 1)
        ]

    async def rank_of(self, board: Board, period: str, user: UserId) -> BoardRow | None:
        s = t.board_scores
        on_board = and_(s.c.board == board.value, s.c.period == period)
        mine = (await self._c.execute(select(s).where(on_board, s.c.user_id == user))).first()
        if mine is None:
            return None
        ahead = select(func.count()).where(
            on_board,
            or_(
                s.c.xp > mine.xp,
                and_(s.c.xp == mine.xp, s.c.reached_at < mine.reached_at),
                and_(
                    s.c.xp == mine.xp,
                    s.c.reached_at == mine.reached_at,
                    s.c.user_id < user,
                ),
            ),
        )
        count = int((await self._c.execute(ahead)).scalar_one())
        return BoardRow(rank=count + 1, user=user, display_name=mine.display_name, xp=mine.xp)

    async def remove_user(self, user: UserId) -> None:
        await self._c.execute(delete(t.board_scores).where(t.board_scores.c.user_id == user))
        await self._c.execute(delete(t.board_entries).where(t.board_entries.c.user_id == user))

    async def rename(self, user: UserId, display_name: str) -> None:
        await self._c.execute(
            update(t.board_scores)
            .where(t.board_scores.c.user_id == user)
            .values(display_name=display_name)
        )


class SqlBoardSource:
    """The entries of one board period, read from the ledger (``BoardSource``).

    Exactly what the SQL board counts: every ledger entry of a player who has not opted out
    (appending records each one on the boards, opting back in records them all again), in the
    period of its ``effective_at`` (a reversal counts where the award it undoes did), carrying
    the player's current display name. A period the board does not have has no entries.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def board_entries(self, board: Board, period: str) -> Sequence[BoardEntry]:
        """Every entry counting toward ``(board, period)``, in ledger order."""
        try:
            span = _period_span(board, period)
        except (ValueError, OverflowError):
            return []  # as on the SQL board: a period that does not exist is empty
        e, p = t.ledger.c, t.players.c
        query = (
            select(t.ledger, p.display_name)
            .join_from(t.ledger, t.players, p.user_id == e.user_id)
            .where(p.opted_out.is_(False))
            .order_by(e.position)
        )
        if span is not None:
            query = query.where(e.effective_at >= span[0], e.effective_at < span[1])
        async with read_connection(self._engine) as c:
            rows = (await c.execute(query)).all()
        return [BoardEntry.from_ledger(_entry(r), r.display_name) for r in rows]


_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _period_span(board: Board, period: str) -> tuple[datetime, datetime] | None:
    """The UTC ``[start, end)`` of a weekly or monthly period, ``None`` for all time.

    The inverse of ``leaderboards.period_of``; ``ValueError`` (or ``OverflowError`` at the
    end of the calendar) for a period that ``board`` does not have.
    """
    if board is Board.ALL_TIME:
        if period != "all":
            raise ValueError(f"no {board} period {period!r}")
        return None
    if board is Board.WEEKLY and (week := _WEEK.fullmatch(period)):
        start = datetime.fromisocalendar(int(week[1]), int(week[2]), 1).replace(tzinfo=UTC)
        end = start + timedelta(weeks=1)
    elif board is Board.MONTHLY and (month := _MONTH.fullmatch(period)):
        start = datetime(int(month[1]), int(month[2]), 1, tzinfo=UTC)
        end = datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)
    else:
        raise ValueError(f"no {board} period {period!r}")
    if period_of(board, start) != period:  # not the canonical spelling of any period
        raise ValueError(f"no {board} period {period!r}")
    return start, end


class SqlGamificationUnitOfWork(SqlUnitOfWork):
    """One transaction over the game's tables, its inbox and its outbox.

    Create one per use case: ``SqlGamificationUnitOfWork(engine)`` (optionally with the
    :class:`Clock` that stamps outbox and inbox rows).
    """

    service = "gamification"

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        super().__init__(engine, clock)
        self.ledger: XpLedgerRepository = SqlXpLedger(self)
        self.players: PlayerRepository = SqlPlayers(self)
        self.achievements: AchievementRepository = SqlAchievements(self)
        self.leaderboard: Leaderboard = SqlLeaderboard(self)
        self.reopens: ReopenRepository = SqlReopens(self)
        self.friends: FriendRepository = SqlFriends(self)
        self.shares: ShareRepository = SqlShares(self)


__all__ = [
    "SqlAchievements",
    "SqlBoardSource",
    "SqlGamificationUnitOfWork",
    "SqlInbox",
    "SqlLeaderboard",
    "SqlPlayers",
    "SqlXpLedger",
]


if TYPE_CHECKING:  # the adapter satisfies the port (checked by mypy, free at runtime)

    def _satisfies_port(engine: AsyncEngine) -> GamificationUnitOfWork:
        return SqlGamificationUnitOfWork(engine)
