"""Units of work joining one shared transaction (a consumer applying a burst of events), on
SQLite and PostgreSQL, for every context's unit of work.

What a consumer relies on: inside :func:`~adapters.sql.shared_transaction.shared_transaction`
each unit of work keeps its own all-or-nothing (a failing one takes back its state, outbox rows
and inbox claim, the others stay), nothing is visible to anyone else before the shared commit,
and what must follow a real commit (after-commit effects, waking the relay) waits for it and
never happens when the shared transaction rolls back.
"""

from __future__ import annotations

import asyncio
import contextvars
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.after_commit import after_commit
from adapters.sql.messaging import on_outbox_commit
from adapters.sql.shared_transaction import shared_transaction
from adapters.sql.writers import write_transaction
from questlog_core.kernel.ids import EventId, UserId

from .test_unit_of_work import Change, Context, _loose_event

T = TypeVar("T")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["quest", "gamification", "auth", "ai"])
def context(request: pytest.FixtureRequest, backend: str, engine: AsyncEngine | None) -> Context:
    return Context(str(request.param), backend, engine)


def _engine(context: Context) -> AsyncEngine:
    assert context.engine is not None
    return context.engine


async def elsewhere(check: Callable[[], Awaitable[T]]) -> T:
    """Run ``check`` as another task with a fresh context: another connection, outside the
    shared transaction (what any other request or consumer sees)."""
    return await asyncio.create_task(check(), context=contextvars.Context())


async def _stored(context: Context, change: Change) -> bool:
    reader: Any = context.uow()
    async with reader.reading() as uow:  # a reader never waits for the writer lock
        return bool(await change.stored(uow))


async def _commit(context: Context, change: Change) -> list[str]:
    async with context.uow() as uow:
        made = await change.make(uow)
        await uow.commit()
    return [t.type_name() for t in made]


async def test_units_of_work_commit_together_at_the_end_and_not_before(context: Context) -> None:
    first, second = context.change(), context.change()
    async with shared_transaction(_engine(context)):
        written = await _commit(context, first)
        written += await _commit(context, second)
        # inside, the burst sees its own writes; outside, nothing yet
        assert await _stored(context, first)
        assert not await elsewhere(lambda: _stored(context, first))
        assert await elsewhere(context.outbox_types) == []

    assert await _stored(context, first)
    assert await _stored(context, second)
    assert await context.outbox_types() == written


async def test_a_failing_unit_takes_back_only_its_own_writes_and_claim(context: Context) -> None:
    kept, failed, after = context.change(), context.change(), context.change()
    message = EventId(uuid.uuid4())

    async def fail_midway() -> None:
        async with context.uow() as uow:
            assert await uow.inbox.claim("contract", message)
            await failed.make(uow)
            uow.record(_loose_event(UserId(uuid.uuid4())))
            raise RuntimeError("handler failed")

    async with shared_transaction(_engine(context)):
        written = await _commit(context, kept)
        with pytest.raises(RuntimeError, match="handler failed"):
            await fail_midway()
        written += await _commit(context, after)

    assert await _stored(context, kept)
    assert not await _stored(context, failed)
    assert await _stored(context, after)
    assert await context.outbox_types() == written
    async with context.uow() as uow:
        assert await uow.inbox.claim("contract", message)  # the claim went with its unit


async def test_rollback_inside_discards_that_units_work_and_it_goes_on(context: Context) -> None:
    dropped, kept = context.change(), context.change()
    message = EventId(uuid.uuid4())
    async with shared_transaction(_engine(context)), context.uow() as uow:
        assert await uow.inbox.claim("contract", message)
        await dropped.make(uow)
        await uow.rollback()
        kept_events = await kept.make(uow)
        await uow.commit()

    assert not await _stored(context, dropped)
    assert await _stored(context, kept)
    assert await context.outbox_types() == [t.type_name() for t in kept_events]
    async with context.uow() as uow:
        assert await uow.inbox.claim("contract", message)


async def test_when_the_shared_transaction_fails_nothing_of_it_happened(context: Context) -> None:
    change = context.change()
    effects: list[str] = []
    woken: list[str] = []
    stop = on_outbox_commit(_engine(context), woken.append)

    async def effect() -> None:
        effects.append("ran")

    async def burst() -> None:
        async with shared_transaction(_engine(context)):
            await _commit(context, change)
            await after_commit(effect)
            raise RuntimeError("burst failed")

    try:
        with pytest.raises(RuntimeError, match="burst failed"):
            await burst()
    finally:
        stop()

    assert not await _stored(context, change)
    assert await context.outbox_types() == []
    assert effects == []
    assert woken == []


async def test_effects_and_wake_ups_wait_for_the_shared_commit(context: Context) -> None:
    change = context.change()
    seen_by_effect: list[bool] = []
    woken: list[str] = []
    stop = on_outbox_commit(_engine(context), woken.append)

    async def effect() -> None:
        # runs after the commit: anyone reading now sees the change
        seen_by_effect.append(await elsewhere(lambda: _stored(context, change)))

    try:
        async with shared_transaction(_engine(context)):
            written = await _commit(context, change)
            await after_commit(effect)
            assert seen_by_effect == []
            assert woken == []
    finally:
        stop()

    assert seen_by_effect == [True]
    assert woken == ([context.name] if written else [])


async def test_a_write_transaction_inside_joins_instead_of_waiting(context: Context) -> None:
    """Code writing outside a unit of work (``write_transaction``) inside a burst takes a
    savepoint of it; on SQLite waiting for the writer gate instead would wait on itself."""
    change = context.change()
    engine = _engine(context)
    async with shared_transaction(engine):
        await _commit(context, change)
        async with asyncio.timeout(2):
            async with write_transaction(engine) as connection:
                assert connection.in_transaction()
    assert await _stored(context, change)


async def test_a_unit_that_writes_after_its_commit_and_leaves_is_refused_whole(
    context: Context,
) -> None:
    """One savepoint cannot keep the commit and drop what came after it: the unit is taken
    back whole and says so (a consumer then applies that event alone), the others stay."""
    first, after, other = context.change(), context.change(), context.change()

    async def write_after_commit() -> None:
        async with context.uow() as uow:
            await first.make(uow)
            await uow.commit()
            await after.make(uow)  # and leaves without committing again

    async with shared_transaction(_engine(context)):
        with pytest.raises(RuntimeError, match="after its commit"):
            await write_after_commit()
        written = await _commit(context, other)

    assert not await _stored(context, first)
    assert not await _stored(context, after)
    assert await _stored(context, other)
    assert await context.outbox_types() == written
