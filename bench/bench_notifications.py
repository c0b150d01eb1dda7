"""A completion all the way to a stored notification: quest outbox → relay → Redis → game
consumer (XP, achievement) → game outbox → relay → Redis → notification consumer.

    python bench/bench_notifications.py [--postgres URL] [--redis URL] [--events 500]
                                        [--rate 500] [--low-rate 10] [--repeat 2]

A fresh PostgreSQL scratch database is created and migrated; a real ``questlog worker``
process runs on the Redis broker (its own key and queue prefix). This process commits
``QuestCompleted`` events through the quest unit of work, each from a new player, so each
completion earns XP *and* unlocks the first-quest achievement, which the notification
consumer turns into a stored in-app notification (and a queued email, for a known address;
these players have none). Read back from the database, per completion:

* XP visible = the game inbox's claim (``processed_at``) − the event's outbox row
  (``recorded_at``, stamped just before the commit);
* notification stored = the notification's ``created_at`` − the same outbox row.

Throughput = completions / (last notification − first commit). The low rate runs first (the
pipeline's own latency), then the high one (its capacity). The machine is shared: the load
average is printed. Nothing here fails on time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench_events import percentile, produce, start_worker

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from sqlalchemy import text  # noqa: E402

from adapters.sql.engine import make_engine  # noqa: E402
from adapters.sql.migrations import upgrade  # noqa: E402
from adapters.sql.scratch import create_database, drop_database  # noqa: E402
from questlog_core.ids import UserId  # noqa: E402

#: per completion: its commit, the XP claim, the player's first unlock notification
QUERY = text(
    "SELECT o.recorded_at, i.processed_at, MIN(n.created_at) FROM quest.quest_outbox o "
    "JOIN gamification.gamification_inbox i ON i.event_id = o.event_id "
    "JOIN notification.notification_notifications n ON n.user_id = o.owner "
    "  AND n.kind = 'achievement_unlocked' "
    "WHERE o.event_id = ANY(CAST(:ids AS uuid[])) "
    "GROUP BY o.event_id, o.recorded_at, i.processed_at"
)


async def measure(
    url: str, ids: list[str], wait_seconds: float
) -> tuple[list[float], list[float], float, int]:
    """XP and notification latencies (s), throughput (completions/s), how many arrived."""
    engine = make_engine(url)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            async with engine.connect() as connection:
                rows = (await connection.execute(QUERY, {"ids": ids})).all()
            if len(rows) >= len(ids) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()
    if not rows:
        return [], [], 0.0, 0
    xp = sorted((r[1] - r[0]).total_seconds() for r in rows)
    stored = sorted((r[2] - r[0]).total_seconds() for r in rows)
    span = (max(r[2] for r in rows) - min(r[0] for r in rows)).total_seconds()
    return xp, stored, len(rows) / span if span > 0 else 0.0, len(rows)


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
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--low-rate", type=float, default=10.0, help="a second load, 10 s long")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    url = create_database(args.postgres, "bench_notify")
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    env = {
        "QUESTLOG_DATABASE_URL": url,
        "QUESTLOG_BROKER": "redis",
        "QUESTLOG_REDIS_URL": args.redis,
        "QUESTLOG_REDIS_KEY_PREFIX": prefix,
        "QUESTLOG_QUEUE_PREFIX": prefix,
    }
    print(
        f"PostgreSQL + Redis broker, one `questlog worker` process, {os.cpu_count()} CPUs "
        f"(shared; load average {os.getloadavg()[0]:.1f} at start)"
    )
    worker = None
    try:
        upgrade(url)
        with tempfile.TemporaryDirectory() as workdir:
            worker = start_worker(Path(workdir), env)
            warm = [UserId(uuid.uuid4()) for _ in range(100)]
            asyncio.run(measure(url, asyncio.run(produce(url, 100, 0, warm)), 120))
            # The low rate first: the pipeline's own latency, before any queue has built up.
            for rate in (args.low_rate, args.rate):
                events = args.events if rate == args.rate else int(rate * 10)
                print(f"\npaced at {rate:,.0f} completions/s ({events} per run, new players)")
                p99s = []
                for run in range(args.repeat):
                    owners = [UserId(uuid.uuid4()) for _ in range(events)]
                    ids = asyncio.run(produce(url, events, rate, owners))
                    xp, stored, throughput, arrived = asyncio.run(measure(url, ids, 300))
                    if not stored:
                        print(f"  run {run + 1}: nothing arrived")
                        continue
                    p99s.append(percentile(stored, 0.99))
                    xp50, xp99 = (percentile(xp, q) * 1000 for q in (0.5, 0.99))
                    n50, n99 = (percentile(stored, q) * 1000 for q in (0.5, 0.99))
                    print(
                        f"  run {run + 1}: {arrived}/{len(ids)} notified, "
                        f"{throughput:,.0f} completions/s; XP visible p50 {xp50:,.0f} ms "
                        f"p99 {xp99:,.0f} ms; notification stored p50 {n50:,.0f} ms "
                        f"p99 {n99:,.0f} ms (load {os.getloadavg()[0]:.1f})"
                    )
                if p99s:
                    print(
                        f"  notification p99 median {statistics.median(p99s) * 1000:,.0f} ms "
                        "(goal <= 1000 ms at 500 completions/s)"
                    )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
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
