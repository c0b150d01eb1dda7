"""Ports of the game: the ledger, players, achievements, leaderboards and their unit of work.

Every query is scoped by user. Adapters: :mod:`adapters.memory.gamification` (reference
semantics, used by the contract tests) and the SQL/Redis ones. The unit of work is the only
way use cases write: nothing is visible to others until ``commit``, and leaving the
``async with`` block without committing (or :meth:`~GamificationUnitOfWork.rollback`) discards
every change, including inbox claims and recorded events.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from questlog_core.gamification.achievements import AchievementProgress
from questlog_core.gamification.completions import Reopen
from questlog_core.gamification.leaderboards import Board, BoardEntry, BoardRow
from questlog_core.gamification.ledger import LedgerEntry
from questlog_core.gamification.players import Player
from questlog_core.gamification.social import EmailInvite, FriendLink, Friendship, ShareLink
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.kernel.messaging import Inbox
from questlog_core.kernel.unit_of_work import UnitOfWork


class XpLedgerRepository(Protocol):
    """Append-only XP entries per user."""

    async def append(self, entry: LedgerEntry) -> None:
        """Add an entry. Raises ``AlreadyExists`` if ``(entry.user, entry.key)`` exists."""
        ...

    async def get_by_key(self, user: UserId, key: str) -> LedgerEntry | None:
        """The entry with this idempotency key, if any."""
        ...

    async def live_award(
        self, user: UserId, quest_id: QuestId, occurrence: int
    ) -> LedgerEntry | None:
        """The award for ``(quest_id, occurrence)`` that no reversal has undone, if any."""
        ...

    async def awards_made(self, user: UserId, quest_id: QuestId, occurrence: int) -> int:
        """How many awards (live or reversed) ``(quest_id, occurrence)`` has had."""
        ...

    async def balance(self, user: UserId) -> int:
        """The user's XP: the sum of their entries."""
        ...

    async def entries_on(self, user: UserId, local_date: date) -> list[LedgerEntry]:
        """Entries counting for one local day (reversals carry their award's day)."""
        ...

    async def entries(
        self,
        user: UserId,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[LedgerEntry]:
        """Entries with ``since <= at < until``, oldest first (ties by entry id)."""
        ...


class PlayerRepository(Protocol):
    """Game profiles with optimistic concurrency."""

    async def find(self, user: UserId) -> Player | None: ...

    async def get(self, user: UserId) -> Player:
        """The profile; raises ``PlayerNotFound``."""
        ...

    async def add(self, player: Player) -> None:
        """Store a new profile. Raises ``AlreadyExists`` if the user has one."""
        ...

    async def save(self, player: Player) -> None:
        """Store changes if nobody saved since ``player.version`` was read, then bump it.

        Raises ``ConcurrencyConflict`` otherwise (a concurrent rollover or award won).
        """
        ...

    async def due_for_rollover(self, now: datetime, limit: int = 500) -> list[UserId]:
        """Users whose ``next_rollover_at`` is at or before ``now`` (for the scheduler)."""
        ...

    async def by_email_digest(self, email_digest: str) -> Player | None:
        """The player whose account announced this address digest, if any."""
        ...


class AchievementRepository(Protocol):
    """Achievement counters and unlocks, written with the player (its version guards both)."""

    async def get(self, user: UserId) -> AchievementProgress:
        """The user's progress (empty if they have none yet)."""
        ...

    async def save(self, user: UserId, progress: AchievementProgress) -> None: ...


class Leaderboard(Protocol):
    """XP boards per period. SQL writes in the unit of work's transaction; a Redis board is a
    projection the unit of work updates after commit and rebuilds from the ledger when empty.
    """

    async def record(self, entry: BoardEntry) -> None:
        """Add an entry to the weekly, monthly and all-time boards of ``entry.at``.

        Idempotent by ``entry.entry_id``.
        """
        ...

    async def top(
        self, board: Board, period: str, limit: int = 10, *, offset: int = 0
    ) -> list[BoardRow]:
        """The best ``limit`` rows after the first ``offset``, ranked (see
        ``leaderboards.sort_key`` for ties); row ranks count from the top of the board."""
        ...

    async def rank_of(self, board: Board, period: str, user: UserId) -> BoardRow | None:
        """The user's row, or ``None`` if they are not on that board."""
        ...

    async def remove_user(self, user: UserId) -> None:
        """Take the user off every board (opt-out)."""
        ...

    async def rename(self, user: UserId, display_name: str) -> None:
        """Show a new display name on every board the user is on."""
        ...


class ReopenRepository(Protocol):
    """Every reopen of a done quest occurrence the game has seen (see
    :mod:`questlog_core.gamification.completions`: a completion that a recorded reopen
    followed awards nothing, whatever order the two arrived in)."""

    async def record(self, reopen: Reopen) -> None:
        """Remember a reopen (idempotent by ``reopen.event_id``)."""
        ...

    async def of(self, user: UserId, quest_id: QuestId, occurrence: int) -> list[Reopen]:
        """The recorded reopens of one quest occurrence of the user's."""
        ...


class FriendRepository(Protocol):
    """Friendships, pending invitations by email and invitation links.

    Every query names the user it is for: a friendship is found only through one of its two
    players, a link only by its token's digest or by its inviter.
    """

    async def between(self, user: UserId, other: UserId) -> Friendship | None:
        """The relation of the pair, if any."""
        ...

    async def save(self, friendship: Friendship) -> None:
        """Store the pair's relation (insert or replace)."""
        ...

    async def delete(self, user: UserId, other: UserId) -> None:
        """Forget the pair's relation (nothing if there is none)."""
        ...

    async def of(self, user: UserId) -> list[Friendship]:
        """Every relation the user is in (accepted, pending either way, blocked)."""
        ...

    async def invite_email(self, invite: EmailInvite) -> None:
        """Keep an invitation to an address without a player (idempotent per inviter)."""
        ...

    async def take_email_invites(self, email_digest: str) -> list[EmailInvite]:
        """Remove and return the invitations waiting for this address."""
        ...

    async def add_link(self, link: FriendLink) -> None: ...

    async def link_by_digest(self, token_digest: str) -> FriendLink | None: ...

    async def links_of(self, inviter: UserId) -> list[FriendLink]: ...

    async def save_link(self, link: FriendLink) -> None:
        """Store a link's use or revocation."""
        ...


class ShareRepository(Protocol):
    """Public share links of achievements."""

    async def add(self, link: ShareLink) -> None: ...

    async def by_digest(self, token_digest: str) -> ShareLink | None: ...

    async def of(self, user: UserId) -> list[ShareLink]: ...

    async def save(self, link: ShareLink) -> None:
        """Store a revocation."""
        ...


class GamificationUnitOfWork(UnitOfWork, Protocol):
    """One transaction over the game's state, outbox and inbox: the kernel's
    :class:`~questlog_core.kernel.unit_of_work.UnitOfWork` with the game's repositories."""

    @property
    def ledger(self) -> XpLedgerRepository: ...
    @property
    def reopens(self) -> ReopenRepository: ...
    @property
    def friends(self) -> FriendRepository: ...
    @property
    def shares(self) -> ShareRepository: ...
    @property
    def players(self) -> PlayerRepository: ...
    @property
    def achievements(self) -> AchievementRepository: ...
    @property
    def leaderboard(self) -> Leaderboard: ...

    def collect(self, *events: DomainEvent) -> None:
        """Deprecated alias of :meth:`record` (kept for code written before the unit-of-work
        shapes were unified)."""
        ...


__all__ = [
    "AchievementRepository",
    "FriendRepository",
    "GamificationUnitOfWork",
    "Inbox",
    "Leaderboard",
    "Player",
    "PlayerRepository",
    "ReopenRepository",
    "ShareRepository",
    "XpLedgerRepository",
]
