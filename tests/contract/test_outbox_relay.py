"""The outbox's relay side on SQLite and PostgreSQL: one reader for every service's outbox.

What a consumer downstream would notice: every committed event is published, in commit order
per owner, and marked so it is not published again; a failed publish leaves it waiting (with
the error noted); two relays at once never publish one row twice nor reorder an owner's
events; published rows go after the retention; commits wake relays (in process, and through
PostgreSQL's NOTIFY); the request id rides along.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters import tracing
from adapters.sql.messaging import OutboxListener, SqlOutbox, on_outbox_commit
from adapters.sql.quests import SqlQuestUnitOfWork
from adapters.sql.tables import quest as quest_tables
from questlog_core.events.quests import QuestCreated
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.ports.messaging import OutboxRecord

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """SQL adapters only: the relay reads SQL outboxes."""
    return str(request.param)


def created(owner: UserId, title: str) -> QuestCreated:
    return QuestCreated(
        event_id=EventId(uuid.uuid4()),
        occurred_at=NOW,
        owner=owner,
        quest_id=QuestId(uuid.uuid4()),
        title=title,
        difficulty="easy",
    )


async def commit(engine: AsyncEngine, *events: QuestCreated) -> None:
    async with SqlQuestUnitOfWork(engine) as uow:
        uow.record(*events)
        await uow.commit()


class Recorder:
    """A publisher that remembers what it was given (and can be made to fail or wait)."""

    def __init__(self) -> None:
        self.batches: list[list[OutboxRecord]] = []
        self.fail_with: Exception | None = None
        self.hold: asyncio.Event | None = None
        self.holding = asyncio.Event()

    async def publish(self, records: Sequence[OutboxRecord]) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        if self.hold is not None:
            self.holding.set()
            await self.hold.wait()
        self.batches.append(list(records))

    def titles(self) -> list[str]:
        return [record.event().title for batch in self.batches for record in batch]  # type: ignore[attr-defined]


async def test_committed_events_are_published_in_order_once(engine: AsyncEngine) -> None:
    owner = UserId(uuid.uuid4())
    await commit(engine, created(owner, "a"), created(owner, "b"))
    await commit(engine, created(owner, "c"))
    outbox, recorder = SqlOutbox(engine, "quest"), Recorder()

    assert await outbox.backlog() == 3
    assert await outbox.relay(recorder.publish) == 3
    assert recorder.titles() == ["a", "b", "c"]
    assert await outbox.relay(recorder.publish) == 0
    assert await outbox.backlog() == 0
    assert await outbox.pending() == []


async def test_a_failed_publish_leaves_the_events_waiting_with_the_error(
    engine: AsyncEngine,
) -> None:
    owner = UserId(uuid.uuid4())
    await commit(engine, created(owner, "a"))
    outbox, recorder = SqlOutbox(engine, "quest"), Recorder()
    recorder.fail_with = ConnectionError("broker down")

    with pytest.raises(ConnectionError):
        await outbox.relay(recorder.publish)

    assert [r.event().title for r in await outbox.pending()] == ["a"]  # type: ignore[attr-defined]
    t = quest_tables.outbox
    async with engine.connect() as connection:
        row = (await connection.execute(select(t.c.attempts, t.c.last_error))).one()
    assert row.attempts == 1
    assert "broker down" in row.last_error
    recorder.fail_with = None
    assert await outbox.relay(recorder.publish) == 1


async def test_published_rows_are_pruned_after_the_retention(engine: AsyncEngine) -> None:
    owner = UserId(uuid.uuid4())
    await commit(engine, created(owner, "old"), created(owner, "recent"))
    outbox, recorder = SqlOutbox(engine, "quest"), Recorder()
    await outbox.relay(recorder.publish)
    await commit(engine, created(owner, "waiting"))
    t = quest_tables.outbox
    async with engine.begin() as connection:
        long_ago = datetime.now(UTC) - timedelta(days=30)
        await connection.execute(
            update(t).where(t.c.payload.contains('"old"')).values(published_at=long_ago)
        )

    removed = await outbox.prune(datetime.now(UTC) - timedelta(days=7))

    assert removed == 1
    async with engine.connect() as connection:
        left = (await connection.execute(select(t.c.payload))).scalars().all()
    assert len(left) == 2
    assert not any('"old"' in payload for payload in left)
    assert [r.event().title for r in await outbox.pending()] == ["waiting"]  # type: ignore[attr-defined]


async def test_the_request_id_of_the_commit_travels_with_the_record(engine: AsyncEngine) -> None:
    token = tracing.request_id.set("req-42")
    try:
        await commit(engine, created(UserId(uuid.uuid4()), "a"))
    finally:
        tracing.request_id.reset(token)
    await commit(engine, created(UserId(uuid.uuid4()), "b"))

    records = await SqlOutbox(engine, "quest").pending()

    assert [r.request_id for r in records] == ["req-42", None]


async def test_a_commit_with_events_wakes_relays_in_this_process(engine: AsyncEngine) -> None:
    woken: list[str] = []
    stop = on_outbox_commit(engine, woken.append)
    try:
        async with SqlQuestUnitOfWork(engine) as uow:
            await uow.commit()  # no events: nothing to wake for
        await commit(engine, created(UserId(uuid.uuid4()), "a"))
    finally:
        stop()
    await commit(engine, created(UserId(uuid.uuid4()), "b"))

    assert woken == ["quest"]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_two_relays_never_publish_a_row_twice_nor_reorder_an_owner(
    engine: AsyncEngine,
) -> None:
    ann, bob = UserId(uuid.uuid4()), UserId(uuid.uuid4())
    await commit(engine, created(ann, "ann 1"), created(ann, "ann 2"))
    await commit(engine, created(ann, "ann 3"), created(bob, "bob 1"), created(bob, "bob 2"))
    first, second = Recorder(), Recorder()
    first.hold = asyncio.Event()

    # The first relay claims ann 1 and ann 2 and is still publishing them...
    held = asyncio.create_task(SqlOutbox(engine, "quest").relay(first.publish, limit=2))
    await first.holding.wait()
    # ...the second skips those rows, and ann 3, which must not overtake them.
    assert await SqlOutbox(engine, "quest").relay(second.publish) == 2
    assert second.titles() == ["bob 1", "bob 2"]
    first.hold.set()
    assert await held == 2
    assert first.titles() == ["ann 1", "ann 2"]
    # Once they are out, ann 3 goes.
    assert await SqlOutbox(engine, "quest").relay(second.publish) == 1
    assert second.titles() == ["bob 1", "bob 2", "ann 3"]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_postgres_notifies_listeners_when_events_commit(
    engine: AsyncEngine, postgres_database: str
) -> None:
    woken = asyncio.Event()
    services: list[str] = []

    def wake(service: str) -> None:
        services.append(service)
        if service == "quest":
            woken.set()

    listener = OutboxListener(postgres_database, wake)
    task = asyncio.create_task(listener.run())
    try:
        await asyncio.wait_for(listener.listening.wait(), 10)
        async with SqlQuestUnitOfWork(engine) as uow:
            uow.record(created(UserId(uuid.uuid4()), "rolled back"))
            await uow.rollback()
        await commit(engine, created(UserId(uuid.uuid4()), "a"))
        await asyncio.wait_for(woken.wait(), 10)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert services == ["*", "quest"]  # the first drain on connecting, then the commit


async def test_a_running_relay_publishes_at_commit_not_at_its_next_poll(
    engine: AsyncEngine,
) -> None:
    from adapters.memory.clock import SystemClock
    from adapters.messaging.relay import OutboxRelay

    recorder = Recorder()
    arrived = asyncio.Event()

    async def publish(records: Sequence[OutboxRecord]) -> None:
        await recorder.publish(records)
        arrived.set()

    class Publisher:
        async def publish(self, records: Sequence[OutboxRecord]) -> None:
            await publish(records)

    # A poll far longer than the wait below: only the commit's wake-up can deliver in time.
    relay = OutboxRelay(
        [SqlOutbox(engine, "quest")], Publisher(), SystemClock(), poll_interval=timedelta(hours=1)
    )
    stop = on_outbox_commit(engine, relay.wake)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.2)  # the relay's first drain found nothing and went to sleep
        await commit(engine, created(UserId(uuid.uuid4()), "woken"))
        await asyncio.wait_for(arrived.wait(), 30)
    finally:
        stop()
        task.cancel()
        # Wait for it to wind down: a relay cut off mid-drain must give its connection back
        # before the engine is disposed.
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert recorder.titles() == ["woken"]
