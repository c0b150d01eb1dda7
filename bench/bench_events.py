"""Events through the whole backbone: outbox → relay → Redis broker → consumer.

    python bench/bench_events.py [--postgres URL] [--redis URL] [--events 3000] [--rate 500]
                                 [--repeat 3]

A fresh PostgreSQL scratch database is created and migrated; a real ``questlog worker``
process runs on the Redis broker (its own key and queue prefix) with its relay woken by
``LISTEN/NOTIFY`` and the gamification consumer, which awards XP for each ``QuestCompleted``
(its full use case: inbox claim, player, ledger, streak, achievements, leaderboard, outbox).
This process commits ``QuestCompleted`` events through the quest unit of work, as a completion
does (state aside), and then reads from the database what happened to each:

* latency = the consumer's inbox claim (``processed_at``) − the event's outbox row
  (``recorded_at``, stamped just before the commit), so it covers commit, NOTIFY, relay claim,
  publish, Redis, the worker's fetch and the consumer up to its claim;
* throughput = events / (last claim − first commit).

Phases, each repeated: **relay only** (events committed first, then one in-process relay
drains them into Redis with no consumer: the backbone's own ceiling); **end to end paced at
``--rate``** (default 500/s; four committing tasks keep the schedule) and **at
``--low-rate``** (default 10/s, below what the consumer sustains here, so latency is the
pipeline's rather than a queue's). The machine is shared: the spread over repeats and the load
average are printed. Nothing here fails on time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from sqlalchemy import text  # noqa: E402

from adapters.sql.engine import make_engine  # noqa: E402
from adapters.sql.migrations import upgrade  # noqa: E402
from adapters.sql.quests import SqlQuestUnitOfWork  # noqa: E402
from adapters.sql.scratch import create_database, drop_database  # noqa: E402
from questlog_core.events.quests import QuestCompleted  # noqa: E402
from questlog_core.ids import EventId, QuestId, UserId  # noqa: E402

PRODUCERS = 4


def completion(owner: UserId) -> QuestCompleted:
    now = datetime.now(UTC)
    return QuestCompleted(
        event_id=EventId(uuid.uuid4()),
        occurred_at=now,
        owner=owner,
        quest_id=QuestId(uuid.uuid4()),
        occurrence=0,
        difficulty="medium",
        priority=2,
        due=None,
        completed_at=now,
        created_at=now,
        on_time=True,
        owner_timezone="Europe/Berlin",
    )


async def produce(url: str, events: int, rate: float, owners: list[UserId]) -> list[str]:
    """Commit ``events`` completions (paced at ``rate``/s, or as fast as possible at 0)."""
    engine = make_engine(url, pool_size=PRODUCERS + 1)
    ids: list[str] = []
    next_index = 0
    start = time.perf_counter()

    async def producer() -> None:
        nonlocal next_index
        while next_index < events:
            i = next_index
            next_index += 1
            if rate > 0:
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            event = completion(owners[i % len(owners)])
            async with SqlQuestUnitOfWork(engine) as uow:
                uow.record(event)
                await uow.commit()
            ids.append(str(event.event_id))

    await asyncio.gather(*(producer() for _ in range(PRODUCERS)))
    offered = events / (time.perf_counter() - start)
    await engine.dispose()
    print(f"    committed {events} events at {offered:,.0f}/s", flush=True)
    return ids


async def relay_only(url: str, redis_url: str, prefix: str, events: int) -> float:
    """Events/s the relay moves from the outbox into Redis (no consumer): the backbone's own
    ceiling, in this process, through the same SqlOutbox claim and Dramatiq publisher."""
    from dramatiq.brokers.redis import RedisBroker

    from adapters.memory.clock import SystemClock
    from adapters.messaging.dramatiq import DramatiqPublisher, Route
    from adapters.messaging.relay import OutboxRelay
    from adapters.sql.messaging import SqlOutbox

    owners = [UserId(uuid.uuid4()) for _ in range(50)]
    await asyncio.to_thread(lambda: None)
    broker = RedisBroker(url=redis_url, namespace=f"{prefix}-relay:dramatiq")
    route = [Route(f"{prefix}_relay_only", "relay_only.events")]
    engine = make_engine(url)
    relay = OutboxRelay(
        [SqlOutbox(engine, "quest")], DramatiqPublisher(broker, lambda _: route), SystemClock()
    )
    await relay.drain()  # whatever earlier phases left
    for i in range(events):
        async with SqlQuestUnitOfWork(engine) as uow:
            uow.record(completion(owners[i % len(owners)]))
            await uow.commit()
    start = time.perf_counter()
    moved = await relay.drain()
    elapsed = time.perf_counter() - start
    await engine.dispose()
    broker.close()
    return moved / elapsed


async def measure(
    url: str, ids: list[str], wait_seconds: float
) -> tuple[list[float], float, int, list[float]]:
    """Latencies (s) of the consumed events, throughput (events/s), how many arrived, and the
    relay's part of the latencies (commit to published)."""
    engine = make_engine(url)
    deadline = time.monotonic() + wait_seconds
    query = text(
        "SELECT o.recorded_at, i.processed_at, o.published_at FROM quest.quest_outbox o "
        "JOIN gamification.gamification_inbox i ON i.event_id = o.event_id "
        "WHERE o.event_id = ANY(CAST(:ids AS uuid[]))"
    )
    try:
        while True:
            async with engine.connect() as connection:
                rows = (await connection.execute(query, {"ids": ids})).all()
            if len(rows) >= len(ids) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()
    latencies = sorted((r[1] - r[0]).total_seconds() for r in rows)
    relayed = sorted((r[2] - r[0]).total_seconds() for r in rows)
    if not rows:
        return [], 0.0, 0, []
    span = (max(r[1] for r in rows) - min(r[0] for r in rows)).total_seconds()
    return latencies, len(rows) / span if span > 0 else 0.0, len(rows), relayed


def percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))]


def start_worker(workdir: Path, env: dict[str, str], n: int = 0) -> subprocess.Popen[bytes]:
    log = workdir / f"worker-{n}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "apps.cli", "worker", "--log-level", "warning"],
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while "Questlog worker" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"the worker did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    return process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "QUESTLOG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("QUESTLOG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--events", type=int, default=600)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument(
        "--low-rate", type=float, default=10.0, help="a second paced load, 10 s long"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--owners", type=int, default=200, help="distinct players")
    parser.add_argument("--workers", type=int, default=1, help="`questlog worker` processes")
    args = parser.parse_args()

    url = create_database(args.postgres, "bench_events")
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    env = {
        "QUESTLOG_DATABASE_URL": url,
        "QUESTLOG_BROKER": "redis",
        "QUESTLOG_REDIS_URL": args.redis,
        "QUESTLOG_REDIS_KEY_PREFIX": prefix,
        "QUESTLOG_QUEUE_PREFIX": prefix,
    }
    owners = [UserId(uuid.uuid4()) for _ in range(args.owners)]
    print(
        f"events: {args.events} per run, {args.owners} players, PostgreSQL + Redis broker, "
        f"{args.workers} `questlog worker` process(es), {os.cpu_count()} CPUs (shared; "
        f"load average {os.getloadavg()[0]:.1f} at start)"
    )
    worker = None
    extra: list[subprocess.Popen[bytes]] = []
    try:
        upgrade(url)
        with tempfile.TemporaryDirectory() as workdir:
            worker = start_worker(Path(workdir), env)
            # Warm-up: imports, pools, the players' first rows.
            asyncio.run(measure(url, asyncio.run(produce(url, 200, 0, owners)), 120))
            worker.terminate()  # the relay-only phase must not compete with it
            worker.wait(timeout=30)
            print("\nrelay only: outbox -> Redis, no consumer (this process)")
            relayed = [
                asyncio.run(relay_only(url, args.redis, prefix, args.events))
                for _ in range(args.repeat)
            ]
            print(
                "  relayed "
                + ", ".join(f"{r:,.0f}" for r in relayed)
                + f" events/s (median {statistics.median(relayed):,.0f}; "
                f"{statistics.median(relayed) / 500:.2f}x the 500 events/s goal)"
            )
            worker = start_worker(Path(workdir), env)
            extra = [start_worker(Path(workdir), env, n) for n in range(1, args.workers)]
            asyncio.run(measure(url, asyncio.run(produce(url, 100, 0, owners)), 120))
            for rate in (args.rate, args.low_rate):
                events = args.events if rate == args.rate else int(rate * 10)
                print(f"\nend to end, paced at {rate:,.0f} events/s ({events} per run)")
                results = []
                for run in range(args.repeat):
                    ids = asyncio.run(produce(url, events, rate, owners))
                    latencies, throughput, arrived, relayed_in = asyncio.run(measure(url, ids, 300))
                    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
                    results.append((throughput, p50, p99))
                    print(
                        f"  run {run + 1}: {arrived}/{len(ids)} consumed, "
                        f"{throughput:,.0f} events/s, p50 {p50 * 1000:,.0f} ms, "
                        f"p99 {p99 * 1000:,.0f} ms, max {latencies[-1] * 1000:,.0f} ms; "
                        f"of which commit -> published p50 "
                        f"{percentile(relayed_in, 0.5) * 1000:,.0f} ms, p99 "
                        f"{percentile(relayed_in, 0.99) * 1000:,.0f} ms"
                    )
                tps = [r[0] for r in results]
                p50s = [r[1] for r in results]
                p99s = [r[2] for r in results]
                print(
                    f"  throughput {min(tps):,.0f}-{max(tps):,.0f} events/s "
                    f"(median {statistics.median(tps):,.0f}, "
                    f"{statistics.median(tps) / 500:.2f}x the 500 events/s goal); "
                    f"p50 {min(p50s) * 1000:,.0f}-{max(p50s) * 1000:,.0f} ms; "
                    f"p99 {min(p99s) * 1000:,.0f}-{max(p99s) * 1000:,.0f} ms (goal <= 1000 ms)"
                )
    finally:
        for process in [worker, *extra]:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        drop_database(url)
        import redis

        client = redis.Redis.from_url(args.redis)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
