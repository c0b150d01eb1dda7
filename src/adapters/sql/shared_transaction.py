"""Many units of work in one transaction: how a consumer applies a burst of events.

A consumer handles each event in a unit of work of its own (claim in the inbox, apply, commit),
so a burst of 50 events cost 50 transactions: 50 connection checkouts, 50 ``COMMIT`` s (each
a WAL write and, on SQLite, a turn at the writer gate), which measured as most of what the
consumers of the all-in-one spent per event. Inside :func:`shared_transaction`, every unit
of work on the same engine opened by the same task joins one transaction instead:

* entering a unit of work begins a ``SAVEPOINT`` on the shared connection; its ``commit``
  writes its outbox rows and releases the savepoint; leaving without a commit (an error)
  rolls back to the savepoint, so a failing event takes back only its own writes, inbox claim
  included, and the others go on (a read-only unit of work only reads: it joins without a
  savepoint). One savepoint cannot keep a commit and drop what came after it, so a unit of
  work that writes after its commit and leaves without committing again, or rolls back
  after a commit, is refused with an error and taken back whole;
* the shared transaction commits once at the end; everything that must follow a *real*
  commit (waking the outbox relay, counting inserted rows for ``ANALYZE``, the after-commit
  effects of :mod:`adapters.after_commit` such as cache invalidation or the leaderboard
  projection) waits until then, and is dropped if it rolls back;
* :func:`~adapters.sql.writers.write_transaction` joins it the same way, so nothing in the
  task waits on the SQLite writer gate the shared transaction holds.

Nothing changes for what the units of work guarantee: their writes, inbox claims and outbox
rows are kept together or not at all (the whole burst, if the final commit fails: then
nothing of it happened, and the broker redelivers it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.after_commit import deferring_effects
from adapters.sql.writers import enter_gate, writer_gate


@dataclass(eq=False)
class SharedTransaction:
    """The transaction units of work of one task join (see the module docstring)."""

    engine: AsyncEngine
    connection: AsyncConnection
    #: what to do once it committed (synchronous, cheap: wake-ups and counters)
    on_commit: list[Callable[[], None]] = field(default_factory=list)
    #: checks whose answer cannot change before this transaction ends (each caller's own
    #: keys), so a burst asks each once: e.g. that an account was not erased, once its
    #: lock is held to the end
    settled: set[Hashable] = field(default_factory=set)
    #: whether it still takes units of work (a task started inside it and running later
    #: must not join a transaction that has ended)
    open: bool = True


_current: ContextVar[SharedTransaction | None] = ContextVar(
    "questlog_shared_transaction", default=None
)


def joined(engine: AsyncEngine) -> SharedTransaction | None:
    """The open shared transaction of this task on ``engine``, if any."""
    shared = _current.get()
    if shared is None or not shared.open or shared.engine is not engine:
        return None
    return shared


@asynccontextmanager
async def shared_transaction(engine: AsyncEngine) -> AsyncIterator[SharedTransaction]:
    """One transaction on ``engine`` that the units of work opened inside join (see the module
    docstring). Commits when the block ends without an error, rolls back otherwise; then runs
    the deferred after-commit work (after a commit only)."""
    if joined(engine) is not None:
        raise RuntimeError("a shared transaction is already open in this task")
    gate = writer_gate(engine)
    if gate is not None:
        await enter_gate(gate)
    committed = False
    try:
        async with engine.connect() as connection:
            await connection.begin()
            shared = SharedTransaction(engine, connection)
            token = _current.set(shared)
            try:
                async with deferring_effects() as effects:
                    try:
                        yield shared
                        shared.open = False
                        await connection.commit()
                        committed = True
                    finally:
                        shared.open = False
            finally:
                _current.reset(token)
    finally:
        if gate is not None:
            gate.release()
    if not committed:
        return
    for done in shared.on_commit:
        done()
    # As after a unit of work of its own, a failing effect (a cache invalidation, a board
    # replay) is the caller's error, raised after the state committed; the others still run.
    failures: list[Exception] = []
    for effect in effects:
        try:
            await effect()
        except Exception as exc:
            failures.append(exc)
    if failures:
        raise failures[0]


__all__ = ["SharedTransaction", "joined", "shared_transaction"]
