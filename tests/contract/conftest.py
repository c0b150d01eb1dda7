"""SQL fixtures of the contract suites: every port runs on memory, SQLite and PostgreSQL.

* ``backend`` is parametrised over the three adapters; a suite asks for ``quest_backend`` or
  ``game_backend`` and gets a factory of units of work over one fresh store.
* SQLite: the migrations run once per session into a template file; each test copies it.
* PostgreSQL: each session creates a uniquely named database (``questlog_contract_...``),
  migrates it, empties every table before each test, and drops the database at the end, so
  concurrent runs never collide. Unreachable server: skipped, or failed under ``CI=true``.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.memory.gamification import InMemoryGamificationStore
from adapters.memory.quests import InMemoryQuestStore
from adapters.sql.engine import make_engine
from adapters.sql.gamification import SqlGamificationUnitOfWork
from adapters.sql.messaging import SqlOutbox
from adapters.sql.migrations import upgrade
from adapters.sql.quests import SqlQuestUnitOfWork
from adapters.sql.scratch import create_database, drop_database
from adapters.sql.tables import outbox_of
from questlog_core.events import DomainEvent, decode_event
from tests.support.databases import EMPTY_EVERY_TABLE

BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "questlog.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database(postgres_url: str) -> Iterator[str]:
    url = create_database(postgres_url, "contract")
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(url)


async def empty_tables(connection: AsyncConnection) -> None:
    """Delete every row of every table (children first), leaving the schema in place."""
    await connection.exec_driver_sql(EMPTY_EVERY_TABLE)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which adapter the test runs on."""
    return str(request.param)


@pytest.fixture
async def engine(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[AsyncEngine | None]:
    """An engine on a fresh, migrated, empty database (``None`` for the memory backend)."""
    if backend == "memory":
        yield None
        return
    if backend == "sqlite":
        path = tmp_path / "questlog.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        created = make_engine(f"sqlite:///{path}")
    else:
        created = make_engine(request.getfixturevalue("postgres_database"), pool_size=30)
        async with created.begin() as connection:
            await empty_tables(connection)
    try:
        yield created
    finally:
        await created.dispose()


class QuestBackend:
    """Units of work and the outbox of one quest store, whichever adapter holds it."""

    def __init__(self, kind: str, engine: AsyncEngine | None) -> None:
        self.kind = kind
        self.engine = engine
        self.memory = InMemoryQuestStore() if engine is None else None

    def uow(self) -> Any:
        if self.memory is not None:
            return self.memory.unit_of_work()
        assert self.engine is not None
        return SqlQuestUnitOfWork(self.engine)

    def outbox(self) -> Any:
        if self.memory is not None:
            return self.memory.outbox_reader()
        assert self.engine is not None
        return SqlOutbox(self.engine, "quest")

    def fail_next_commit(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make the next commit fail at its very last step, after everything was written."""
        _fail_next_commit(self, monkeypatch, "_check_against_store")


class GameBackend:
    """Units of work of one gamification store, whichever adapter holds it."""

    def __init__(self, kind: str, engine: AsyncEngine | None) -> None:
        self.kind = kind
        self.engine = engine
        self.memory = InMemoryGamificationStore() if engine is None else None

    def uow(self) -> Any:
        if self.memory is not None:
            return self.memory.unit_of_work()
        assert self.engine is not None
        return SqlGamificationUnitOfWork(self.engine)

    async def outbox_events(self) -> list[DomainEvent]:
        """Every event committed to the gamification outbox, in order."""
        if self.memory is not None:
            return list(self.memory.outbox)
        return await sql_outbox_events(self.engine, "gamification")

    def fail_next_commit(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make the next commit fail at its very last step, after everything was written."""
        _fail_next_commit(self, monkeypatch, None)


class InjectedFailure(RuntimeError):
    """The fault a test injects into a commit."""


def _fail_next_commit(
    backend: QuestBackend | GameBackend, monkeypatch: pytest.MonkeyPatch, memory_hook: str | None
) -> None:
    if backend.engine is not None:
        # SQL: right after the outbox rows were inserted, before COMMIT is sent.
        import adapters.sql.unit_of_work as sql_uow

        real_append = sql_uow.append_to_outbox
        fired: list[bool] = []

        async def append_then_fail(*args: Any, **kwargs: Any) -> None:
            await real_append(*args, **kwargs)
            if not fired:
                fired.append(True)
                raise InjectedFailure("injected failure after the outbox insert")

        monkeypatch.setattr(sql_uow, "append_to_outbox", append_then_fail)
        return
    # Memory: the last step before the change set is applied.
    store = backend.memory
    assert store is not None
    if memory_hook is not None:
        cls = type(store.unit_of_work())
        original: Callable[..., Any] = getattr(cls, memory_hook)
        calls: list[bool] = []

        def failing(self: Any, *args: Any) -> Any:
            if not calls:
                calls.append(True)
                raise InjectedFailure("injected failure at commit")
            return original(self, *args)

        monkeypatch.setattr(cls, memory_hook, failing)
    else:
        # The gamification store checks conflicts first; fail its first conflict check.
        cls = type(store.unit_of_work())
        original_commit: Callable[..., Any] = cls.commit
        calls_g: list[bool] = []

        async def failing_commit(self: Any) -> None:
            if not calls_g:
                calls_g.append(True)
                raise InjectedFailure("injected failure at commit")
            await original_commit(self)

        monkeypatch.setattr(cls, "commit", failing_commit)


async def sql_outbox_events(engine: AsyncEngine | None, service: str) -> list[DomainEvent]:
    assert engine is not None
    table = outbox_of(service)
    async with engine.connect() as connection:
        rows = await connection.execute(table.select().order_by(table.c.position))
        return [decode_event(r.payload) for r in rows]


@pytest.fixture
def quest_backend(backend: str, engine: AsyncEngine | None) -> QuestBackend:
    return QuestBackend(backend, engine)


@pytest.fixture
def game_backend(backend: str, engine: AsyncEngine | None) -> GameBackend:
    return GameBackend(backend, engine)
