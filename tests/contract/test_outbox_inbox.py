"""Contract of the outboxes and inboxes (quest and gamification services)."""

from __future__ import annotations

import asyncio
import uuid

from questlog_core.events.quests import QuestStarted
from questlog_core.ids import EventId

from .conftest import GameBackend, QuestBackend
from .game_builders import T0
from .quest_builders import new_quest, new_user


async def test_the_outbox_hands_out_pending_events_until_published(
    quest_backend: QuestBackend,
) -> None:
    owner = new_user()
    quests = [new_quest(owner, f"q{i}") for i in range(3)]
    for quest in quests:
        async with quest_backend.uow() as uow:
            await uow.quests.add(quest)
            await uow.commit()
    outbox = quest_backend.outbox()
    first_two = await outbox.pending(limit=2)
    assert [r.event().quest_id for r in first_two] == [q.id for q in quests[:2]]  # type: ignore[attr-defined]
    assert await outbox.pending(limit=0) == []
    await outbox.mark_published([r.event_id for r in first_two] + [EventId(uuid.uuid4())])
    rest = await outbox.pending()
    assert [r.event().quest_id for r in rest] == [quests[2].id]  # type: ignore[attr-defined]
    await outbox.mark_published([])
    assert len(await outbox.pending()) == 1


async def test_an_inbox_claim_is_made_once_and_forgotten_on_rollback(
    quest_backend: QuestBackend,
) -> None:
    message = EventId(uuid.uuid4())
    async with quest_backend.uow() as uow:
        assert await uow.inbox.claim("reminders", message) is True
        assert await uow.inbox.claim("reminders", message) is False
    async with quest_backend.uow() as uow:  # the first claim was rolled back
        assert await uow.inbox.claim("reminders", message) is True
        assert await uow.inbox.claim("digest", message) is True  # per consumer
        await uow.commit()
    async with quest_backend.uow() as uow:
        assert await uow.inbox.claim("reminders", message) is False


async def test_a_game_inbox_claim_is_made_once_and_forgotten_on_rollback(
    game_backend: GameBackend,
) -> None:
    message = EventId(uuid.uuid4())
    async with game_backend.uow() as uow:
        assert await uow.inbox.claim("award-xp", message) is True
    async with game_backend.uow() as uow:
        assert await uow.inbox.claim("award-xp", message) is True
        await uow.commit()
    async with game_backend.uow() as uow:
        assert await uow.inbox.claim("award-xp", message) is False
        assert await uow.inbox.claim("achievements", message) is True


async def test_concurrent_deliveries_of_one_event_are_processed_once(
    game_backend: GameBackend,
) -> None:
    message = EventId(uuid.uuid4())

    async def deliver() -> bool:
        async with game_backend.uow() as uow:
            if not await uow.inbox.claim("award-xp", message):
                return False
            await uow.commit()
            return True

    outcomes = await asyncio.gather(*(deliver() for _ in range(8)))
    assert outcomes.count(True) == 1


async def test_collected_events_reach_the_game_outbox_only_on_commit(
    game_backend: GameBackend,
) -> None:
    owner = new_user()
    dropped, kept = (
        QuestStarted(event_id=EventId(uuid.uuid4()), occurred_at=T0, owner=owner, quest_id=q.id)
        for q in (new_quest(owner), new_quest(owner))
    )
    async with game_backend.uow() as uow:
        uow.collect(dropped)
        assert list(uow.collected) == [dropped]
    async with game_backend.uow() as uow:
        uow.collect(kept)
        await uow.commit()
    assert await game_backend.outbox_events() == [kept]
