"""``POST /api/v1/ai/prioritize`` over 10,000 quests, in process, p50/p99 per request.

    .venv/bin/python bench/bench_ai_prioritize.py [N] [REQUESTS]

Builds the all-in-one app on the in-memory database (Litestar's test client, no network),
signs a user in, then times two ways of ranking N quests (default 10,000) with the default
policy: the quests sent in the body (JSON decode + validation + ranking + a 10k-item answer),
and the caller's open quests read from the AI service's read model (fed through the
projection use case first). 30,000 dependency edges are not part of it: the body form carries
one prerequisite for every third quest, the shape of a real list. Also prints the ranking
use case alone (``prioritize`` on the same quests, no HTTP) and the ranking alone (the same
quests into a ``RankingInput`` and ``policy.rank``), so the shares of HTTP/JSON and of the
per-item explanations show as ratios. Wall times, best effort on a shared
machine; nothing is asserted.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).parents[1]))

import msgspec
from dependency_injector import providers
from litestar.testing import TestClient

from apps.gateway import create_app
from apps.settings import Settings
from questlog_core.ai.projection import project_quest_event
from questlog_core.ai.ranking import Prioritize, RankableQuest, prioritize, ranking_input
from questlog_core.events.quests import QuestCreated
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.prioritization import policy_named
from tests.api.conftest import cheap_hasher, register_and_login

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
REQUESTS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
NOW = datetime.now(UTC)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def body_quests(n: int) -> list[dict[str, object]]:
    quests: list[dict[str, object]] = []
    for i in range(n):
        q: dict[str, object] = {
            "id": f"q{i}",
            "title": f"Quest {i}",
            "priority": i % 5,
            "difficulty": ("trivial", "easy", "medium", "hard", "epic")[i % 5],
            "estimate_minutes": 15 + i % 240,
            "created_at": (NOW - timedelta(days=i % 90)).isoformat(),
        }
        if i % 4 == 0:
            q["due"] = (NOW + timedelta(hours=(i % 500) - 100)).isoformat()
        if i % 3 == 0 and i:
            q["depends_on"] = [f"q{i - 1}"]
        quests.append(q)
    return quests


def timed(call: object, runs: int) -> list[float]:
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url="memory://",
            migrate_on_start=False,
            jwt_private_key_path=os.path.join(folder, "key.pem"),
            vector_index_dir=os.path.join(folder, "vectors"),
            storage_dir=os.path.join(folder, "files"),
            # 10k quests in a body are ~2 MB, over the default body limit
            max_body_bytes=16 * 1024 * 1024,
            environment="test",
        )
        app = create_app(settings)
        app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
        with TestClient(app=app, base_url="http://bench.local") as client:
            headers = register_and_login(client)
            profile = client.get("/api/v1/auth/profile", headers=headers).json()
            owner = UserId(UUID(profile.get("id") or profile["user_id"]))
            quests = body_quests(N)

            def post_body() -> None:
                answer = client.post(
                    "/api/v1/ai/prioritize", json={"quests": quests}, headers=headers
                )
                assert answer.status_code == 200, answer.text[:300]

            async def feed() -> None:
                for i in range(N):
                    event = QuestCreated(
                        event_id=EventId(uuid4()),
                        occurred_at=NOW - timedelta(days=i % 90),
                        owner=owner,
                        quest_id=QuestId(uuid4()),
                        title=f"Quest {i}",
                        difficulty=("trivial", "easy", "medium", "hard", "epic")[i % 5],
                        priority=i % 5,
                        due=NOW + timedelta(hours=(i % 500) - 100) if i % 4 == 0 else None,
                        estimate_minutes=15 + i % 240,
                    )
                    await project_quest_event(event, app.state.container.ai_uow())

            client.blocking_portal.call(feed)

            def post_read_model() -> None:
                answer = client.post("/api/v1/ai/prioritize", json={}, headers=headers)
                assert answer.status_code == 200, answer.text[:300]
                assert len(answer.json()["items"]) == N

            post_body()  # warm-up
            body_times = timed(post_body, REQUESTS)
            model_times = timed(post_read_model, REQUESTS)

    # Baselines, same quests, no HTTP: the use case (input, rank, per-item explanations) and
    # the ranking alone (input and rank), so HTTP/JSON and the explanations show as ratios.
    sent = tuple(msgspec.convert(q, RankableQuest) for q in quests)
    query = Prioritize(owner=UserId(uuid4()), now=NOW, quests=sent)
    use_case_times = timed(lambda: asyncio.run(prioritize(query, None, None)), REQUESTS)  # type: ignore[arg-type]
    policy = policy_named("urgency")
    keys = [q.id for q in sent]
    deps = [q.depends_on for q in sent]
    rank_times = timed(lambda: policy.rank(ranking_input(keys, sent, deps), NOW), REQUESTS)
    rank_p50 = statistics.median(rank_times)
    load = os.getloadavg()[0]
    print(
        f"POST /api/v1/ai/prioritize, {N} quests, {REQUESTS} requests each (in process; "
        f"load average {load:.1f} on {os.cpu_count()} CPUs)"
    )
    for name, times in (("quests in the body", body_times), ("read model", model_times)):
        p50, p99 = statistics.median(times), percentile(times, 0.99)
        print(f"  {name:20s} p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  ({p50 / rank_p50:6.1f}x rank)")
    use_p50 = statistics.median(use_case_times)
    print(f"  {'use case alone':20s} p50 {use_p50:8.1f} ms  ({use_p50 / rank_p50:6.1f}x rank)")
    print(f"  {'input + rank alone':20s} p50 {rank_p50:8.1f} ms")


if __name__ == "__main__":
    main()
