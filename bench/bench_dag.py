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

import functools
import graphlib
import time
from collections.abc import Callable
from typing import NamedTuple, TypeVar
from uuid import UUID

import numpy as np

from questlog_core.ids import QuestId
from questlog_core.quests.dependencies import (
    DependencyGraph,
    critical_path_indices,
    topological_levels_indices,
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


class Timing(NamedTuple):
    wall_ms: float
    cpu_ms: float  # CPU of the same run: tells a busy machine from a slow algorithm

    def __str__(self) -> str:
        return f"{self.wall_ms:.1f} ms (cpu {self.cpu_ms:.1f} ms)"


def best_of(runs: int, work: Callable[[], T]) -> tuple[Timing, T]:
    """The fastest of ``runs`` calls (wall clock), and the last result."""
    best = Timing(float("inf"), float("inf"))
    result: T
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        elapsed = Timing(
            (time.perf_counter() - wall) * 1000.0, (time.process_time() - cpu) * 1000.0
        )
        best = min(best, elapsed)
    return best, result


def main() -> None:
    src, dst = random_dag(NODES, EDGES, SEED)
    levels = topological_levels_indices(NODES, src, dst)[1].size - 1
    print(f"graph: {NODES} nodes / {EDGES} edges, {levels} levels (seed {SEED})")

    numpy_t, order = best_of(RUNS, lambda: topological_order_indices(NODES, src, dst))
    position = np.empty(NODES, dtype=np.int64)
    position[order] = np.arange(NODES)
    assert (position[src] < position[dst]).all(), "numpy order breaks an edge"

    predecessors: dict[int, list[int]] = {v: [] for v in range(NODES)}
    for s, d in zip(src.tolist(), dst.tolist(), strict=True):
        predecessors[d].append(s)
    graphlib_t, stdlib_order = best_of(
        RUNS, lambda: list(graphlib.TopologicalSorter(predecessors).static_order())
    )
    assert len(stdlib_order) == NODES
    print(
        f"topological order {NODES} nodes / {EDGES} edges: numpy {numpy_t.wall_ms:.1f} ms, "
        f"graphlib {graphlib_t.wall_ms:.0f} ms, ratio {graphlib_t.wall_ms / numpy_t.wall_ms:.0f}x"
        f"  [cpu: numpy {numpy_t.cpu_ms:.1f} ms, graphlib {graphlib_t.cpu_ms:.0f} ms]"
    )

    # Level-by-level Kahn pays a fixed cost per level: show it on deliberately deep graphs
    # (edges only between consecutive layers of a permuted layered DAG).
    rng = np.random.default_rng(SEED + 2)
    for layers in (300, 1000):
        width = NODES // layers
        layer = rng.integers(0, layers - 1, size=EDGES)
        perm = rng.permutation(NODES)
        deep_src = perm[layer * width + rng.integers(0, width, size=EDGES)]
        deep_dst = perm[(layer + 1) * width + rng.integers(0, width, size=EDGES)]
        deep_t, (_, bounds) = best_of(
            RUNS, functools.partial(topological_levels_indices, NODES, deep_src, deep_dst)
        )
        print(f"  deep variant, {bounds.size - 1} levels: numpy {deep_t}")

    weights = np.random.default_rng(SEED + 1).integers(5, 240, size=NODES).astype(np.float64)
    critical_t, (path, total) = best_of(
        RUNS, lambda: critical_path_indices(NODES, src, dst, weights)
    )
    print(
        f"critical path (numpy): {critical_t}, {path.size} quests, total estimate {total:.0f} min"
    )

    ids = [QuestId(UUID(int=(i * 0x9E3779B97F4A7C15) % (1 << 128))) for i in range(NODES)]
    edges = [(ids[s], ids[d]) for s, d in zip(src.tolist(), dst.tolist(), strict=True)]
    build_t, graph = best_of(1, lambda: DependencyGraph(edges))
    print(f"DependencyGraph({EDGES} edges): {build_t} (includes the acyclicity check)")

    def uncached_order() -> list[QuestId]:
        graph._order = None  # measure the computation, not the cache
        return graph.topological_order()

    graph_t, _ = best_of(RUNS, uncached_order)
    cached_t, _ = best_of(RUNS, graph.topological_order)
    print(
        f"DependencyGraph.topological_order: {graph_t}, cached {cached_t}, "
        f"{graphlib_t.wall_ms / graph_t.wall_ms:.1f}x faster than graphlib"
    )
    estimates = {quest: float(w) for quest, w in zip(ids, weights.tolist(), strict=True)}
    graph_critical_t, _ = best_of(RUNS, lambda: graph.critical_path(estimates))
    print(f"DependencyGraph.critical_path: {graph_critical_t}")

    def add_one_by_one() -> DependencyGraph:
        g = DependencyGraph()
        for edge in edges:
            g.add(*edge)
        return g

    add_t, _ = best_of(1, add_one_by_one)
    print(
        f"DependencyGraph.add x {EDGES} in random order (incremental cycle checks): "
        f"{add_t}, {add_t.wall_ms * 1000 / EDGES:.1f} us per edge"
    )


if __name__ == "__main__":
    main()
