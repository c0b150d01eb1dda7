"""A small test world for the game: an in-memory store, a fixed clock and event factories.

Shared by the unit, property and BDD tests of gamification (import ``unit.gamification.world``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from adapters.memory.clock import FixedClock, SequentialIds
from adapters.memory.gamification import InMemoryGamificationStore
from questlog_core.events.quests import QuestCompleted, QuestReopened
from questlog_core.gamification.leaderboards import Board, BoardRow
from questlog_core.gamification.ledger import LedgerEntry
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.ports.gamification import GamificationUnitOfWork
from questlog_core.services import gamification as game

ALICE = UserId(UUID(int=0xA11CE))


class GameWorld:
    """One game deployment under test, driven through the real use cases."""

    def __init__(
        self, start: datetime | None = None, rules: game.GameRules = game.DEFAULT_RULES
    ) -> None:
        self.store = InMemoryGamificationStore()
        self.clock = FixedClock(start or datetime(2024, 3, 4, 9, tzinfo=UTC))
        self.ids = SequentialIds(1_000_000)
        self.rules = rules
        self.timezone = "UTC"
        self._quests = 0

    def uow(self) -> GamificationUnitOfWork:
        return self.store.unit_of_work()

    def new_quest(self) -> QuestId:
        self._quests += 1
        return QuestId(UUID(int=0xC0DE0000 + self._quests))

    def completed(
        self,
        quest: QuestId | None = None,
        *,
        user: UserId = ALICE,
        occurrence: int = 0,
        difficulty: str = "medium",
        priority: int = 2,
        due: datetime | None = None,
        at: datetime | None = None,
        created_at: datetime | None = None,
        chain_length: int = 1,
        unblocked_count: int = 0,
        timezone: str | None = None,
    ) -> QuestCompleted:
        when = at or self.clock.now()
        return QuestCompleted(
            event_id=EventId(self.ids.new_id()),
            occurred_at=when,
            owner=user,
            quest_id=quest or self.new_quest(),
            occurrence=occurrence,
            difficulty=difficulty,
            priority=priority,
            due=due,
            completed_at=when,
            created_at=created_at or when - timedelta(days=1),
            on_time=due is None or when <= due,
            owner_timezone=timezone or self.timezone,
            unblocked_count=unblocked_count,
            chain_length=chain_length,
        )

    def reopened(
        self, quest: QuestId, *, user: UserId = ALICE, occurrence: int = 0
    ) -> QuestReopened:
        return QuestReopened(
            event_id=EventId(self.ids.new_id()),
            occurred_at=self.clock.now(),
            owner=user,
            quest_id=quest,
            occurrence=occurrence,
            reopened_at=self.clock.now(),
        )

    async def complete(
        self, event: QuestCompleted | None = None, **kw: object
    ) -> game.CompletionOutcome:
        event = event or self.completed(**kw)  # type: ignore[arg-type]
        return await game.handle_quest_completed(
            event, self.uow(), self.clock, self.ids, self.rules
        )

    async def reopen(self, quest: QuestId, **kw: object) -> game.ReopenOutcome:
        event = self.reopened(quest, **kw)  # type: ignore[arg-type]
        return await game.handle_quest_reopened(event, self.uow(), self.clock, self.ids, self.rules)

    async def roll_over(self, user: UserId = ALICE) -> game.RolloverOutcome:
        return await game.roll_over_streak(user, self.uow(), self.clock, self.ids, self.rules)

    async def profile(self, user: UserId = ALICE) -> game.Profile:
        return await game.get_profile(user, self.uow(), self.clock, self.rules)

    async def set_time_zone(self, tz: str, hour: int = 0, user: UserId = ALICE) -> game.Profile:
        self.timezone = tz
        return await game.set_time_zone(
            user, tz, hour, self.uow(), self.clock, self.ids, self.rules
        )

    async def board(
        self, board: Board = Board.ALL_TIME, period: str | None = None
    ) -> list[BoardRow]:
        return await game.get_leaderboard(board, self.uow(), self.clock, period, limit=100)

    def ledger(self, user: UserId = ALICE) -> list[LedgerEntry]:
        return list(self.store.state.ledger.get(user, []))

    def xp(self, user: UserId = ALICE) -> int:
        return sum(e.amount for e in self.ledger(user))

    def events(self, kind: type) -> list:  # type: ignore[type-arg]
        return [e for e in self.store.outbox if isinstance(e, kind)]

    def local(
        self, y: int, m: int, d: int, hh: int, mm: int = 0, tz: str | None = None
    ) -> datetime:
        from zoneinfo import ZoneInfo

        return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(tz or self.timezone)).astimezone(UTC)
