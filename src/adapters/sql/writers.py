"""One writer at a time per SQLite database in this process, whichever event loop it runs on.

SQLite lets one transaction write at a time. A writer that finds the lock taken waits in
SQLite's busy handler, which *sleeps* (1, 2, 5, 10 ... up to 100 ms between tries) in the
connection's thread: the lock is usually free again within a millisecond, but the waiter
sleeps on, while every other writer queues behind it. The all-in-one runs writers on three
event loops (the HTTP server's, the in-process consumers', the outbox relay's); measured before
this gate existed, POST create reached 24-51 req/s with the aiosqlite threads asleep in
the busy handler most of the time.

So every writer of this process passes one :class:`WriterGate` per database file first: a
first-come, first-served lock that works across threads and event loops (an ``asyncio.Lock``
belongs to one loop), woken the moment the previous writer commits. SQLite's busy timeout
remains what it was for: writers of *other* processes (``questlog migrate``, a separate
worker).

Helpers for code that writes outside a unit of work: :func:`write_transaction` (gate, connect,
``BEGIN IMMEDIATE``, commit) and :func:`gated_connection` (gate and connection; the caller
commits), and :func:`read_connection` for reads that must not take the write lock.
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.engine import READ_ONLY, SQLITE_BUSY_TIMEOUT_MS
from questlog_core.errors import ServiceUnavailable

#: what a writer hears when it waited longer than the busy timeout for its turn
BUSY_DETAIL: Final = "the database is locked by another writer; try again in a moment"


class WriterGate:
    """A first-come, first-served lock usable from any thread's event loop.

    ``await acquire(timeout)`` then ``release()``. A waiter that gives up (timeout or
    cancellation) leaves the queue; a turn handed to a waiter that has just given up is
    passed on, so the gate is never left held by nobody.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = deque()

    @property
    def held(self) -> bool:
        """Whether a writer holds the gate now."""
        return self._held

    async def acquire(self, wait_seconds: float) -> None:
        """Wait for the turn; ``TimeoutError`` after ``wait_seconds``."""
        loop = asyncio.get_running_loop()
        with self._mutex:
            if not self._held:
                self._held = True
                return
            waiter: asyncio.Future[None] = loop.create_future()
            entry = (loop, waiter)
            self._waiters.append(entry)
        try:
            async with asyncio.timeout(wait_seconds):
                await waiter
        except BaseException:
            with self._mutex:
                queued = entry in self._waiters
                if queued:
                    self._waiters.remove(entry)
            if not queued and waiter.done() and not waiter.cancelled():
                self.release()  # the turn came as we gave up: pass it on
            raise

    def release(self) -> None:
        """End the turn: hand it to the longest waiter, or open the gate."""
        with self._mutex:
            while self._waiters:
                loop, waiter = self._waiters.popleft()
                if loop.is_closed():
                    continue
                loop.call_soon_threadsafe(self._grant, waiter)
                return
            self._held = False

    def _grant(self, waiter: asyncio.Future[None]) -> None:
        # Runs on the waiter's loop. A waiter cancelled between the hand-over and now is
        # no longer in the queue and will never release: pass the turn on for it.
        if waiter.done():
            self.release()
        else:
            waiter.set_result(None)


_GATES: dict[str, WriterGate] = {}
_GATES_MUTEX = threading.Lock()
#: each engine's gate, found without resolving its file's path again
_ENGINE_GATES: weakref.WeakKeyDictionary[Engine, WriterGate] = weakref.WeakKeyDictionary()


def _database_key(engine: AsyncEngine) -> str:
    database = engine.url.database or ""
    if database in {"", ":memory:"} or database.startswith("file:"):
        return f"{database}#{id(engine.sync_engine)}"  # private to this engine
    return os.path.realpath(os.path.expanduser(database))


def writer_gate(engine: AsyncEngine) -> WriterGate | None:
    """The gate writers of ``engine``'s SQLite database pass (``None`` on PostgreSQL, whose
    writers run in parallel)."""
    if engine.dialect.name != "sqlite":
        return None
    gate = _ENGINE_GATES.get(engine.sync_engine)
    if gate is not None:
        return gate
    key = _database_key(engine)
    with _GATES_MUTEX:
        gate = _GATES.get(key)
        if gate is None:
            gate = _GATES[key] = WriterGate()
        _ENGINE_GATES[engine.sync_engine] = gate
    return gate


async def enter_gate(gate: WriterGate, wait_seconds: float = SQLITE_BUSY_TIMEOUT_MS / 1000) -> None:
    """Wait for ``gate`` (by default as long as SQLite's own busy timeout); 503 after that.

    Bounded, so a writer that waits on a writer of its own task (a nested unit of work)
    fails instead of waiting forever."""
    try:
        await gate.acquire(wait_seconds)
    except TimeoutError:
        raise ServiceUnavailable(BUSY_DETAIL) from None


@asynccontextmanager
async def gated_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection that may write (its transaction begins ``IMMEDIATE`` on SQLite), held
    with the writer gate; the caller commits, leaving rolls back what it did not."""
    gate = writer_gate(engine)
    if gate is not None:
        await enter_gate(gate)
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        if gate is not None:
            gate.release()


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """``engine.begin()`` behind the writer gate: commits on success, rolls back on error.
    Inside a shared transaction of ``engine`` (:mod:`adapters.sql.shared_transaction`), a
    savepoint of it instead."""
    from adapters.sql.shared_transaction import joined

    shared = joined(engine)
    if shared is not None:
        async with shared.connection.begin_nested():
            yield shared.connection
        return
    async with gated_connection(engine) as connection, connection.begin():
        yield connection


@asynccontextmanager
async def read_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for reads only: on SQLite its transaction begins deferred and never takes
    the write lock (see :mod:`adapters.sql.engine`)."""
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            await connection.execution_options(**{READ_ONLY: True})
        yield connection


__all__ = [
    "BUSY_DETAIL",
    "WriterGate",
    "enter_gate",
    "gated_connection",
    "read_connection",
    "write_transaction",
    "writer_gate",
]
