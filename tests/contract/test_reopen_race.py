"""The reopen-before-complete race: with at-least-once delivery and several workers, a
``QuestReopened`` can be handled before the ``QuestCompleted`` it undoes. Whatever the order
and however often each event arrives, the award in force is the last completion's, once.

Runs the real consumers on memory, SQLite and PostgreSQL (on PostgreSQL also as concurrent
workers that retry on a conflict, as Dramatiq would).
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from adapters.memory.clock import FixedClock, SequentialIds
from adapters.sql.engine import make_engine
from questlog_core.errors import AlreadyExists, ConcurrencyConflict
from questlog_core.gamification import use_cases as game
from questlog_core.gamification.ledger import live_awards
from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.quests.events import QuestCompleted, QuestReopened

from .conftest import GameBackend, empty_tables

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Event = QuestCompleted | QuestReopened


def history(user: UserId, quest: QuestId, cycles: int) -> list[Event]:
    """``cycles`` complete/reopen pairs then a final completion, as the quest service emits
    them: each carries the quest's version, one save apart."""
    events: list[Event] = []
    version = 1
    for i in range(cycles + 1):
        at = T0 + timedelta(minutes=2 * i)
        events.append(
            QuestCompleted(
                event_id=EventId(uuid.uuid4()),
                occurred_at=at,
                owner=user,
                quest_id=quest,
                occurrence=0,
                difficulty="hard",
                priority=2,
                due=None,
                completed_at=at,
                created_at=T0 - timedelta(days=1),
                on_time=True,
                owner_timezone="UTC",
                quest_version=version,
            )
        )
        version += 1
        if i == cycles:
            break
        events.append(
            QuestReopened(
                event_id=EventId(uuid.uuid4()),
                occurred_at=at + timedelta(minutes=1),
                owner=user,
                quest_id=quest,
                occurrence=0,
                reopened_at=at + timedelta(minutes=1),
                quest_version=version,
            )
        )
        version += 1
    return events


async def deliver(backend: GameBackend, event: Event, clock: FixedClock) -> None:
    ids = SequentialIds(uuid.uuid4().int >> 80)
    if isinstance(event, QuestCompleted):
        await game.handle_quest_completed(event, backend.uow(), clock, ids)
    else:
        await game.handle_quest_reopened(event, backend.uow(), clock, ids)


async def in_force(backend: GameBackend, user: UserId) -> tuple[list[int | None], int]:
    async with backend.uow() as uow:
        entries = await uow.ledger.entries(user)
        return [e.quest_version for e in live_awards(entries)], await uow.ledger.balance(user)


async def test_a_reopen_handled_before_its_completion_leaves_no_award(
    game_backend: GameBackend,
) -> None:
    user = UserId(uuid.uuid4())
    completed, reopened = history(user, QuestId(uuid.uuid4()), cycles=1)[:2]
    clock = FixedClock(T0 + timedelta(hours=1))

    await deliver(game_backend, reopened, clock)
    await deliver(game_backend, completed, clock)
    await deliver(game_backend, completed, clock)  # redelivered
    await deliver(
        game_backend, msgspec.structs.replace(completed, event_id=EventId(uuid.uuid4())), clock
    )

    assert await in_force(game_backend, user) == ([], 0)


@pytest.mark.parametrize("order", ["as_emitted", "reversed", "shuffled-1", "shuffled-2"])
async def test_ten_cycles_then_complete_leave_exactly_the_last_award(
    game_backend: GameBackend, order: str
) -> None:
    user = UserId(uuid.uuid4())
    events = history(user, QuestId(uuid.uuid4()), cycles=10)
    delivered = list(events)
    if order == "reversed":
        delivered.reverse()
    elif order.startswith("shuffled"):
        rng = random.Random(order)
        delivered += rng.sample(events, 8)  # redeliveries, at random places
        rng.shuffle(delivered)
    clock = FixedClock(T0 + timedelta(hours=1))

    for event in delivered:
        await deliver(game_backend, event, clock)

    versions, balance = await in_force(game_backend, user)
    assert versions == [21]  # the final completion's, and only it
    async with game_backend.uow() as uow:
        live = live_awards(await uow.ledger.entries(user))[0]
    assert balance == live.amount > 0


@pytest.fixture
async def pg_backend(postgres_database: str) -> AsyncIterator[GameBackend]:
    engine = make_engine(postgres_database, pool_size=30, max_overflow=0)
    async with engine.begin() as connection:
        await empty_tables(connection)
    yield GameBackend("postgres", engine)
    await engine.dispose()


@pytest.mark.postgres
async def test_concurrent_workers_delivering_out_of_order_leave_one_award(
    pg_backend: GameBackend,
) -> None:
    game_backend = pg_backend
    user = UserId(uuid.uuid4())
    events = history(user, QuestId(uuid.uuid4()), cycles=10)
    rng = random.Random(7)
    delivered = events + rng.sample(events, 10)
    rng.shuffle(delivered)
    clock = FixedClock(T0 + timedelta(hours=1))

    async def worker(event: Event) -> None:
        for _ in range(50):  # a conflicting transaction is retried, as the broker would
            try:
                await deliver(game_backend, event, clock)
                return
            except (ConcurrencyConflict, AlreadyExists):
                await asyncio.sleep(random.random() / 100)
        raise AssertionError("never got through")

    await asyncio.gather(*(worker(e) for e in delivered))

    versions, _ = await in_force(game_backend, user)
    assert versions == [21]
