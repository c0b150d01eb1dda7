"""The shape every SQL unit of work shares: one connection, one transaction, one outbox.

Entering opens a connection and begins a transaction; repositories run their statements on
that connection; ``commit`` writes the events collected along the way into the owning
service's outbox *in the same transaction* and commits; leaving without ``commit`` rolls
everything back (state, inbox claims and outbox rows alike).

Inside a :func:`~adapters.sql.shared_transaction.shared_transaction` of its engine (a
consumer applying a burst of events), a unit of work joins that transaction instead: a
savepoint is its transaction, and what follows a real commit waits for the shared one.

A unit of work made with :meth:`SqlUnitOfWork.reading` only reads: on SQLite its transaction
begins deferred (no write lock, so reads never queue behind writers; see
:mod:`adapters.sql.engine`), and its ``commit`` refuses, so nothing written through it by
mistake is ever kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import ClassVar, Protocol, Self

from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.engine import READ_ONLY
from adapters.sql.messaging import append_to_outbox, claim_in_inbox, outbox_committed
from adapters.sql.shared_transaction import SharedTransaction, joined
from adapters.sql.statistics import note_inserted
from adapters.sql.writers import BUSY_DETAIL, WriterGate, enter_gate, writer_gate
from questlog_core.errors import ServiceUnavailable
from questlog_core.events import DomainEvent
from questlog_core.ids import EventId
from questlog_core.ports.platform import Clock

# How a read-only unit of work's connection runs. SQLite: a deferred BEGIN (one consistent
# WAL snapshot, no write lock; see adapters.sql.engine). PostgreSQL: autocommit, so no BEGIN
# and no closing ROLLBACK travel to the server (two round trips of three for a one-query
# read); under READ COMMITTED every statement takes its own snapshot inside a transaction
# too, so the reads see exactly what they saw before.
_READ_ONLY_OPTIONS: dict[str, dict[str, object]] = {
    "sqlite": {READ_ONLY: True},
    "postgresql": {READ_ONLY: True, "isolation_level": "AUTOCOMMIT"},
}


def _reading_engine(engine: AsyncEngine) -> AsyncEngine:
    """``engine`` with the read-only options of its dialect (same pool), made once and kept on
    the engine: setting them on each connection cost a SQLAlchemy call per read."""
    sync = engine.sync_engine
    reading: AsyncEngine | None = getattr(sync, "_questlog_reading", None)
    if reading is None:
        options = _READ_ONLY_OPTIONS.get(engine.dialect.name, {READ_ONLY: True})
        reading = engine.execution_options(**options)
        sync._questlog_reading = reading  # type: ignore[attr-defined]
    return reading


def _busy(error: OperationalError) -> ServiceUnavailable | None:
    """A database too busy to answer is a 503 to retry, not a crash."""
    if "database is locked" in str(error.orig):
        return ServiceUnavailable(BUSY_DETAIL)
    return None


class EventSource(Protocol):
    """An aggregate that records domain events until the unit of work pulls them."""

    def pull_events(self) -> list[DomainEvent]: ...


class SqlInbox:
    """The :class:`~questlog_core.kernel.messaging.Inbox` of a SQL unit of work: claims are
    rows of its context's inbox table, written in the unit of work's transaction."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        return await self._uow.claim(consumer, event_id)


class SqlUnitOfWork:
    """Base of the contexts' SQL units of work (not used on its own): the kernel's
    :class:`~questlog_core.kernel.unit_of_work.UnitOfWork`, to which each context's subclass
    adds its repositories."""

    #: the service whose outbox and inbox this unit of work writes
    service: ClassVar[str]

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock = clock
        self._connection: AsyncConnection | None = None
        self._events: list[DomainEvent] = []
        self._seen: list[EventSource] = []
        self._last_committed: tuple[DomainEvent, ...] = ()
        self.committed = False
        self.read_only = False
        self._gate: WriterGate | None = None
        self._inserted: dict[str, int] = {}
        self._dialect = engine.dialect.name
        self._inbox = SqlInbox(self)
        # Inside a shared transaction: it, this unit of work's savepoint in it (its name,
        # None for a reader), and whether the connection was asked for after a commit.
        self._shared: SharedTransaction | None = None
        self._savepoint: str | None = None
        self._used_after_commit = False

    def reading(self) -> Self:
        """This unit of work, for queries only (see the module docstring); returns ``self``."""
        self.read_only = True
        return self

    @property
    def connection(self) -> AsyncConnection:
        """The transaction's connection (only inside ``async with``)."""
        if self._connection is None:
            raise RuntimeError("the unit of work is used outside its `async with` block")
        if self.committed and self._shared is not None:
            self._used_after_commit = True
        return self._connection

    def now(self) -> datetime:
        """The clock's time (system UTC when none was given)."""
        return self._clock.now() if self._clock is not None else datetime.now(UTC)

    def _reset(self) -> None:
        self._events = []
        self._seen = []
        self._last_committed = ()
        self._inserted = {}
        self.committed = False

    async def __aenter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("the unit of work is already open")
        shared = joined(self._engine)
        if shared is not None:
            # Plain statements, not SQLAlchemy's nested transactions: a burst runs one
            # SAVEPOINT and one RELEASE per event, at the cost of a statement each. A reader
            # has nothing to take back: no savepoint.
            if not self.read_only:
                name = f"uow_{id(self):x}"
                await shared.connection.exec_driver_sql(f"SAVEPOINT {name}")
                self._savepoint = name
            self._shared = shared
            self._connection = shared.connection
            self._used_after_commit = False
            self._reset()
            return self
        # SQLite writers of this process pass one at a time (see adapters.sql.writers).
        gate = None if self.read_only else writer_gate(self._engine)
        if gate is not None:
            await enter_gate(gate)
        try:
            engine = _reading_engine(self._engine) if self.read_only else self._engine
            connection = await engine.connect()
            try:
                await connection.begin()
            except BaseException:
                await connection.close()
                raise
        except OperationalError as error:
            if gate is not None:
                gate.release()
            raise _busy(error) or error from error
        except BaseException:
            if gate is not None:
                gate.release()
            raise
        self._gate = gate
        self._connection = connection
        self._reset()
        return self

    async def __aexit__(self, *exc: object) -> None:
        connection, self._connection = self._connection, None
        gate, self._gate = self._gate, None
        if connection is None:
            return
        if self._shared is not None:
            await self._leave_savepoint(connection, failed=exc[1] is not None)
            return
        try:
            # Closing rolls back a transaction still open, and then the pool does not roll
            # back again (it would after an explicit rollback).
            await connection.close()
        finally:
            if gate is not None:
                gate.release()
            if not self.committed:
                self._discard_events()

    def seen(self, source: EventSource) -> None:
        """Remember an aggregate so its events are written on commit (once per object).

        A read-only unit of work never commits, so it tracks nothing (a page of 50 quests
        would otherwise cost 1,275 identity comparisons)."""
        if self.read_only:
            return
        if not any(s is source for s in self._seen):
            self._seen.append(source)

    def _discard_events(self) -> None:
        # The events of a rolled-back change never happened.
        for source in self._seen:
            source.pull_events()
        self._seen = []
        self._events = []
        self._last_committed = ()

    async def _leave_savepoint(self, connection: AsyncConnection, *, failed: bool) -> None:
        """Leave a shared transaction: keep this unit's savepoint if it committed, else take
        it back. A unit that wrote after its commit without committing again cannot keep the
        one and drop the other in a single savepoint: it is taken back whole, and an error
        says so (the consumer then applies that event alone)."""
        name, self._savepoint, self._shared = self._savepoint, None, None
        wrote_after = self.committed and self._used_after_commit
        try:
            if name is not None:
                if self.committed and not wrote_after:
                    await connection.exec_driver_sql(f"RELEASE SAVEPOINT {name}")
                else:
                    await connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {name}")
                    await connection.exec_driver_sql(f"RELEASE SAVEPOINT {name}")
        finally:
            if not self.committed or wrote_after:
                self.committed = False
                self._discard_events()
        if wrote_after and not failed:
            raise RuntimeError(
                "a unit of work used its connection after its commit and left without "
                "committing again; inside a shared transaction it was taken back whole"
            )

    async def rollback(self) -> None:
        """Discard every change since the transaction began (it may go on afterwards)."""
        if self._shared is not None:
            if self.committed:
                # One savepoint cannot drop what came after a commit and keep the commit.
                raise RuntimeError("a rollback after a commit inside a shared transaction")
            if self._savepoint is not None:
                await self.connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {self._savepoint}")
        else:
            await self.connection.rollback()
        self._discard_events()

    def inserted(self, table: str, rows: int = 1) -> None:
        """Count rows inserted into ``table`` (``schema.table``): once committed, enough of
        them get the table analyzed (see :mod:`adapters.sql.statistics`)."""
        self._inserted[table] = self._inserted.get(table, 0) + rows

    @property
    def inbox(self) -> SqlInbox:
        """This context's inbox, in this transaction."""
        return self._inbox

    def record(self, *events: DomainEvent) -> None:
        """Add events that belong to no aggregate; ``commit`` writes them with the state."""
        self._events.extend(events)

    def collect(self, *events: DomainEvent) -> None:
        """Deprecated alias of :meth:`record`."""
        self._events.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        """The events of the last successful commit, in order (empty after a rollback)."""
        return list(self._last_committed)

    @property
    def collected(self) -> Sequence[DomainEvent]:
        """Events collected in this unit of work so far (not yet committed)."""
        return tuple(self._events)

    @property
    def last_committed(self) -> Sequence[DomainEvent]:
        """Events the last commit wrote to the outbox."""
        return self._last_committed

    def _events_to_write(self) -> list[DomainEvent]:
        """Every event this transaction produced: the aggregates' first, then collected ones."""
        events: list[DomainEvent] = []
        for source in self._seen:
            events.extend(source.pull_events())
        events.extend(self._events)
        return events

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        """Claim ``event_id`` for ``consumer`` in this context's inbox (what ``inbox.claim``
        does; kept as a method for code written before the shapes were unified)."""
        return await claim_in_inbox(self.connection, self.service, consumer, event_id, self.now())

    async def commit(self) -> None:
        """Write the collected events to the outbox and commit, atomically."""
        connection = self.connection
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        events = self._events_to_write()
        shared = self._shared
        try:
            await append_to_outbox(connection, self.service, events, self.now())
            if shared is None:
                await connection.commit()
            # In a shared transaction the savepoint is released when the unit leaves; a
            # second commit keeps what came after the first too.
        except OperationalError as error:
            raise _busy(error) or error from error
        self.committed = True
        self._used_after_commit = False
        self._last_committed = tuple(events)
        self._events = []
        self._seen = []
        inserted, self._inserted = self._inserted, {}
        engine, service = self._engine, self.service

        def committed() -> None:
            if events:
                outbox_committed(engine, service)
            for table, rows in inserted.items():
                note_inserted(engine, table, rows)

        if shared is None:
            committed()
        else:
            shared.on_commit.append(committed)


__all__ = ["SqlInbox", "SqlUnitOfWork"]
