"""In-memory game storage: the reference semantics of the gamification ports.

A unit of work works on a private copy of the store and remembers what it changed. ``commit``
first checks for conflicts with what others committed meanwhile (player versions, ledger keys,
inbox claims), then applies its changes; leaving without a commit discards them. That is a
real rollback, and two interleaved units of work behave like two transactions.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Self
from uuid import UUID

import msgspec

from adapters.memory.messaging import InMemoryOutbox
from adapters.memory.social import InMemoryFriends, InMemoryShares, SocialState
from questlog_core.errors import AlreadyExists, ConcurrencyConflict, PlayerNotFound
from questlog_core.events import DomainEvent
from questlog_core.gamification.achievements import AchievementProgress
from questlog_core.gamification.completions import Reopen
from questlog_core.gamification.leaderboards import (
    Board,
    BoardEntry,
    BoardRow,
    Score,
    apply,
    periods_of,
    rank,
)
from questlog_core.gamification.ledger import EntryKind, LedgerEntry
from questlog_core.gamification.players import Player
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.kernel.messaging import OutboxRecord


@dataclass
class _State:
    ledger: dict[UserId, list[LedgerEntry]] = field(default_factory=dict)
    players: dict[UserId, Player] = field(default_factory=dict)
    achievements: dict[UserId, AchievementProgress] = field(default_factory=dict)
    boards: dict[tuple[Board, str], dict[UserId, Score]] = field(default_factory=dict)
    #: entry ids already on the boards, per user (forgotten when the user leaves the boards)
    board_entries: dict[UserId, set[UUID]] = field(default_factory=dict)
    inbox: set[tuple[str, EventId]] = field(default_factory=set)
    reopens: dict[EventId, Reopen] = field(default_factory=dict)
    social: SocialState = field(default_factory=SocialState)

    def copy(self) -> _State:
        """A private working copy (ledger entries and streaks are immutable, so shared)."""
        return _State(
            ledger={u: list(es) for u, es in self.ledger.items()},
            players={u: copy.copy(p) for u, p in self.players.items()},
            achievements={u: _copy_progress(a) for u, a in self.achievements.items()},
            boards={
                k: {u: msgspec.structs.replace(sc) for u, sc in scores.items()}
                for k, scores in self.boards.items()
            },
            board_entries={u: set(ids) for u, ids in self.board_entries.items()},
            inbox=set(self.inbox),
            reopens=dict(self.reopens),
            social=self.social.copy(),
        )


def _copy_progress(progress: AchievementProgress) -> AchievementProgress:
    # a completion's contribution map is never changed after it is recorded: share it
    return AchievementProgress(
        counters=dict(progress.counters),
        unlocked=dict(progress.unlocked),
        contributions=dict(progress.contributions),
    )


class InMemoryGamificationStore:
    """The shared "database" behind any number of units of work."""

    def __init__(self) -> None:
        self.state = _State()
        #: committed events, in commit order (what an outbox relay would publish)
        self.outbox: list[DomainEvent] = []
        self.published: set[EventId] = set()

    def unit_of_work(self) -> InMemoryGamificationUnitOfWork:
        return InMemoryGamificationUnitOfWork(self)

    def outbox_reader(self) -> InMemoryOutbox:
        """The outbox port over this store."""
        return InMemoryOutbox(lambda: [OutboxRecord.of(e) for e in self.outbox], self.published)


# -- repositories over a unit of work's working copy ------------------------------------------


class InMemoryXpLedger:
    def __init__(self, uow: InMemoryGamificationUnitOfWork) -> None:
        self._uow = uow

    def _of(self, user: UserId) -> list[LedgerEntry]:
        return self._uow._work.ledger.get(user, [])

    async def append(self, entry: LedgerEntry) -> None:
        entries = self._uow._work.ledger.setdefault(entry.user, [])
        if any(e.key == entry.key for e in entries):
            raise AlreadyExists("ledger entry", entry.key)
        entries.append(entry)
        self._uow._new_entries.append(entry)

    async def get_by_key(self, user: UserId, key: str) -> LedgerEntry | None:
        return next((e for e in self._of(user) if e.key == key), None)

    async def live_award(
        self, user: UserId, quest_id: QuestId, occurrence: int
    ) -> LedgerEntry | None:
        entries = self._of(user)
        reversed_ids = {e.reverses for e in entries if e.kind is EntryKind.REVERSAL}
        for e in entries:
            if (
                e.kind is EntryKind.AWARD
                and e.quest_id == quest_id
                and e.occurrence == occurrence
                and e.entry_id not in reversed_ids
            ):
                return e
        return None

    async def awards_made(self, user: UserId, quest_id: QuestId, occurrence: int) -> int:
        return sum(
            1
            for e in self._of(user)
            if e.kind is EntryKind.AWARD and e.quest_id == quest_id and e.occurrence == occurrence
        )

    async def balance(self, user: UserId) -> int:
        return sum(e.amount for e in self._of(user))

    async def entries_on(self, user: UserId, local_date: date) -> list[LedgerEntry]:
        return [e for e in self._of(user) if e.local_date == local_date]

    async def entries(
        self,
        user: UserId,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[LedgerEntry]:
        found = [
            e
            for e in self._of(user)
            if (since is None or e.at >= since) and (until is None or e.at < until)
        ]
        found.sort(key=lambda e: (e.at, str(e.entry_id)))
        return found if limit is None else found[:limit]


class InMemoryPlayers:
    def __init__(self, uow: InMemoryGamificationUnitOfWork) -> None:
        self._uow = uow

    async def find(self, user: UserId) -> Player | None:
        found = self._uow._work.players.get(user)
        return copy.copy(found) if found is not None else None

    async def get(self, user: UserId) -> Player:
        found = await self.find(user)
        if found is None:
            raise PlayerNotFound(user)
        return found

    async def add(self, player: Player) -> None:
        if player.user in self._uow._work.players:
            raise AlreadyExists("player", player.user)
        stored = copy.copy(player)
        stored.version = 1
        player.version = 1
        self._uow._work.players[player.user] = stored
        self._uow._player_versions.setdefault(player.user, 0)

    async def save(self, player: Player) -> None:
        current = self._uow._work.players.get(player.user)
        if current is None:
            raise PlayerNotFound(player.user)
        if current.version != player.version:
            raise ConcurrencyConflict("player", player.user, player.version, current.version)
        self._uow._player_versions.setdefault(player.user, current.version)
        player.version += 1
        self._uow._work.players[player.user] = copy.copy(player)

    async def due_for_rollover(self, now: datetime, limit: int = 500) -> list[UserId]:
        due = [
            p
            for p in self._uow._work.players.values()
            if p.next_rollover_at is not None and p.next_rollover_at <= now
        ]
        due.sort(key=lambda p: (p.next_rollover_at or now, str(p.user)))
        return [p.user for p in due[:limit]]

    async def by_email_digest(self, email_digest: str) -> Player | None:
        found = next(
            (p for p in self._uow._work.players.values() if p.email_digest == email_digest), None
        )
        return copy.copy(found) if found is not None else None


class InMemoryAchievements:
    def __init__(self, uow: InMemoryGamificationUnitOfWork) -> None:
        self._uow = uow

    async def get(self, user: UserId) -> AchievementProgress:
        found = self._uow._work.achievements.get(user)
        return _copy_progress(found) if found is not None else AchievementProgress()

    async def save(self, user: UserId, progress: AchievementProgress) -> None:
        self._uow._work.achievements[user] = _copy_progress(progress)
        self._uow._saved_achievements.add(user)


class InMemoryLeaderboard:
    """Boards as running scores per (board, period); recording is idempotent by entry id."""

    def __init__(self, uow: InMemoryGamificationUnitOfWork) -> None:
        self._uow = uow

    async def record(self, entry: BoardEntry) -> None:
        self._uow._board_ops.append(lambda state: _record(state, entry))
        _record(self._uow._work, entry)

    async def top(
        self, board: Board, period: str, limit: int = 10, *, offset: int = 0
    ) -> list[BoardRow]:
        rows = rank(self._uow._work.boards.get((board, period), {}).values())
        return rows[offset : offset + limit]

    async def rank_of(self, board: Board, period: str, user: UserId) -> BoardRow | None:
        rows = rank(self._uow._work.boards.get((board, period), {}).values())
        return next((r for r in rows if r.user == user), None)

    async def remove_user(self, user: UserId) -> None:
        self._uow._board_ops.append(lambda state: _remove(state, user))
        _remove(self._uow._work, user)

    async def rename(self, user: UserId, display_name: str) -> None:
        self._uow._board_ops.append(lambda state: _rename(state, user, display_name))
        _rename(self._uow._work, user, display_name)


def _record(state: _State, entry: BoardEntry) -> None:
    seen = state.board_entries.setdefault(entry.user, set())
    if entry.entry_id in seen:
        return
    seen.add(entry.entry_id)
    for key in periods_of(entry.at):
        scores = state.boards.setdefault(key, {})
        scores[entry.user] = apply(scores.get(entry.user), entry)


def _remove(state: _State, user: UserId) -> None:
    state.board_entries.pop(user, None)
    for scores in state.boards.values():
        scores.pop(user, None)


def _rename(state: _State, user: UserId, name: str) -> None:
    for scores in state.boards.values():
        if user in scores:
            scores[user].display_name = name


class InMemoryReopens:
    def __init__(self, uow: InMemoryGamificationUnitOfWork) -> None:
        self._uow = uow

    async def record(self, reopen: Reopen) -> None:
        if reopen.event_id not in self._uow._work.reopens:
            self._uow._work.reopens[reopen.event_id] = reopen
            self._uow._new_reopens.append(reopen)

    async def of(self, user: UserId, quest_id: QuestId, occurrence: int) -> list[Reopen]:
        return [
            r
            for r in self._uow._work.reopens.values()
            if (r.user, r.quest_id, r.occurrence) == (user, quest_id, occurrence)
        ]


class InMemoryInbox:
    def __init__(self, uow: InMemoryGamificationUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        key = (consumer, event_id)
        if key in self._uow._work.inbox:
            return False
        self._uow._work.inbox.add(key)
        self._uow._claims.append(key)
        return True


class InMemoryGamificationUnitOfWork:
    """A transaction over an :class:`InMemoryGamificationStore`."""

    def __init__(self, store: InMemoryGamificationStore) -> None:
        self._store = store
        self.ledger = InMemoryXpLedger(self)
        self.players = InMemoryPlayers(self)
        self.achievements = InMemoryAchievements(self)
        self.leaderboard = InMemoryLeaderboard(self)
        self.inbox = InMemoryInbox(self)
        self.reopens = InMemoryReopens(self)
        self.friends = InMemoryFriends(self)
        self.shares = InMemoryShares(self)
        self._social_ops: list[Callable[[SocialState], object]] = []
        self._work = _State()
        self._new_reopens: list[Reopen] = []
        self._new_entries: list[LedgerEntry] = []
        self._player_versions: dict[UserId, int] = {}
        self._saved_achievements: set[UserId] = set()
        self._board_ops: list[Callable[[_State], None]] = []
        self._claims: list[tuple[str, EventId]] = []
        self._events: list[DomainEvent] = []
        self._last_committed: Sequence[DomainEvent] = ()
        self.committed = False

    @property
    def _social(self) -> SocialState:
        return self._work.social

    def _reset(self) -> None:
        self._work = self._store.state.copy()
        self._new_entries = []
        self._player_versions = {}
        self._saved_achievements = set()
        self._board_ops = []
        self._claims = []
        self._events = []
        self._new_reopens = []
        self._social_ops = []

    async def __aenter__(self) -> Self:
        self._reset()
        self.committed = False
        self._last_committed = ()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if not self.committed:
            self._work = _State()  # roll back: drop the working copy and everything recorded
            self._new_entries, self._player_versions, self._saved_achievements = [], {}, set()
            self._board_ops, self._claims, self._events = [], [], []
            self._new_reopens, self._social_ops = [], []

    async def rollback(self) -> None:
        """Discard every change, claim and recorded event; the unit of work goes on."""
        self._reset()
        self._last_committed = ()

    def record(self, *events: DomainEvent) -> None:
        self._events.extend(events)

    def collect(self, *events: DomainEvent) -> None:
        """Deprecated alias of :meth:`record`."""
        self._events.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        return list(self._last_committed)

    @property
    def collected(self) -> Sequence[DomainEvent]:
        return tuple(self._events)

    async def commit(self) -> None:
        live = self._store.state
        # check everything first, so a conflict leaves the store untouched
        for user, expected in self._player_versions.items():
            current = live.players.get(user)
            actual = current.version if current is not None else 0
            if actual != expected:
                raise ConcurrencyConflict("player", user, expected, actual)
        for entry in self._new_entries:
            if any(e.key == entry.key for e in live.ledger.get(entry.user, [])):
                raise AlreadyExists("ledger entry", entry.key)
        for claim in self._claims:
            if claim in live.inbox:
                raise ConcurrencyConflict("inbox", claim[1], 0, 1)
        for entry in self._new_entries:
            live.ledger.setdefault(entry.user, []).append(entry)
        for user in self._player_versions:
            live.players[user] = copy.copy(self._work.players[user])
        for user in self._saved_achievements:
            live.achievements[user] = _copy_progress(self._work.achievements[user])
        for op in self._board_ops:
            op(live)
        live.inbox.update(self._claims)
        for reopen in self._new_reopens:
            live.reopens.setdefault(reopen.event_id, reopen)
        for social_op in self._social_ops:
            social_op(live.social)
        self._store.outbox.extend(self._events)
        self.committed = True
        events = self._events
        self._reset()
        self._last_committed = tuple(events)

    @property
    def last_committed(self) -> Sequence[DomainEvent]:
        """Events the last commit wrote to the outbox."""
        return self._last_committed


__all__ = [
    "InMemoryAchievements",
    "InMemoryGamificationStore",
    "InMemoryGamificationUnitOfWork",
    "InMemoryInbox",
    "InMemoryLeaderboard",
    "InMemoryPlayers",
    "InMemoryReopens",
    "InMemoryXpLedger",
]
