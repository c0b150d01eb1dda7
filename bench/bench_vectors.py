"""Benchmark: nearest neighbours over 100,000 vectors with the numpy index (exact cosine).

One user's namespace of 100,000 random unit vectors of 256 dimensions (the default embedding
width), seeded; then, in the same run:

- ``NumpyVectorIndex.query`` top 10, 300 queries: p50 / p99 (one matrix-vector product and an
  ``argpartition``), against a full ``argsort`` of the same scores as the baseline;
- upserting the 100,000 (one call, written to disk atomically) and reopening the folder as a
  restart would (first query after the restart includes reading the file);
- the local hashing embedder's throughput on quest-like titles.

Prints figures and ratios; never fails on a time. Run: ``python bench/bench_vectors.py``.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from adapters.vectors.embedders import HashingEmbedder
from adapters.vectors.numpy_index import NumpyVectorIndex

VECTORS = 100_000
DIM = 256
QUERIES = 300
TOP_K = 10
SEED = 20_261_206
NAMESPACE = "user-bench"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def main() -> None:
    rng = np.random.default_rng(SEED)
    data = rng.standard_normal((VECTORS, DIM)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    ids = [f"quest-{i:06d}" for i in range(VECTORS)]
    queries = rng.standard_normal((QUERIES, DIM)).astype(np.float32)

    with tempfile.TemporaryDirectory() as folder:
        index = NumpyVectorIndex(DIM, Path(folder))
        start = time.perf_counter()
        await index.upsert(NAMESPACE, ids, data)
        upsert_s = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in Path(folder).iterdir()) / 1e6  # noqa: ASYNC240

        await index.query(NAMESPACE, queries[0], TOP_K)  # warm
        timings: list[float] = []
        for query in queries:
            t0 = time.perf_counter()
            matches = await index.query(NAMESPACE, query, TOP_K)
            timings.append(time.perf_counter() - t0)
        assert len(matches) == TOP_K

        # baseline: the same scores, fully sorted
        base: list[float] = []
        for query in queries:
            t0 = time.perf_counter()
            scores = data @ (query / np.linalg.norm(query))
            np.argsort(-scores)[:TOP_K]
            base.append(time.perf_counter() - t0)

        # exactness: the index agrees with brute force
        q = queries[-1] / np.linalg.norm(queries[-1])
        truth = [ids[i] for i in np.argsort(-(data @ q))[:TOP_K]]
        found = [m.id for m in await index.query(NAMESPACE, queries[-1], TOP_K)]

        t0 = time.perf_counter()
        restarted = NumpyVectorIndex(DIM, Path(folder))
        await restarted.query(NAMESPACE, queries[0], TOP_K)
        reopen_s = time.perf_counter() - t0

    p50, p99 = percentile(timings, 50) * 1e3, percentile(timings, 99) * 1e3
    b50 = percentile(base, 50) * 1e3
    print(f"numpy index, {VECTORS:,} vectors x {DIM} dims, top {TOP_K}, {QUERIES} queries")
    mean = statistics.mean(timings) * 1e3
    print(f"  query p50 {p50:.2f} ms   p99 {p99:.2f} ms   mean {mean:.2f} ms")
    print(f"  full-argsort baseline p50 {b50:.2f} ms   ratio index/baseline {p50 / b50:.2f}x")
    print(f"  same top {TOP_K} as brute force: {found == truth}")
    print(
        f"  upsert of all {VECTORS:,} (one call, saved atomically): {upsert_s:.2f} s, "
        f"{size_mb:.1f} MB on disk"
    )
    print(f"  restart: reopen + first query {reopen_s * 1e3:.0f} ms")

    titles = [f"Pay rent for flat {i} and water the plants #{i % 17}" for i in range(2_000)]
    embedder = HashingEmbedder(DIM)
    t0 = time.perf_counter()
    embedder.embed_now(titles)
    per_s = len(titles) / (time.perf_counter() - t0)
    print(f"hashing embedder: {per_s:,.0f} titles/s ({DIM} dims)")


if __name__ == "__main__":
    asyncio.run(main())
