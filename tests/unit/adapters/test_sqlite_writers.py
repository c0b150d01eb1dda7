"""SQLite writers of one process pass one at a time, whichever event loop they run on, and no
writer sleeps in SQLite's busy handler waiting for another writer of the same process."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from adapters.sql.engine import make_engine
from adapters.sql.writers import (
    WriterGate,
    enter_gate,
    read_connection,
    write_transaction,
    writer_gate,
)
from questlog_core.errors import ServiceUnavailable


async def test_the_gate_lets_writers_in_first_come_first_served() -> None:
    gate = WriterGate()
    order: list[int] = []

    async def writer(number: int) -> None:
        await gate.acquire(5)
        try:
            order.append(number)
            await asyncio.sleep(0)
        finally:
            gate.release()

    await gate.acquire(5)
    tasks = [asyncio.create_task(writer(n)) for n in range(5)]
    await asyncio.sleep(0.01)
    gate.release()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]
    assert not gate.held


async def test_a_writer_that_gives_up_does_not_keep_the_gate() -> None:
    gate = WriterGate()
    await gate.acquire(5)
    with pytest.raises(TimeoutError):
        await gate.acquire(0.01)
    cancelled = asyncio.create_task(gate.acquire(5))
    await asyncio.sleep(0.01)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    gate.release()
    await asyncio.wait_for(gate.acquire(1), 1)  # nobody else holds it
    gate.release()
    assert not gate.held


def test_writers_on_other_event_loops_wait_their_turn() -> None:
    gate = WriterGate()
    inside = 0
    most_inside = 0
    lock = threading.Lock()

    async def writers() -> None:
        nonlocal inside, most_inside
        for _ in range(50):
            await gate.acquire(5)
            with lock:
                inside += 1
                most_inside = max(most_inside, inside)
            await asyncio.sleep(0)
            with lock:
                inside -= 1
            gate.release()

    threads = [threading.Thread(target=asyncio.run, args=(writers(),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most_inside == 1
    assert not gate.held


async def test_two_engines_on_one_file_share_a_gate_and_postgres_has_none(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    first, second = make_engine(url), make_engine(url)
    try:
        assert writer_gate(first) is writer_gate(second) is not None
        assert writer_gate(make_engine(f"sqlite:///{tmp_path / 'other.db'}")) is not writer_gate(
            first
        )
    finally:
        await first.dispose()
        await second.dispose()
    assert writer_gate(make_engine("postgresql://u@127.0.0.1:1/x")) is None


async def _write_rows(url: str, rows: int, owner: str) -> None:
    """Insert ``rows`` rows, one transaction each, with no busy timeout at all: a writer that
    met another one's lock would fail at once with "database is locked"."""
    engine = make_engine(url, sqlite_busy_timeout_ms=0)
    try:
        for n in range(rows):
            async with write_transaction(engine) as connection:
                await connection.execute(
                    text("INSERT INTO marks (owner, n) VALUES (:o, :n)"), {"o": owner, "n": n}
                )
    finally:
        await engine.dispose()


def test_writers_on_three_loops_never_meet_the_lock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"

    async def create() -> None:
        engine = make_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE marks (owner TEXT, n INTEGER)"))
        await engine.dispose()

    asyncio.run(create())
    failures: list[BaseException] = []

    def run(owner: str) -> None:
        try:
            asyncio.run(_write_rows(url, 100, owner))
        except BaseException as exc:
            failures.append(exc)

    # the all-in-one's three loops: the server's, the consumers', the outbox relay's
    threads = [threading.Thread(target=run, args=(o,)) for o in ("http", "consumers", "relay")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    async def count() -> int:
        engine = make_engine(url)
        async with engine.connect() as connection:
            total = (await connection.execute(text("SELECT count(*) FROM marks"))).scalar_one()
        await engine.dispose()
        return int(total)

    assert failures == []
    assert asyncio.run(count()) == 300


async def test_a_writer_waiting_on_a_writer_of_its_own_task_gets_a_503(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    gate = writer_gate(engine)
    assert gate is not None
    try:
        await gate.acquire(1)
        try:
            with pytest.raises(ServiceUnavailable):
                await enter_gate(gate, wait_seconds=0.05)
        finally:
            gate.release()
        assert not gate.held
    finally:
        await engine.dispose()


def _thread_probe(engine: Any) -> None:
    """``SELECT questlog_thread()`` answers the id of the thread that ran the statement."""

    @event.listens_for(engine.sync_engine, "connect")
    def _register(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("questlog_thread", 0, threading.get_ident)


async def test_statements_of_a_transaction_run_on_the_loop_thread(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    _thread_probe(engine)
    probe = text("SELECT questlog_thread()")
    try:
        async with write_transaction(engine) as connection:
            assert (await connection.execute(probe)).scalar_one() == threading.get_ident()
        async with read_connection(engine) as connection:
            assert (await connection.execute(probe)).scalar_one() == threading.get_ident()
    finally:
        await engine.dispose()


async def test_a_writer_of_another_process_never_blocks_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    engine = make_engine(f"sqlite:///{path}", sqlite_busy_timeout_ms=10_000)
    _thread_probe(engine)
    async with write_transaction(engine) as connection:
        await connection.execute(text("CREATE TABLE marks (n INTEGER)"))
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process's writer holds the lock
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    asyncio.get_running_loop().call_later(0.3, other.rollback)
    try:
        async with write_transaction(engine) as connection:
            waited = ticks
            await connection.execute(text("INSERT INTO marks VALUES (1)"))
            # once the lock is ours, the statements run inline again
            thread = (await connection.execute(text("SELECT questlog_thread()"))).scalar_one()
    finally:
        ticker.cancel()
        other.close()
        await engine.dispose()
    assert waited > 5  # the loop kept running while BEGIN IMMEDIATE waited on its thread
    assert thread == threading.get_ident()
