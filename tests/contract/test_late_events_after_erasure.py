"""An event about a deleted account that reaches a service after its erasure creates nothing.

For every service that consumes more than ``AccountDeleted`` (ai, gamification, notification,
search, integrations, analytics), on SQLite and PostgreSQL, through the service's real
consumer bus (:mod:`apps.workers.consumers`): two players live in the service (registered,
a quest created and completed), one deletes their account, then the same kinds of events of
that player arrive late (a queue, a redelivery, another service's outbox relayed late): not
one row of theirs comes back in any of the service's tables, and the other player's events
still flow. Then the race: a handler running while the erasure commits.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Uuid, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.erasure import ERASED_ACCOUNTS, SqlErasureUnitOfWork
from adapters.sql.tables import metadata
from apps.container import Container, build_container, close_container
from apps.http.observability import ContainerCollector
from apps.settings import Settings
from apps.workers import consumers
from apps.workers.consumers import DROPPED_LATE_EVENTS, erasure_of
from questlog_core.ai.projection import project_quest_event
from questlog_core.bus import MessageBus
from questlog_core.events import DomainEvent
from questlog_core.events.identity import AccountDeleted, UserRegistered
from questlog_core.events.quests import QuestCompleted, QuestCreated
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.moving.erasure import erase_account

SQL = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

#: every consumer that takes events other than AccountDeleted (quest and auth take only it)
CONSUMERS = [
    consumers.AI,
    consumers.GAMIFICATION,
    consumers.NOTIFICATION,
    consumers.SEARCH,
    consumers.INTEGRATIONS,
    consumers.ANALYTICS,
]
T0 = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def container(
    backend: str, engine: AsyncEngine | None, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Container]:
    """The all-in-one container over the fresh database the ``engine`` fixture prepared."""
    assert engine is not None
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'questlog.db'}"
    else:
        url = request.getfixturevalue("postgres_database")
    made = build_container(
        Settings(
            database_url=url,
            migrate_on_start=False,
            storage="local",
            storage_dir=str(tmp_path / "files"),
            email="outbox",
            email_outbox_dir=str(tmp_path / "outbox"),
            environment="test",
        )
    )
    try:
        yield made
    finally:
        await close_container(made)


def life_of(owner: UserId) -> list[DomainEvent]:
    """What a player's life sends every service: registering, a quest due tomorrow made and
    completed."""
    quest = QuestId(uuid.uuid4())
    due = T0 + timedelta(days=1)

    def ids() -> dict[str, Any]:
        return {"event_id": EventId(uuid.uuid4()), "occurred_at": T0, "owner": owner}

    return [
        UserRegistered(
            **ids(),
            email=f"{owner.hex[:8]}@example.com",
            display_name="Player",
            timezone="Europe/Paris",
            day_start_hour=4,
        ),
        QuestCreated(**ids(), quest_id=quest, title="Write the report", difficulty="hard", due=due),
        QuestCompleted(
            **ids(),
            quest_id=quest,
            occurrence=0,
            difficulty="hard",
            priority=2,
            due=due,
            completed_at=T0,
            created_at=T0,
            on_time=True,
            owner_timezone="Europe/Paris",
        ),
    ]


def deletion(owner: UserId) -> AccountDeleted:
    return AccountDeleted(event_id=EventId(uuid.uuid4()), occurred_at=T0, owner=owner)


async def rows_of(engine: AsyncEngine, service: str, owner: UserId) -> dict[str, int]:
    """The rows of ``service``'s tables with the owner's id in any UUID column (its
    tombstone aside)."""
    found: dict[str, int] = {}
    async with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.schema != service or table is ERASED_ACCOUNTS[service]:
                continue
            uuid_columns = [c == owner for c in table.columns if isinstance(c.type, Uuid)]
            if not uuid_columns:
                continue
            query = select(func.count()).select_from(table).where(or_(*uuid_columns))
            count = int(await connection.scalar(query) or 0)
            if count:
                found[table.name] = count
    return found


async def deliver(bus: MessageBus[Any], events: list[DomainEvent]) -> None:
    for event in events:
        await bus.dispatch(event)


@SQL
@pytest.mark.parametrize("consumer", CONSUMERS, ids=lambda c: c.context)
async def test_a_late_event_of_a_deleted_account_creates_no_row(
    container: Container, consumer: consumers.Consumer
) -> None:
    engine = container.engine()
    assert engine is not None
    service = consumer.context
    bus = consumer.bus(container)
    gone, kept = UserId(uuid.uuid4()), UserId(uuid.uuid4())
    taken = [e for e in life_of(gone) if type(e) in consumer.events]
    await deliver(bus, taken)
    await deliver(bus, [e for e in life_of(kept) if type(e) in consumer.events])
    assert await rows_of(engine, service, gone), "the events made no row to erase"
    kept_before = await rows_of(engine, service, kept)

    await bus.dispatch(deletion(gone))
    assert await rows_of(engine, service, gone) == {}

    dropped_before = sum(n for (s, _), n in DROPPED_LATE_EVENTS.items() if s == service)
    late = [*taken, *(e for e in life_of(gone) if type(e) in consumer.events)]  # redelivered, new
    await deliver(bus, late)
    assert await rows_of(engine, service, gone) == {}
    dropped = sum(n for (s, _), n in DROPPED_LATE_EVENTS.items() if s == service)
    assert dropped - dropped_before == len(late)
    # and /metrics says so (in the all-in-one, whose HTTP process runs the consumers)
    (family,) = [m for m in ContainerCollector(lambda: container).collect() if "late" in m.name]
    exported = sum(x.value for x in family.samples if x.labels.get("service") == service)
    assert exported == dropped

    # the other player's events still flow: a new quest of theirs reaches the service
    await deliver(bus, [e for e in life_of(kept) if type(e) in consumer.events])
    kept_after = await rows_of(engine, service, kept)
    assert all(kept_after.get(name, 0) >= count for name, count in kept_before.items())
    assert sum(kept_after.values()) > sum(kept_before.values())


@SQL
async def test_an_erasure_committed_while_a_handler_ran_is_swept_after_it(
    container: Container,
) -> None:
    """The handler read "not erased", the erasure committed, then the handler committed its
    row: the check after the handlers erases it."""
    engine = container.engine()
    assert engine is not None
    owner = UserId(uuid.uuid4())
    bus: MessageBus[Any] = MessageBus()
    erasure_of("ai", bus, container)

    async def erased_meanwhile(event: DomainEvent) -> None:
        uow = SqlErasureUnitOfWork.of("ai", engine)
        await erase_account(deletion(owner), uow, "ai.erasure")
        await project_quest_event(event, container.ai_uow())  # committed after the erasure

    bus.subscribe(QuestCreated, erased_meanwhile)
    created = life_of(owner)[1]
    assert await bus.dispatch(created) == 1
    assert await rows_of(engine, "ai", owner) == {}


@pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_on_postgresql_an_erasure_that_deleted_before_the_handler_committed_still_wins(
    container: Container,
) -> None:
    """The erasure's deletes ran before the handler's row was committed, and the erasure
    commits after it: its per-account lock makes the check after the handlers wait for the
    commit, then erase the row. (SQLite cannot interleave so: one writer at a time.)"""
    engine = container.engine()
    assert engine is not None
    owner = UserId(uuid.uuid4())
    deleted, handler_committed = asyncio.Event(), asyncio.Event()

    async def erase_slowly() -> None:
        async with SqlErasureUnitOfWork.of("ai", engine) as uow:
            assert await uow.claim("ai.erasure", EventId(uuid.uuid4()))
            await uow.personal_data.erase(owner)
            await uow.personal_data.remember_erased(owner)
            deleted.set()
            await handler_committed.wait()
            await asyncio.sleep(0.2)  # the sweep is waiting for the lock by now
            await uow.commit()

    bus: MessageBus[Any] = MessageBus()
    erasure_of("ai", bus, container)

    async def handler_racing(event: DomainEvent) -> None:
        erasing.append(asyncio.create_task(erase_slowly()))
        await deleted.wait()
        await project_quest_event(event, container.ai_uow())
        assert await rows_of(engine, "ai", owner)  # committed, after the erasure's deletes
        handler_committed.set()

    erasing: list[asyncio.Task[None]] = []
    bus.subscribe(QuestCreated, handler_racing)
    assert await bus.dispatch(life_of(owner)[1]) == 1
    await erasing[0]
    assert await rows_of(engine, "ai", owner) == {}
