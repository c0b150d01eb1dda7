"""Contract of the quest unit of work: all or nothing, events with the state, in order."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from questlog_core.errors import ConcurrencyConflict, QuestNotFound
from questlog_core.events.quests import QuestCreated, QuestStarted
from questlog_core.ids import EventId

from .conftest import InjectedFailure, QuestBackend
from .quest_builders import IDS, later, new_quest, new_user


async def test_nothing_is_stored_unless_committed(quest_backend: QuestBackend) -> None:
    owner = new_user()
    quest = new_quest(owner)
    async with quest_backend.uow() as uow:
        await uow.quests.add(quest)
    async with quest_backend.uow() as uow:
        with pytest.raises(QuestNotFound):
            await uow.quests.get(owner, quest.id)
    assert await quest_backend.outbox().pending() == []
    assert quest.pull_events() == []  # the rolled-back creation never happened


async def test_an_exception_in_the_block_rolls_back(quest_backend: QuestBackend) -> None:
    owner = new_user()
    quest = new_quest(owner)

    async def add_then_fail() -> None:
        async with quest_backend.uow() as uow:
            await uow.quests.add(quest)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await add_then_fail()
    async with quest_backend.uow() as uow:
        assert (await uow.quests.statuses(owner, [quest.id])) == {}


async def test_an_explicit_rollback_discards_and_the_unit_goes_on(
    quest_backend: QuestBackend,
) -> None:
    owner = new_user()
    dropped, kept = new_quest(owner, "dropped"), new_quest(owner, "kept")
    async with quest_backend.uow() as uow:
        await uow.quests.add(dropped)
        await uow.rollback()
        await uow.quests.add(kept)
        await uow.commit()
        assert [type(e) for e in uow.committed_events()] == [QuestCreated]
    async with quest_backend.uow() as uow:
        assert set(await uow.quests.statuses(owner, [dropped.id, kept.id])) == {kept.id}


async def test_commit_writes_state_and_events_together_in_order(
    quest_backend: QuestBackend,
) -> None:
    owner = new_user()
    quest = new_quest(owner)
    extra = QuestStarted(
        event_id=EventId(uuid.uuid4()), occurred_at=later(9), owner=owner, quest_id=quest.id
    )
    async with quest_backend.uow() as uow:
        await uow.quests.add(quest)
        uow.record(extra)
        await uow.commit()
        committed = uow.committed_events()
    assert [type(e) for e in committed] == [QuestCreated, QuestStarted]

    async with quest_backend.uow() as uow:
        loaded = await uow.quests.get(owner, quest.id)
        loaded.start(at=later(10), ids=IDS)
        await uow.quests.update(loaded, expected_version=1)
        await uow.commit()
        started = uow.committed_events()
    assert [type(e) for e in started] == [QuestStarted]

    pending = await quest_backend.outbox().pending()
    assert [r.event_id for r in pending] == [e.event_id for e in committed + started]
    assert [r.event() for r in pending] == committed + started
    assert pending[0].type == "quest.created.v1"
    assert pending[0].owner == owner


async def test_a_failure_at_commit_keeps_neither_the_change_nor_its_events(
    quest_backend: QuestBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = new_user()
    quest = new_quest(owner)
    async with quest_backend.uow() as uow:
        await uow.quests.add(quest)
        await uow.commit()
    before = await quest_backend.outbox().pending()

    async def start_it() -> None:
        async with quest_backend.uow() as uow:
            loaded = await uow.quests.get(owner, quest.id)
            loaded.start(at=later(1), ids=IDS)
            await uow.quests.update(loaded, expected_version=1)
            await uow.commit()

    quest_backend.fail_next_commit(monkeypatch)
    with pytest.raises(InjectedFailure):
        await start_it()

    async with quest_backend.uow() as uow:
        stored = await uow.quests.get(owner, quest.id)
    assert (stored.status.value, stored.version) == ("todo", 1)
    assert await quest_backend.outbox().pending() == before


async def test_concurrent_updates_of_one_version_let_exactly_one_win(
    quest_backend: QuestBackend,
) -> None:
    owner = new_user()
    quest = new_quest(owner)
    async with quest_backend.uow() as uow:
        await uow.quests.add(quest)
        await uow.commit()

    async def rename(i: int) -> str:
        async with quest_backend.uow() as uow:
            loaded = await uow.quests.get(owner, quest.id)
            loaded.revise({"title": f"title {i}"}, at=later(i + 1), ids=IDS)
            try:
                await uow.quests.update(loaded, expected_version=1)
                await uow.commit()
            except ConcurrencyConflict:
                return "conflict"
            return "won"

    outcomes = await asyncio.gather(*(rename(i) for i in range(5)))
    assert sorted(outcomes) == ["conflict"] * 4 + ["won"]
    async with quest_backend.uow() as uow:
        assert (await uow.quests.get(owner, quest.id)).version == 2
