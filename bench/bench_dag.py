"""Benchmark: topological order of a 100,000-quest / 300,000-edge dependency graph.

Builds a random DAG with a fixed seed (quests in a random permutation; every edge goes from a
lower to a higher rank, so the graph is acyclic), then times, in the same run:

- ``topological_order_indices`` (numpy, level-by-level Kahn), best of 5;
- ``graphlib.TopologicalSorter.static_order`` on the same graph, the stdlib baseline;
- ``DependencyGraph.topological_order`` on the same graph keyed by quest ids (uncached);
- ``critical_path_indices``.

Prints figures and ratios; never fails on a time. Run: ``python bench/bench_dag.py``.
"""

from __future__ import annotations

import graphlib
import time
from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

import numpy as np

from questlog_core.ids import QuestId
from questlog_core.quests.dependencies import (
    DependencyGraph,
    critical_path_indices,
    topological_order_indices,
)

NODES = 100_000
EDGES = 300_000
SEED = 20_261_126
RUNS = 5

T = TypeVar("T")


def random_dag(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``m`` distinct edges between random ranks, lower rank -> higher, over permuted nodes."""
    rng = np.random.default_rng(seed)
    node_at_rank = rng.permutation(n)
    pairs: set[tuple[int, int]] = set()
    src_parts, dst_parts = [], []
    while len(pairs) < m:
        a = rng.integers(0, n, size=m)
        b = rng.integers(0, n, size=m)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        for edge in zip(lo[lo != hi].tolist(), hi[lo != hi].tolist(), strict=True):
            if len(pairs) == m:
                break
            if edge not in pairs:
                pairs.add(edge)
                src_parts.append(edge[0])
                dst_parts.append(edge[1])
    src = node_at_rank[np.asarray(src_parts, dtype=np.int64)]
    dst = node_at_rank[np.asarray(dst_parts, dtype=np.int64)]
    return src, dst


def best_of(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    """Best wall time in ms over ``runs`` calls, and the last result."""
    best = float("inf")
    result: T
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best * 1000.0, result


def main() -> None:
    src, dst = random_dag(NODES, EDGES, SEED)

    numpy_ms, order = best_of(RUNS, lambda: topological_order_indices(NODES, src, dst))
    position = np.empty(NODES, dtype=np.int64)
    position[order] = np.arange(NODES)
    assert (position[src] < position[dst]).all(), "numpy order breaks an edge"

    predecessors: dict[int, list[int]] = {v: [] for v in range(NODES)}
    for s, d in zip(src.tolist(), dst.tolist(), strict=True):
        predecessors[d].append(s)
    graphlib_ms, stdlib_order = best_of(
        RUNS, lambda: list(graphlib.TopologicalSorter(predecessors).static_order())
    )
    assert len(stdlib_order) == NODES

    level_count = len(np.unique(_levels_of(order, src, dst)))
    print(f"graph: {NODES} nodes / {EDGES} edges, {level_count} levels (seed {SEED})")
    print(
        f"topological order {NODES} nodes / {EDGES} edges: numpy {numpy_ms:.1f} ms, "
        f"graphlib {graphlib_ms:.0f} ms, ratio {graphlib_ms / numpy_ms:.0f}x"
    )

    weights = np.random.default_rng(SEED + 1).integers(5, 240, size=NODES).astype(np.float64)
    critical_ms, (path, total) = best_of(
        RUNS, lambda: critical_path_indices(NODES, src, dst, weights)
    )
    print(
        f"critical path (numpy): {critical_ms:.1f} ms, {path.size} quests, "
        f"total estimate {total:.0f} min"
    )

    ids = [QuestId(UUID(int=(i * 0x9E3779B97F4A7C15) % (1 << 128))) for i in range(NODES)]
    edges = [(ids[s], ids[d]) for s, d in zip(src.tolist(), dst.tolist(), strict=True)]
    build_ms, graph = best_of(1, lambda: DependencyGraph(edges))

    def uncached_order() -> list[QuestId]:
        graph._order = None  # measure the computation, not the cache
        return graph.topological_order()

    graph_ms, _ = best_of(RUNS, uncached_order)
    cached_ms, _ = best_of(RUNS, graph.topological_order)
    print(
        f"DependencyGraph: build from {EDGES} edges {build_ms:.0f} ms, "
        f"topological_order {graph_ms:.1f} ms (cached {cached_ms:.1f} ms), "
        f"{graphlib_ms / graph_ms:.1f}x faster than graphlib"
    )

    def add_one_by_one() -> DependencyGraph:
        g = DependencyGraph()
        for edge in edges:
            g.add(*edge)
        return g

    add_ms, _ = best_of(1, add_one_by_one)
    print(
        f"DependencyGraph.add x {EDGES} (incremental cycle checks): {add_ms:.0f} ms, "
        f"{add_ms * 1000 / EDGES:.1f} us per edge"
    )


def _levels_of(order: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Longest-chain level of every node, computed edge by edge in topological order."""
    level = np.zeros(order.size, dtype=np.int64)
    position = np.empty(order.size, dtype=np.int64)
    position[order] = np.arange(order.size)
    by_position = np.argsort(position[src], kind="stable")
    for s, d in zip(src[by_position].tolist(), dst[by_position].tolist(), strict=True):
        if level[s] + 1 > level[d]:
            level[d] = level[s] + 1
    return level


if __name__ == "__main__":
    main()
