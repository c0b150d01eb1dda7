"""The streak rollover runs by itself in a worker (and so in the all-in-one, whose in-process
worker is the same): a player whose day became final is rolled over by the ticker's actor,
with ``StreakExtended`` in the gamification outbox, without any request or event."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.memory.clock import FixedClock, SequentialIds
from adapters.sql.engine import make_engine
from adapters.sql.gamification import SqlGamificationUnitOfWork
from adapters.sql.migrations import upgrade
from apps.settings import Settings
from apps.workers.runtime import EventWorker
from questlog_core.gamification import use_cases as game
from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.quests.events import QuestCompleted
from tests.contract.conftest import sql_outbox_events
from tests.support.events import wait_for


async def complete_two_days_ago(url: str, user: UserId) -> None:
    at = datetime.now(UTC) - timedelta(days=2)
    engine = make_engine(url)
    try:
        event = QuestCompleted(
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
            owner_timezone="Asia/Tokyo",
            quest_version=1,
        )
        uow = SqlGamificationUnitOfWork(engine)
        await game.handle_quest_completed(event, uow, FixedClock(at), SequentialIds(1))
    finally:
        await engine.dispose()


async def streak_days(url: str, user: UserId) -> list[str]:
    engine = make_engine(url)
    try:
        events = await sql_outbox_events(engine, "gamification")
    finally:
        await engine.dispose()
    return [e.type_name() for e in events if e.owner == user and "streak" in e.type_name()]


@pytest.mark.parametrize("interval", [0.2])
def test_a_worker_rolls_over_a_due_streak_by_itself(tmp_path: Path, interval: float) -> None:
    url = f"sqlite:///{tmp_path / 'questlog.db'}"
    upgrade(url)
    user = UserId(uuid.uuid4())
    asyncio.run(complete_two_days_ago(url, user))
    assert asyncio.run(streak_days(url, user)) == []  # due, but nobody asked yet

    settings = Settings(database_url=url, broker="stub", streak_rollover_seconds=interval)
    worker = EventWorker(settings, ["gamification"], relay=False)
    worker.start()
    try:
        seen = wait_for(lambda: asyncio.run(streak_days(url, user)), timeout=20)
    finally:
        worker.stop()
    # the completed day extends the streak; yesterday (quiet) breaks it if it is final by now
    assert seen[0] == "gamification.streak_extended.v1"
    assert seen[1:] in ([], ["gamification.streak_broken.v1"])


def test_a_zero_interval_turns_the_ticker_off(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'questlog.db'}"
    upgrade(url)
    user = UserId(uuid.uuid4())
    asyncio.run(complete_two_days_ago(url, user))

    settings = Settings(database_url=url, broker="stub", streak_rollover_seconds=0)
    worker = EventWorker(settings, ["gamification"], relay=False)
    worker.start()
    try:
        assert worker._tickers == []
    finally:
        worker.stop()
    assert asyncio.run(streak_days(url, user)) == []
