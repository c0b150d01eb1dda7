"""Read-only quest units of work on SQL: they read, they never keep a write, and on SQLite they
read while a writer holds the write lock instead of queueing behind it."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import make_engine
from adapters.sql.quests import SqlQuestUnitOfWork
from questlog_core.errors import QuestNotFound, ServiceUnavailable
from tests.contract.quest_builders import new_quest, new_user


@pytest.fixture
async def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    path = tmp_path / "questlog.db"
    shutil.copyfile(sqlite_template, path)
    # A short busy timeout: a read that queued behind the writer would fail fast, not pass.
    engine = make_engine(f"sqlite:///{path}", sqlite_busy_timeout_ms=200)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_a_read_only_unit_of_work_reads_what_was_committed(
    sqlite_engine: AsyncEngine,
) -> None:
    owner = new_user()
    quest = new_quest(owner)
    async with SqlQuestUnitOfWork(sqlite_engine) as uow:
        await uow.quests.add(quest)
        await uow.commit()
    async with SqlQuestUnitOfWork(sqlite_engine).reading() as reader:
        assert (await reader.quests.get(owner, quest.id)).title == quest.title
        with pytest.raises(QuestNotFound):
            await reader.quests.get(new_user(), quest.id)


async def test_a_read_only_unit_of_work_cannot_commit_and_keeps_nothing(
    sqlite_engine: AsyncEngine,
) -> None:
    owner = new_user()
    quest = new_quest(owner)
    async with SqlQuestUnitOfWork(sqlite_engine).reading() as reader:
        await reader.quests.add(quest)
        with pytest.raises(RuntimeError, match="read-only"):
            await reader.commit()
    async with SqlQuestUnitOfWork(sqlite_engine).reading() as reader:
        with pytest.raises(QuestNotFound):
            await reader.quests.get(owner, quest.id)


async def test_reads_do_not_wait_for_a_writer_holding_the_lock(
    sqlite_engine: AsyncEngine,
) -> None:
    owner = new_user()
    quest = new_quest(owner)
    async with SqlQuestUnitOfWork(sqlite_engine) as uow:
        await uow.quests.add(quest)
        await uow.commit()
    async with SqlQuestUnitOfWork(sqlite_engine) as writer:  # BEGIN IMMEDIATE: holds the lock
        await writer.quests.add(new_quest(owner))
        async with SqlQuestUnitOfWork(sqlite_engine).reading() as reader:
            found = await asyncio.wait_for(reader.quests.get(owner, quest.id), timeout=5)
        assert found.id == quest.id
        # a second writer does queue behind the first, and gives up after the busy timeout
        # with a 503-kind error (never waits forever, never a 500)
        with pytest.raises(ServiceUnavailable, match="locked"):
            async with SqlQuestUnitOfWork(sqlite_engine) as other:
                await other.quests.add(new_quest(owner))
        await writer.commit()
