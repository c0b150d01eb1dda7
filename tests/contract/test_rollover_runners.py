"""Two scheduler runners at once finalize each player's day once: on memory, SQLite and
PostgreSQL, twenty players whose day just became final are rolled over by two concurrent
runs of the rollover job, and each player's day is extended exactly once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from adapters.memory.clock import FixedClock, SequentialIds
from questlog_core.gamification import use_cases as game
from questlog_core.gamification.events import StreakBroken, StreakExtended, StreakFrozen
from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.quests.events import QuestCompleted

from .conftest import GameBackend

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def completion(user: UserId, at: datetime) -> QuestCompleted:
    return QuestCompleted(
        event_id=EventId(uuid.uuid4()),
        occurred_at=at,
        owner=user,
        quest_id=QuestId(uuid.uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=2,
        due=None,
        completed_at=at,
        created_at=at,
        on_time=True,
        owner_timezone="UTC",
        quest_version=1,
    )


async def test_two_concurrent_runners_finalize_each_players_day_once(
    game_backend: GameBackend,
) -> None:
    players = [UserId(uuid.uuid4()) for _ in range(20)]
    clock, seed_ids = FixedClock(MONDAY), SequentialIds(1 << 40)
    for user in players:
        await game.handle_quest_completed(
            completion(user, MONDAY), game_backend.uow(), clock, seed_ids
        )
    clock.advance(timedelta(days=1, hours=3))  # Monday is final (midnight + 12 h grace)

    async def runner(seed: int) -> int:
        ids = SequentialIds(seed << 64)
        return await game.roll_over_due_streaks(game_backend.uow, clock, ids)

    done = await asyncio.gather(runner(1), runner(2))

    streak_days = [
        (e.owner, e.day)
        for e in await game_backend.outbox_events()
        if isinstance(e, StreakExtended | StreakFrozen | StreakBroken)
    ]
    assert sorted(streak_days) == sorted((u, MONDAY.date()) for u in players)
    assert sum(done) == len(players)  # a player the other runner had is skipped, not redone
    assert await game.roll_over_due_streaks(game_backend.uow, clock, SequentialIds(9)) == 0
