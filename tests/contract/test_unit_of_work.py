"""One contract for every context's unit of work, on memory, SQLite and PostgreSQL.

The kernel's :class:`~questlog_core.kernel.unit_of_work.UnitOfWork` is the one shape: the
repositories are attributes; ``commit`` writes the state and the events the aggregates
recorded (plus those passed to ``record``) into the context's outbox in one transaction; a
consumer claims an event id in ``inbox`` in the same transaction as its effect; rollback (or
leaving the block without committing) discards the state, the outbox rows and the claims alike.
Each test below runs for the quest, gamification, identity and AI contexts on every adapter.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.ai import InMemoryAiStore
from adapters.memory.gamification import InMemoryGamificationStore
from adapters.memory.identity import InMemoryIdentityStore
from adapters.memory.quests import InMemoryQuestStore
from adapters.sql.ai import SqlAiUnitOfWork
from adapters.sql.auth import SqlAuthUnitOfWork
from adapters.sql.gamification import SqlGamificationUnitOfWork
from adapters.sql.messaging import SqlOutbox
from adapters.sql.quests import SqlQuestUnitOfWork
from questlog_core.ai.ports import QuestView
from questlog_core.errors import QuestNotFound
from questlog_core.gamification.events import XpAdjusted
from questlog_core.identity import User
from questlog_core.identity.events import UserRegistered
from questlog_core.kernel import Outbox, UnitOfWork
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.quests.events import QuestCreated

from .game_builders import player
from .quest_builders import new_quest

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _event_id() -> EventId:
    return EventId(uuid.uuid4())


def _loose_event(owner: UserId) -> DomainEvent:
    """An event that belongs to no aggregate (what ``record`` is for)."""
    return XpAdjusted(
        event_id=_event_id(),
        occurred_at=NOW,
        owner=owner,
        entry_id=uuid.uuid4(),
        kind="adjustment",
        amount=5,
        total_xp=5,
        reason="contract test",
    )


@dataclass
class Change:
    """A state change made through a context's repositories, and how to look for it."""

    #: makes the change in an open unit of work; returns the events it must write on commit
    make: Callable[[Any], Awaitable[list[type[DomainEvent]]]]
    #: whether a fresh unit of work sees the change
    stored: Callable[[Any], Awaitable[bool]]


def _quest_change() -> Change:
    owner = UserId(uuid.uuid4())
    quest = new_quest(owner, "Write the contract")

    async def make(uow: Any) -> list[type[DomainEvent]]:
        await uow.quests.add(quest)  # the quest recorded QuestCreated when it was created
        return [QuestCreated]

    async def stored(uow: Any) -> bool:
        try:
            await uow.quests.get(owner, quest.id)
        except QuestNotFound:
            return False
        return True

    return Change(make, stored)


def _game_change() -> Change:
    user = UserId(uuid.uuid4())

    async def make(uow: Any) -> list[type[DomainEvent]]:
        await uow.players.add(player(user))
        return []

    async def stored(uow: Any) -> bool:
        return await uow.players.find(user) is not None

    return Change(make, stored)


def _identity_change() -> Change:
    user = User.register(
        user_id=UserId(uuid.uuid4()),
        email=f"{uuid.uuid4().hex[:12]}@example.com",
        display_name="Ada",
        password_hash="$argon2id$v=19$m=1024,t=1,p=1$fake",
        at=NOW,
        event_id=_event_id(),
        timezone="Europe/Berlin",
        day_start_hour=4,
    )

    async def make(uow: Any) -> list[type[DomainEvent]]:
        await uow.users.add(user)  # the user recorded UserRegistered
        return [UserRegistered]

    async def stored(uow: Any) -> bool:
        return await uow.users.find(user.id) is not None

    return Change(make, stored)


def _ai_change() -> Change:
    owner = UserId(uuid.uuid4())
    view = QuestView(
        owner=owner,
        quest_id=QuestId(uuid.uuid4()),
        title="Read the contract",
        created_at=NOW,
        updated_at=NOW + timedelta(seconds=1),
    )

    async def make(uow: Any) -> list[type[DomainEvent]]:
        await uow.quest_views.put(view)
        return []

    async def stored(uow: Any) -> bool:
        return await uow.quest_views.get(owner, view.quest_id) is not None

    return Change(make, stored)


class Context:
    """One context's units of work and outbox on one adapter."""

    def __init__(self, name: str, kind: str, engine: AsyncEngine | None) -> None:
        self.name = name
        self.engine = engine
        stores: dict[str, Callable[[], Any]] = {
            "quest": InMemoryQuestStore,
            "gamification": InMemoryGamificationStore,
            "auth": InMemoryIdentityStore,
            "ai": InMemoryAiStore,
        }
        self.memory = stores[name]() if engine is None else None

    def uow(self) -> UnitOfWork:
        if self.memory is not None:
            made: UnitOfWork = self.memory.unit_of_work()
            return made
        assert self.engine is not None
        sql: dict[str, Callable[[AsyncEngine], UnitOfWork]] = {
            "quest": SqlQuestUnitOfWork,
            "gamification": SqlGamificationUnitOfWork,
            "auth": SqlAuthUnitOfWork,
            "ai": SqlAiUnitOfWork,
        }
        return sql[self.name](self.engine)

    def outbox(self) -> Outbox:
        if self.memory is not None:
            reader: Outbox = self.memory.outbox_reader()
            return reader
        assert self.engine is not None
        return SqlOutbox(self.engine, self.name)

    def change(self) -> Change:
        return {
            "quest": _quest_change,
            "gamification": _game_change,
            "auth": _identity_change,
            "ai": _ai_change,
        }[self.name]()

    async def outbox_types(self) -> list[str]:
        return [record.type for record in await self.outbox().pending(limit=1000)]


@pytest.fixture(params=["quest", "gamification", "auth", "ai"])
def context(request: pytest.FixtureRequest, backend: str, engine: AsyncEngine | None) -> Context:
    return Context(str(request.param), backend, engine)


async def test_commit_writes_the_state_and_the_recorded_events_together(context: Context) -> None:
    change = context.change()
    loose = _loose_event(UserId(uuid.uuid4()))
    async with context.uow() as uow:
        from_aggregates = await change.make(uow)
        uow.record(loose)
        await uow.commit()
        committed = uow.committed_events()
    expected = [t.type_name() for t in from_aggregates] + [loose.type_name()]
    assert [e.type_name() for e in committed] == expected
    assert await context.outbox_types() == expected
    async with context.uow() as uow:
        assert await change.stored(uow)


async def test_leaving_without_commit_keeps_neither_state_nor_events(context: Context) -> None:
    change = context.change()
    async with context.uow() as uow:
        await change.make(uow)
        uow.record(_loose_event(UserId(uuid.uuid4())))
    async with context.uow() as uow:
        assert not await change.stored(uow)
    assert await context.outbox_types() == []


async def test_an_exception_in_the_block_rolls_everything_back(context: Context) -> None:
    change = context.change()
    message = _event_id()

    async def fail_midway() -> None:
        async with context.uow() as uow:
            assert await uow.inbox.claim("contract", message)
            await change.make(uow)
            uow.record(_loose_event(UserId(uuid.uuid4())))
            raise RuntimeError("use case failed")

    with pytest.raises(RuntimeError, match="use case failed"):
        await fail_midway()
    async with context.uow() as uow:
        assert not await change.stored(uow)
        assert await uow.inbox.claim("contract", message)  # the claim went with the rest
    assert await context.outbox_types() == []


async def test_rollback_discards_state_events_and_claims_and_the_unit_goes_on(
    context: Context,
) -> None:
    dropped, kept = context.change(), context.change()
    message = _event_id()
    async with context.uow() as uow:
        assert await uow.inbox.claim("contract", message)
        await dropped.make(uow)
        uow.record(_loose_event(UserId(uuid.uuid4())))
        await uow.rollback()
        assert uow.committed_events() == []
        kept_events = await kept.make(uow)
        await uow.commit()
    async with context.uow() as uow:
        assert not await dropped.stored(uow)
        assert await kept.stored(uow)
        assert await uow.inbox.claim("contract", message)  # the rolled-back claim is gone
    assert await context.outbox_types() == [t.type_name() for t in kept_events]


async def test_a_claim_commits_with_its_effect_and_a_redelivery_finds_it_taken(
    context: Context,
) -> None:
    message = _event_id()
    change = context.change()

    async def deliver() -> bool:
        async with context.uow() as uow:
            if not await uow.inbox.claim("contract", message):
                return False  # processed already: no second effect
            await change.make(uow)
            await uow.commit()
            return True

    assert await deliver() is True
    assert await deliver() is False
    async with context.uow() as uow:
        assert await change.stored(uow)
        assert await uow.inbox.claim("contract", message) is False
        assert await uow.inbox.claim("another consumer", message) is True


async def test_a_claim_is_made_once_inside_one_transaction(context: Context) -> None:
    message = _event_id()
    async with context.uow() as uow:
        assert await uow.inbox.claim("contract", message) is True
        assert await uow.inbox.claim("contract", message) is False
