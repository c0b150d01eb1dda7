"""Quest repository throughput against a raw driver loop, measured in the same run.

    python bench/bench_repository.py [--postgres URL] [--n 2000]

PostgreSQL (default ``postgresql://postgres@127.0.0.1:5432/test``): a fresh scratch database
is created on that server, migrated, and dropped at the end. For get-by-id and insert it
prints ops/s and µs/op for

* the repository, one unit of work per operation (what a request pays: pool checkout, BEGIN,
  the statement(s), COMMIT/ROLLBACK);
* raw psycopg 3 (async) doing the same transaction shape on one connection;
* raw psycopg in autocommit, one statement per operation (the floor);

and the ratios repository / raw. An insert through the repository also writes the quest's
``QuestCreated`` event to the outbox, so the raw insert loop does both inserts too. SQLite
figures (repository vs the stdlib ``sqlite3`` module) follow. Nothing here fails on time.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src")]

import psycopg  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from adapters.memory.clock import RandomIds  # noqa: E402
from adapters.sql.engine import make_engine  # noqa: E402
from adapters.sql.migrations import upgrade_async  # noqa: E402
from adapters.sql.quests import SqlQuestUnitOfWork  # noqa: E402
from adapters.sql.scratch import create_database, drop_database  # noqa: E402
from questlog_core.events import encode_event  # noqa: E402
from questlog_core.ids import QuestId, UserId  # noqa: E402
from questlog_core.quests.model import Quest  # noqa: E402

IDS = RandomIds()


def quests(owner: UserId, n: int) -> list[Quest]:
    from datetime import UTC, datetime

    at = datetime.now(UTC)
    return [
        Quest.create(
            id=QuestId(uuid.uuid4()),
            owner=owner,
            title=f"Quest {i}",
            at=at,
            ids=IDS,
            tags=("bench", "x"),
            checklist=("one", "two"),
        )
        for i in range(n)
    ]


class Timing:
    """Wall-clock and this process's CPU seconds per operation."""

    def __init__(self, wall: float, cpu: float) -> None:
        self.wall = wall
        self.cpu = cpu


async def timed(n: int, op: Callable[[int], Awaitable[object]], warm_up: int = 50) -> Timing:
    """Per-operation cost over runs ``warm_up .. warm_up + n`` (after ``warm_up`` runs)."""
    for i in range(warm_up):
        await op(i)
    start, cpu_start = time.perf_counter(), time.process_time()
    for i in range(warm_up, warm_up + n):
        await op(i)
    return Timing((time.perf_counter() - start) / n, (time.process_time() - cpu_start) / n)


def line(label: str, t: Timing, baseline: Timing | None = None) -> str:
    text = (
        f"  {label:<46} {1 / t.wall:>8,.0f} ops/s {t.wall * 1e6:>8,.1f} µs/op"
        f" (client CPU {t.cpu * 1e6:>6,.1f} µs)"
    )
    if baseline is not None:
        text += f"  ratio {baseline.wall / t.wall:.2f}"
    return text


QUEST_COLUMNS = (
    "id, owner, title, notes, title_folded, notes_folded, category, tags, difficulty, "
    "priority, due, estimate_minutes, recurrence, parent_id, template_id, progress, checklist, "
    "status, version, created_at, updated_at, started_at, completed_at, occurrence, series_id"
)


def quest_params(q: Quest) -> tuple[object, ...]:
    return (
        q.id, q.owner, q.title, q.notes, q.title.casefold(), q.notes.casefold(), q.category,
        Jsonb(list(q.tags)), q.difficulty.value, int(q.priority), q.due, q.estimate_minutes,
        None, q.parent_id, q.template_id, q.progress,
        Jsonb([{"text": i.text, "done": i.done} for i in q.checklist]), q.status.value,
        q.version, q.created_at, q.updated_at, q.started_at, q.completed_at, q.occurrence,
        q.series_id,
    )  # fmt: skip


async def bench_postgres(server: str, n: int) -> None:
    url = create_database(server, "bench")
    try:
        await upgrade_async(url)
        engine = make_engine(url, pool_size=5)
        owner = UserId(uuid.uuid4())
        stored = quests(owner, n)
        fresh_repo, fresh_raw, fresh_auto = (quests(owner, n + 50) for _ in range(3))
        async with SqlQuestUnitOfWork(engine) as uow:
            for q in stored:
                await uow.quests.add(q)
            await uow.commit()

        async def repo_get(i: int) -> object:
            async with SqlQuestUnitOfWork(engine) as uow:
                return await uow.quests.get(owner, stored[i % n].id)

        # the default engine has no pre-ping (docs/persistence.md); this one pings
        pinged = make_engine(url, pool_size=5, pool_pre_ping=True)

        async def repo_get_pinged(i: int) -> object:
            async with SqlQuestUnitOfWork(pinged) as uow:
                return await uow.quests.get(owner, stored[i % n].id)

        async def repo_insert(i: int) -> None:
            async with SqlQuestUnitOfWork(engine) as uow:
                await uow.quests.add(fresh_repo[i])
                await uow.commit()

        open_uow = SqlQuestUnitOfWork(engine)
        await open_uow.__aenter__()

        async def repo_get_in_open_uow(i: int) -> object:
            return await open_uow.quests.get(owner, stored[i % n].id)

        raw = await psycopg.AsyncConnection.connect(url)
        auto = await psycopg.AsyncConnection.connect(url, autocommit=True)
        select_sql = f"SELECT {QUEST_COLUMNS} FROM quest.quests WHERE id = %s AND owner = %s"
        insert_sql = f"INSERT INTO quest.quests ({QUEST_COLUMNS}) VALUES ({', '.join(['%s'] * 25)})"
        outbox_sql = (
            "INSERT INTO quest.quest_outbox (event_id, event_type, owner, occurred_at, "
            "recorded_at, payload) VALUES (%s, %s, %s, %s, now(), %s)"
        )

        async def raw_get(i: int) -> object:
            async with raw.cursor() as cur:
                await cur.execute(select_sql, (stored[i % n].id, owner))
                row = await cur.fetchone()
            await raw.commit()
            return row

        async def auto_get(i: int) -> object:
            async with auto.cursor() as cur:
                await cur.execute(select_sql, (stored[i % n].id, owner))
                return await cur.fetchone()

        async def raw_insert_with(conn: psycopg.AsyncConnection[object], q: Quest) -> None:
            event = q.pull_events()[0]
            async with conn.cursor() as cur:
                await cur.execute(insert_sql, quest_params(q))
                await cur.execute(
                    outbox_sql,
                    (
                        event.event_id,
                        event.type_name(),
                        event.owner,
                        event.occurred_at,
                        encode_event(event).decode(),
                    ),
                )

        async def raw_insert(i: int) -> None:
            await raw_insert_with(raw, fresh_raw[i])
            await raw.commit()

        async def auto_insert(i: int) -> None:
            async with auto.transaction():
                await raw_insert_with(auto, fresh_auto[i])

        get_repo = await timed(n, repo_get)
        get_pinged = await timed(n, repo_get_pinged)
        get_open = await timed(n, repo_get_in_open_uow)
        get_raw = await timed(n, raw_get)
        get_auto = await timed(n, auto_get)
        await open_uow.__aexit__(None, None, None)
        insert_repo = await timed(n, repo_insert)
        insert_raw = await timed(n, raw_insert)
        insert_auto = await timed(n, auto_insert)
        await raw.close()
        await auto.close()
        await engine.dispose()
        await pinged.dispose()

        print(f"PostgreSQL ({server}, scratch database), {n} operations each")
        print("  (ratio = raw baseline's time / repository's time; 1.0 = as fast as raw)")
        print(" get by id")
        print(line("raw psycopg, BEGIN/SELECT/COMMIT", get_raw))
        print(line("raw psycopg, autocommit SELECT", get_auto))
        print(line("repository, one unit of work per get (no pre-ping)", get_repo, get_raw))
        print(line("  ... ratio to autocommit SELECT", get_repo, get_auto))
        print(line("repository, unit of work per get, with pre-ping", get_pinged, get_raw))
        print(line("repository get inside an open unit of work", get_open, get_auto))
        print(" insert (quest row + its outbox row, committed)")
        print(line("raw psycopg, one transaction per insert", insert_raw))
        print(line("raw psycopg, explicit transaction block", insert_auto))
        print(line("repository, one unit of work per insert", insert_repo, insert_raw))
    finally:
        drop_database(url)


async def bench_sqlite(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite:///{path}"
        await upgrade_async(url)
        engine = make_engine(url, pool_size=2)
        owner = UserId(uuid.uuid4())
        stored = quests(owner, n)
        fresh = quests(owner, n + 50)
        async with SqlQuestUnitOfWork(engine) as uow:
            for q in stored:
                await uow.quests.add(q)
            await uow.commit()

        async def repo_get(i: int) -> object:
            async with SqlQuestUnitOfWork(engine) as uow:
                return await uow.quests.get(owner, stored[i % n].id)

        async def repo_insert(i: int) -> None:
            async with SqlQuestUnitOfWork(engine) as uow:
                await uow.quests.add(fresh[i])
                await uow.commit()

        get_repo = await timed(n, repo_get)
        insert_repo = await timed(n, repo_insert)
        await engine.dispose()

        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=NORMAL")
        keys = [(q.id.hex, owner.hex) for q in stored]
        start, cpu_start = time.perf_counter(), time.process_time()
        for i in range(n):
            raw.execute("SELECT * FROM quests WHERE id = ? AND owner = ?", keys[i]).fetchone()
        get_raw = Timing((time.perf_counter() - start) / n, (time.process_time() - cpu_start) / n)
        raw.close()

        print(f"SQLite (file, WAL), {n} operations each")
        print(line("raw sqlite3 (sync, no event loop) SELECT", get_raw))
        print(line("repository get, one unit of work per get", get_repo, get_raw))
        print(line("repository insert + outbox row, committed", insert_repo))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(bench_postgres(args.postgres, args.n))
    print()
    asyncio.run(bench_sqlite(args.n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
