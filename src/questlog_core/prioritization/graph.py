"""Vectorised passes over the dependency edges of a :class:`RankingInput`.

Value and deadlines flow *backwards* along dependencies (from a dependent to its
prerequisites), so the passes visit quests in reverse topological levels: level 0 holds the
quests nothing depends on, level ``h`` those whose dependents all sit in lower levels (so a
quest's level is the length of the longest chain of quests waiting on it).

The levels come from one level-by-level Kahn pass over the reversed edges, which also
records, level by level, the edges it walks: those whose *dependent* is in that level. Each
pass then *pushes*: when level ``h`` is reached, its quests are final (every dependent sat
in a lower level and has pushed already), so their values go along that level's edges to
their prerequisites in one scatter (``np.add.at``, ``np.minimum.at``, ``np.maximum.at``).
Cost: O(N + E) plus a small constant per level (the longest dependency chain), never a
Python step per quest; the levels and edges are built once per input and cached on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from questlog_core.errors import DependencyCycle
from questlog_core.prioritization.input import RankingInput

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ReverseLevels:
    """Quests in reverse topological levels and, per level, the edges out of it.

    Level ``h`` is quests ``nodes[node_ptr[h]:node_ptr[h+1]]`` (ascending). Edges
    ``edge_ptr[h]:edge_ptr[h+1]`` are those whose *dependent* is in level ``h``:
    ``edge_dst`` is the dependent, ``edge_src`` its prerequisite (a quest of a higher
    level), both as quest indices. ``level`` is each quest's level.
    """

    nodes: I64
    node_ptr: I64
    level: I64
    edge_src: I64
    edge_dst: I64
    edge_ptr: I64

    @property
    def depth(self) -> int:
        """Number of levels."""
        return len(self.node_ptr) - 1

    def level_of(self, n: int) -> I64:
        """Level of each quest (0: nothing depends on it)."""
        del n  # kept for callers written against the earlier signature
        return self.level


def reverse_levels(data: RankingInput) -> ReverseLevels:
    """Reverse topological levels of ``data``'s edges (cached on the input, so every policy
    ranking the same input, an ensemble's members included, shares them).

    Raises :class:`DependencyCycle` naming the quests on a cycle, each a prerequisite of
    the next.
    """
    cached: ReverseLevels = data._cached(
        "reverse_levels", lambda: _reverse_levels(data.size, data.src, data.dst, data.keys)
    )
    return cached


def _reverse_levels(n: int, src: I64, dst: I64, keys: tuple[str, ...]) -> ReverseLevels:
    # Prerequisites grouped by dependent (CSR). The importers and RankingInput.from_records
    # list edges quest by quest, already grouped: then no sort is needed.
    if dst.size > 1 and not bool((dst[1:] >= dst[:-1]).all()):
        by_dependent = np.argsort(dst, kind="stable")
        prereqs_of = src[by_dependent]
    else:
        prereqs_of = src
    prereq_count = np.bincount(dst, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(prereq_count, out=indptr[1:])
    waiting_on = np.bincount(src, minlength=n)  # dependents not yet placed in a level
    level = np.empty(n, dtype=np.int64)
    frontiers: list[I64] = []
    edge_src: list[I64] = []
    edge_dst: list[I64] = []
    placed = 0
    frontier = np.flatnonzero(waiting_on == 0)
    while frontier.size:
        level[frontier] = len(frontiers)
        frontiers.append(frontier)
        placed += frontier.size
        counts = prereq_count[frontier]
        run_end = np.cumsum(counts)
        total = int(run_end[-1])
        if total == 0:
            edge_src.append(prereqs_of[:0])
            edge_dst.append(frontier[:0])
            break
        # Edge positions of the whole frontier: each run starts[i] .. starts[i] + counts[i].
        positions = np.repeat(indptr[frontier] - (run_end - counts), counts)
        positions += np.arange(total, dtype=np.int64)
        touched = prereqs_of[positions]
        edge_src.append(touched)
        edge_dst.append(np.repeat(frontier, counts))
        np.subtract.at(waiting_on, touched, 1)
        ready = touched[waiting_on[touched] == 0]
        # A quest reached by several edges of this level shows up more than once: sort and
        # drop repeats (np.unique hashes first, which is slower than a plain sort here).
        ready.sort()
        if ready.size > 1:
            ready = ready[np.concatenate(([True], ready[1:] != ready[:-1]))]
        frontier = ready
    if placed < n:
        _raise_cycle(n, src, dst, keys)
    node_ptr = np.zeros(len(frontiers) + 1, dtype=np.int64)
    np.cumsum([f.size for f in frontiers], out=node_ptr[1:])
    edge_ptr = np.zeros(len(frontiers) + 1, dtype=np.int64)
    np.cumsum([e.size for e in edge_src] + [0] * (len(frontiers) - len(edge_src)), out=edge_ptr[1:])
    return ReverseLevels(
        np.concatenate(frontiers) if frontiers else np.zeros(0, dtype=np.int64),
        node_ptr,
        level,
        np.concatenate(edge_src) if edge_src else np.zeros(0, dtype=np.int64),
        np.concatenate(edge_dst) if edge_dst else np.zeros(0, dtype=np.int64),
        edge_ptr,
    )


def _raise_cycle(n: int, src: I64, dst: I64, keys: tuple[str, ...]) -> None:
    """Name a cycle the way the dependency module does, each quest a prerequisite of the next."""
    from questlog_core.quests.dependencies import levelled_order_indices

    try:
        levelled_order_indices(n, src, dst)
    except DependencyCycle as err:
        raise DependencyCycle([keys[int(str(i))] for i in err.cycle]) from None
    raise AssertionError("Kahn left quests unplaced but the dependency module found no cycle")


def propagate_sum(data: RankingInput, own: F64, share: F64) -> F64:
    """Value each quest inherits from what it unblocks, transitively.

    ``total[i] = own[i] + inherited[i]`` and ``inherited[u] = Σ share[v] * total[v]`` over
    the dependents ``v`` of ``u``. Returns ``inherited``.
    """
    levels = reverse_levels(data)
    ptr, eptr = levels.node_ptr.tolist(), levels.edge_ptr.tolist()
    own = np.asarray(own, dtype=np.float64)
    share = np.asarray(share, dtype=np.float64)
    inherited = np.zeros(data.size, dtype=np.float64)
    total = own.copy()
    for h in range(levels.depth):
        ea, eb = eptr[h], eptr[h + 1]
        if ea == eb:
            continue
        quests = levels.nodes[ptr[h] : ptr[h + 1]]
        total[quests] += inherited[quests]  # final: every dependent has pushed
        v = levels.edge_dst[ea:eb]
        np.add.at(inherited, levels.edge_src[ea:eb], share[v] * total[v])
    return inherited


def propagate_max(data: RankingInput, value: F64) -> F64:
    """The largest ``value`` over each quest and every quest that waits on it, transitively.

    ``best[u] = max(value[u], max over dependents v of best[v])``: what a prerequisite
    inherits in a planned ranking (the urgency of the most urgent quest it unblocks).
    """
    levels = reverse_levels(data)
    eptr = levels.edge_ptr.tolist()
    best = np.array(value, dtype=np.float64)
    for h in range(levels.depth):
        ea, eb = eptr[h], eptr[h + 1]
        if ea < eb:
            np.maximum.at(best, levels.edge_src[ea:eb], best[levels.edge_dst[ea:eb]])
    return best


def propagate_deadlines(data: RankingInput, due: F64, work: F64) -> tuple[F64, F64]:
    """Critical-path backward pass: latest start and the deadline that binds it.

    A quest must finish by its own due time and early enough for each dependent to start
    by *its* latest start: ``finish[u] = min(due[u], min over dependents v of start[v])``,
    ``start[u] = finish[u] - work[u]``. Returns ``(latest_start, binding_deadline)``;
    ``inf`` where no deadline reaches the quest. When several dependents tie for the
    minimum, the deadline comes from the one met last (deepest level, then edge order).
    """
    levels = reverse_levels(data)
    n, ptr, eptr = data.size, levels.node_ptr.tolist(), levels.edge_ptr.tolist()
    own_due = np.array(due, dtype=np.float64)
    own_due[np.isnan(own_due)] = np.inf
    work = np.asarray(work, dtype=np.float64)
    child_finish = np.full(n, np.inf)  # min latest start over dependents pushed so far
    child_deadline = np.full(n, np.inf)
    start = np.empty(n, dtype=np.float64)
    deadline = np.empty(n, dtype=np.float64)
    for h in range(levels.depth):
        quests = levels.nodes[ptr[h] : ptr[h + 1]]
        finish = child_finish[quests]
        mine = own_due[quests] <= finish
        deadline[quests] = np.where(mine, own_due[quests], child_deadline[quests])
        start[quests] = np.where(mine, own_due[quests], finish) - work[quests]
        ea, eb = eptr[h], eptr[h + 1]
        if ea < eb:
            u = levels.edge_src[ea:eb]
            v = levels.edge_dst[ea:eb]
            offered = start[v]
            np.minimum.at(child_finish, u, offered)
            # The deadline follows the dependent that gives the minimum (the last such
            # edge wins: fancy assignment keeps the last write).
            binding = offered == child_finish[u]
            child_deadline[u[binding]] = deadline[v[binding]]
    return start, deadline
