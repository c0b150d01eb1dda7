"""The quest context's bus, as bootstrapped for the HTTP controllers: every command and query
goes through it, queries get the read-only unit of work, and deleting a quest with its
attachments is one use case whose files go after the commit, driven by its event."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.memory import FixedClock, InMemoryQuestStore, SequentialIds
from adapters.memory.storage import InMemoryFileStorage
from questlog_core.errors import ConcurrencyConflict, NotFound
from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.ids import UserId
from questlog_core.quests.bootstrap import bootstrap
from questlog_core.quests.events import AttachmentsDiscarded, QuestDeleted
from questlog_core.quests.ports import QuestUnitOfWork
from questlog_core.quests.use_cases import (
    CreateQuest,
    DeleteQuest,
    GetQuest,
    ListQuests,
)
from questlog_core.quests.use_cases.attachments import AttachFile, ListAttachments
from questlog_core.quests.use_cases.wiring import QUERIES, handlers


class Counting:
    """Counts the units of work a factory made."""

    def __init__(self, store: InMemoryQuestStore) -> None:
        self.store = store
        self.made = 0

    def __call__(self) -> QuestUnitOfWork:
        self.made += 1
        return self.store.unit_of_work()


@pytest.fixture
def storage(clock: FixedClock) -> InMemoryFileStorage:
    return InMemoryFileStorage(clock=clock)


def make_bus(
    store: InMemoryQuestStore,
    clock: FixedClock,
    ids: SequentialIds,
    storage: InMemoryFileStorage,
) -> tuple[MessageBus[QuestUnitOfWork], Counting, Counting]:
    writer, reader = Counting(store), Counting(store)
    bus = bootstrap(unit_of_work=writer, reader=reader, clock=clock, ids=ids, storage=storage)
    return bus, writer, reader


async def attach(bus: MessageBus[QuestUnitOfWork], owner: UserId, quest_id: Any) -> Any:
    return await bus.handle(
        AttachFile(
            owner=owner, quest_id=quest_id, filename="map.txt", content_type="text/plain", data=b"x"
        )
    )


async def test_every_quest_message_has_exactly_one_handler(
    store: InMemoryQuestStore,
    clock: FixedClock,
    ids: SequentialIds,
    storage: InMemoryFileStorage,
) -> None:
    bus, _, _ = make_bus(store, clock, ids, storage)
    for message_type in handlers(clock, ids):
        assert bus.handles(message_type), message_type
    assert bus.handles(AttachFile)
    assert bus.handles(ListAttachments)


async def test_queries_run_on_the_reader_and_commands_on_the_writer(
    store: InMemoryQuestStore,
    clock: FixedClock,
    ids: SequentialIds,
    storage: InMemoryFileStorage,
    alice: UserId,
) -> None:
    bus, writer, reader = make_bus(store, clock, ids, storage)
    quest = await bus.handle(CreateQuest(owner=alice, title="Through the bus"))
    assert (writer.made, reader.made) == (1, 0)
    found = await bus.handle(GetQuest(owner=alice, quest_id=quest.id))
    page = await bus.handle(ListQuests(owner=alice))
    assert found.title == "Through the bus"
    assert [q.id for q in page.items] == [quest.id]
    assert (writer.made, reader.made) == (1, 2)
    assert GetQuest in QUERIES
    assert CreateQuest not in QUERIES


async def test_deleting_a_quest_removes_its_files_after_the_commit(
    store: InMemoryQuestStore,
    clock: FixedClock,
    ids: SequentialIds,
    storage: InMemoryFileStorage,
    alice: UserId,
) -> None:
    bus, _, _ = make_bus(store, clock, ids, storage)
    quest = await bus.handle(CreateQuest(owner=alice, title="With files"))
    first, second = await attach(bus, alice, quest.id), await attach(bus, alice, quest.id)
    assert await storage.get(first.key) == b"x"

    await bus.handle(DeleteQuest(owner=alice, quest_id=quest.id))

    for attachment in (first, second):
        with pytest.raises(NotFound):
            await storage.get(attachment.key)
    types = [record.type for record in store.outbox]
    assert types[-2:] == [QuestDeleted.type_name(), AttachmentsDiscarded.type_name()]
    discarded = store.outbox[-1].event()
    assert isinstance(discarded, AttachmentsDiscarded)
    assert set(discarded.attachment_ids) == {first.id, second.id}


async def test_a_delete_that_fails_keeps_the_quest_its_attachments_and_their_files(
    store: InMemoryQuestStore,
    clock: FixedClock,
    ids: SequentialIds,
    storage: InMemoryFileStorage,
    alice: UserId,
) -> None:
    bus, _, _ = make_bus(store, clock, ids, storage)
    quest = await bus.handle(CreateQuest(owner=alice, title="Kept"))
    attachment = await attach(bus, alice, quest.id)

    with pytest.raises(ConcurrencyConflict):
        await bus.handle(DeleteQuest(owner=alice, quest_id=quest.id, expected_version=99))

    assert await storage.get(attachment.key) == b"x"
    listed = await bus.handle(ListAttachments(owner=alice, quest_id=quest.id))
    assert [a.id for a in listed] == [attachment.id]
    assert AttachmentsDiscarded.type_name() not in [record.type for record in store.outbox]


async def test_deleting_a_quest_without_attachments_records_no_discard(
    store: InMemoryQuestStore,
    clock: FixedClock,
    ids: SequentialIds,
    storage: InMemoryFileStorage,
    alice: UserId,
) -> None:
    bus, _, _ = make_bus(store, clock, ids, storage)
    quest = await bus.handle(CreateQuest(owner=alice, title="Bare"))
    await bus.handle(DeleteQuest(owner=alice, quest_id=quest.id))
    assert store.outbox[-1].type == QuestDeleted.type_name()
