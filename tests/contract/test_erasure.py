"""The erasure of a deleted account on SQLite and PostgreSQL: once per event, own tables only.

Each service's consumer runs :func:`questlog_core.moving.erasure.erase_account` in a
:class:`adapters.sql.erasure.SqlErasureUnitOfWork` of its own: a redelivered event deletes
nothing more (the inbox claim), and a service never touches another service's tables.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.erasure import SqlErasureUnitOfWork
from adapters.sql.quests import SqlQuestUnitOfWork
from adapters.sql.tables import quest as quest_tables
from questlog_core.events.identity import AccountDeleted
from questlog_core.ids import EventId, UserId
from questlog_core.moving.erasure import erase_account

from .quest_builders import new_quest, new_user

#: erasure runs where events flow: the SQL databases (memory:// has no consumers)
SQL_ONLY = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def deletion(owner: UserId) -> AccountDeleted:
    return AccountDeleted(
        event_id=EventId(uuid.uuid4()), occurred_at=datetime.now(UTC), owner=owner
    )


async def quest_rows(engine: AsyncEngine, owner: UserId) -> int:
    async with engine.connect() as connection:
        query = select(func.count()).where(quest_tables.quests.c.owner == owner)
        return int(await connection.scalar(query.select_from(quest_tables.quests)) or 0)


async def add_quests(engine: AsyncEngine, owner: UserId, count: int) -> None:
    async with SqlQuestUnitOfWork(engine) as uow:
        for n in range(count):
            await uow.quests.add(new_quest(owner, f"Quest {n}"))
        await uow.commit()


@SQL_ONLY
async def test_a_redelivered_deletion_erases_once_and_only_its_owner(
    backend: str, engine: AsyncEngine | None
) -> None:
    assert engine is not None
    gone, kept = new_user(), new_user()
    await add_quests(engine, gone, 3)
    await add_quests(engine, kept, 2)
    event = deletion(gone)

    first = await erase_account(event, SqlErasureUnitOfWork.of("quest", engine), "quest.erasure")
    assert first >= 3 + 3  # three quests and their three creation events in the outbox
    assert await quest_rows(engine, gone) == 0
    assert await quest_rows(engine, kept) == 2

    # a quest made after the erasure (a late event) is not touched by a redelivery
    await add_quests(engine, gone, 1)
    again = await erase_account(event, SqlErasureUnitOfWork.of("quest", engine), "quest.erasure")
    assert again == 0
    assert await quest_rows(engine, gone) == 1


@SQL_ONLY
async def test_a_service_erases_only_its_own_tables(
    backend: str, engine: AsyncEngine | None
) -> None:
    assert engine is not None
    owner = new_user()
    await add_quests(engine, owner, 2)
    for service in ("auth", "gamification", "ai", "notification"):
        uow = SqlErasureUnitOfWork.of(service, engine)
        assert await erase_account(deletion(owner), uow, f"{service}.erasure") == 0
    assert await quest_rows(engine, owner) == 2


def test_an_unknown_service_has_no_erasure() -> None:
    with pytest.raises(ValueError, match="no service"):
        SqlErasureUnitOfWork.of("billing", None)  # type: ignore[arg-type]
