"""Applying an import on every adapter: the samples come over, twice is once, a failed batch
loses only itself, dependencies become edges, finished work is history without XP.

Runs on memory, SQLite and PostgreSQL (the ``backend`` fixture) with the fixture files of
``tests/fixtures/imports`` (a few hundred records each).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from adapters.ical import read_ical
from adapters.memory.clock import FixedClock, RandomIds
from adapters.memory.imports import InMemoryImportLinks, Key
from adapters.sql.imports import sql_import_transaction
from adapters.sql.quests import SqlQuestUnitOfWork
from questlog_core.errors import AlreadyExists
from questlog_core.events import decode_event
from questlog_core.events.quests import QuestArchived, QuestCompleted, QuestCreated
from questlog_core.ids import QuestId
from questlog_core.moving.drafts import ImportPlan
from questlog_core.moving.habitica import read_habitica
from questlog_core.moving.ports import ImportTransaction
from questlog_core.moving.taskwarrior import read_taskwarrior
from questlog_core.moving.todoist import read_todoist
from questlog_core.moving.use_cases import ApplyImport, ImportReport, apply_import
from questlog_core.ports.quests import QuestQuery
from questlog_core.quests.model import Quest, QuestStatus

from .conftest import QuestBackend, sql_outbox_events
from .quest_builders import new_user

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
CLOCK = FixedClock(NOW)
READERS = {
    "taskwarrior.json": read_taskwarrior,
    "todoist.csv": read_todoist,
    "todoist.json": read_todoist,
    "habitica.json": read_habitica,
    "ical.ics": read_ical,
}


def plan_of(name: str) -> ImportPlan:
    return READERS[name]((FIXTURES / name).read_bytes(), now=NOW, timezone="Europe/Berlin")


class Importer:
    """Import transactions over one quest backend (links kept per backend, like the store)."""

    def __init__(self, backend: QuestBackend) -> None:
        self.backend = backend
        self.links: dict[Key, QuestId] = {}
        self.fail_on_batch: int | None = None
        self.batches = 0

    def transaction(self) -> ImportTransaction:
        uow = self.backend.uow()
        if self.backend.memory is not None:
            tx = ImportTransaction(uow=uow, links=InMemoryImportLinks(uow, self.links))
        else:
            assert isinstance(uow, SqlQuestUnitOfWork)
            tx = sql_import_transaction(uow)
        self.batches += 1
        if self.fail_on_batch == self.batches:
            return ImportTransaction(uow=tx.uow, links=FailingLinks(tx.links))
        return tx

    async def run(self, plan: ImportPlan, owner: Any, batch_size: int = 100) -> ImportReport:
        command = ApplyImport(owner=owner, plan=plan, batch_size=batch_size)
        return await apply_import(command, self.transaction, CLOCK, RandomIds())


class FailingLinks:
    """Links whose ``add`` fails like a racing import would (a domain error)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def find(self, *args: Any) -> Any:
        return await self._inner.find(*args)

    async def add(self, *args: Any) -> None:
        raise AlreadyExists("import link", "raced")

    async def forget_owner(self, *args: Any) -> int:
        return int(await self._inner.forget_owner(*args))


async def every_quest(backend: QuestBackend, owner: Any) -> list[Quest]:
    found: list[Quest] = []
    cursor = None
    while True:
        async with backend.uow() as uow:
            page = await uow.quests.list(owner, QuestQuery(limit=200, cursor=cursor))
        found += page.items
        cursor = page.next_cursor
        if cursor is None:
            return found


async def edges_of(backend: QuestBackend, owner: Any) -> set[tuple[QuestId, QuestId]]:
    async with backend.uow() as uow:
        return set((await uow.dependencies.graph_of(owner)).edges())


@pytest.mark.parametrize("name", sorted(READERS))
async def test_each_sample_imports_and_importing_again_creates_nothing(
    quest_backend: QuestBackend, name: str
) -> None:
    owner = new_user()
    importer = Importer(quest_backend)
    plan = plan_of(name)
    first = await importer.run(plan, owner)
    quests = await every_quest(quest_backend, owner)
    edges = await edges_of(quest_backend, owner)
    assert first.created == len(quests) > 200
    assert first.failed_batches == 0
    assert first.created + len([u for u in first.unmapped if u.field == ""]) >= len(plan.drafts)
    assert first.edges_created == len(edges)

    second = await importer.run(plan_of(name), owner)
    assert second.created == 0
    assert second.skipped == first.created
    assert second.edges_created == 0
    assert second.edges_skipped == first.edges_created
    assert len(await every_quest(quest_backend, owner)) == len(quests)
    assert await edges_of(quest_backend, owner) == edges


async def test_taskwarrior_dependencies_become_edges_and_cycles_are_reported(
    quest_backend: QuestBackend,
) -> None:
    owner = new_user()
    plan = plan_of("taskwarrior.json")
    report = await Importer(quest_backend).run(plan, owner)
    quests = await every_quest(quest_backend, owner)
    ids = {q.id for q in quests}
    edges = await edges_of(quest_backend, owner)
    # every depends of the file is an edge, except the cycle's closing one and the dangling one
    wanted = sum(len(set(d.depends_on)) for d in plan.drafts)
    assert report.edges_created == wanted - 2 == len(edges)
    assert all(a in ids and b in ids for a, b in edges)
    depends = [u.reason for u in report.unmapped if u.field == "depends"]
    assert any("would close a cycle" in r for r in depends)
    assert any("00000000-0000-4000-8000-00000000dead" in r for r in depends)


async def test_finished_tasks_arrive_as_history_without_a_completion_event(
    quest_backend: QuestBackend,
) -> None:
    owner = new_user()
    raw = (
        b'[{"uuid":"p","description":"Prerequisite","status":"completed",'
        b'"entry":"20261001T000000Z","end":"20261003T000000Z"},'
        b'{"uuid":"d","description":"Dependent","status":"pending","entry":"20261002T000000Z",'
        b'"depends":["p"]},'
        b'{"uuid":"s","description":"Started","status":"pending","entry":"20261002T000000Z",'
        b'"start":"20261004T000000Z"},'
        b'{"uuid":"x","description":"Dropped","status":"deleted","entry":"20261002T000000Z"}]'
    )
    report = await Importer(quest_backend).run(read_taskwarrior(raw, now=NOW), owner)
    assert report.created == 4
    assert report.edges_created == 1
    quests = {q.title: q for q in await every_quest(quest_backend, owner)}
    done = quests["Prerequisite"]
    assert done.status is QuestStatus.ARCHIVED
    assert done.completed_at == datetime(2026, 10, 3, tzinfo=UTC)
    assert done.created_at == datetime(2026, 10, 1, tzinfo=UTC)
    assert quests["Started"].status is QuestStatus.ACTIVE
    assert quests["Dropped"].status is QuestStatus.ABANDONED
    assert quests["Dependent"].status is QuestStatus.TODO
    events = await committed_events(quest_backend)
    kinds = [type(e) for e in events if getattr(e, "quest_id", None) == done.id]
    assert kinds == [QuestCreated, QuestArchived]
    assert not any(isinstance(e, QuestCompleted) for e in events)


async def committed_events(backend: QuestBackend) -> list[Any]:
    if backend.memory is not None:
        return [decode_event(record.payload) for record in backend.memory.outbox]
    return await sql_outbox_events(backend.engine, "quest")


async def test_a_failed_batch_is_rolled_back_alone_and_a_rerun_fills_the_gap(
    quest_backend: QuestBackend,
) -> None:
    owner = new_user()
    importer = Importer(quest_backend)
    importer.fail_on_batch = 2
    plan = plan_of("habitica.json")
    report = await importer.run(plan, owner, batch_size=50)
    assert report.failed_batches == 1
    failed = [u for u in report.unmapped if u.reason.startswith("batch failed")]
    assert len(failed) == 50
    quests = await every_quest(quest_backend, owner)
    assert len(quests) == report.created == len(plan.drafts) - 50
    titles = {q.title for q in quests}
    assert not any(
        d.title in titles and d.external_id in {u.record for u in failed}
        for d in plan.drafts
        if sum(x.title == d.title for x in plan.drafts) == 1
    )

    importer.fail_on_batch = None
    again = await importer.run(plan_of("habitica.json"), owner, batch_size=50)
    assert again.created == 50
    assert again.skipped == len(plan.drafts) - 50
    assert len(await every_quest(quest_backend, owner)) == len(plan.drafts)


async def test_sub_quests_keep_their_parent_and_another_owner_sees_nothing(
    quest_backend: QuestBackend,
) -> None:
    owner, stranger = new_user(), new_user()
    importer = Importer(quest_backend)
    await importer.run(plan_of("todoist.json"), owner)
    quests = await every_quest(quest_backend, owner)
    ids = {q.id for q in quests}
    children = [q for q in quests if q.parent_id is not None]
    assert children
    assert all(q.parent_id in ids for q in children)
    assert await every_quest(quest_backend, stranger) == []
    # the same file for another owner is a separate import: all of it is new for them
    other = await importer.run(plan_of("todoist.json"), stranger)
    assert other.created == len(quests)


def test_reports_are_plain_data() -> None:
    report = ImportReport(source="todoist", records=1)
    assert msgspec.json.decode(msgspec.json.encode(report))["created"] == 0


async def test_a_record_given_twice_in_one_file_is_imported_once(
    quest_backend: QuestBackend,
) -> None:
    owner = new_user()
    raw = (
        b'[{"uuid":"x1","description":"First","entry":"20261001T000000Z"},'
        b'{"uuid":"x1","description":"Again","entry":"20261001T000000Z"}]'
    )
    report = await Importer(quest_backend).run(read_taskwarrior(raw, now=NOW), owner)
    assert report.created == 1
    assert [u.reason for u in report.unmapped] == [
        "the file holds this record twice; the first was imported"
    ]
    assert [q.title for q in await every_quest(quest_backend, owner)] == ["First"]
