"""Vectorised passes over the dependency edges of a :class:`RankingInput`.

Value and deadlines flow *backwards* along dependencies (from a dependent to its
prerequisites), so the passes visit quests in reverse topological levels: level 0 holds the
quests nothing depends on, level ``h`` those whose dependents all sit in lower levels. The
levels are the dependency graph's own (:func:`levelled_order_indices` over the reversed
edges); this module only lays the edges out for the passes, once per input.

Each pass *pulls*: when level ``h`` is reached, every dependent of its quests is final, so
each quest's inputs are gathered from its own edges in one step per level. Quests are
renumbered by position in level order, so a level is a contiguous slice and the per-level
work is slicing plus a few gathers: O(N + E) in total plus a small constant per level (the
depth of the longest dependency chain), never a Python step per quest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from questlog_core.errors import DependencyCycle
from questlog_core.prioritization.input import RankingInput
from questlog_core.quests.dependencies import levelled_order_indices

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ReverseLevels:
    """Quests in reverse topological levels and, per level, the edges out of it.

    Quest ``nodes[p]`` sits at *position* ``p`` (``position`` is the inverse); level ``h``
    is positions ``node_ptr[h]:node_ptr[h+1]``. Edges ``edge_ptr[h]:edge_ptr[h+1]`` are
    those whose prerequisite is in level ``h``: ``edge_src`` is the prerequisite's offset
    within its level, ``edge_dst`` the dependent's position (always in a lower level).
    Within a level, edges run in their dependent's level order, then input order: the
    order in which a pass over the edges one level at a time would meet them.
    """

    nodes: I64
    node_ptr: I64
    position: I64
    edge_src: I64
    edge_dst: I64
    edge_ptr: I64

    @property
    def depth(self) -> int:
        """Number of levels."""
        return len(self.node_ptr) - 1

    def level_of(self, n: int) -> I64:
        """Level of each quest (0: nothing depends on it)."""
        level = np.empty(n, dtype=np.int64)
        sizes = np.diff(self.node_ptr)
        level[self.nodes] = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        return level


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
    try:
        # Reversed edges: the graph's level 0 is then what nothing depends on.
        nodes, node_ptr, level = levelled_order_indices(n, dst, src)
    except DependencyCycle as err:
        # Found along reversed edges: turn it round so each quest is a prerequisite of the next.
        cycle: list[int] = np.asarray(err.cycle, dtype=np.int64)[::-1].tolist()
        raise DependencyCycle([keys[i] for i in cycle]) from None
    depth = node_ptr.size - 1
    # The (prerequisite level, dependent level) key below fits 16 bits for any real task
    # list: half the memory traffic, and numpy radix-sorts 16-bit keys (several times faster
    # than comparison-sorting 64-bit ones). The levels come 16-bit whenever they fit.
    if depth * depth > np.iinfo(np.int16).max:
        level = level.astype(np.int64)
    position = np.empty(n, dtype=np.int64)
    position[nodes] = np.arange(n, dtype=np.int64)
    offset = position - node_ptr[level]  # place within its level
    src_level = level[src]
    key = src_level * depth  # stays 16-bit: numpy keeps the array's type for a Python int
    key += level[dst]
    # Stable: within a (prerequisite level, dependent level) group, edges keep input order.
    by_level = np.argsort(key, kind="stable")
    edge_ptr = np.zeros(depth + 1, dtype=np.int64)
    np.cumsum(np.bincount(src_level, minlength=depth), out=edge_ptr[1:])
    # Both ends in one int64 (each < 2**31 for any input that fits in memory), so the
    # edges are permuted with one scattered gather instead of two.
    ends = offset[src] << 32
    ends |= position[dst]
    ends = ends[by_level]
    edge_dst = ends & 0xFFFFFFFF
    ends >>= 32
    edge_src = ends
    return ReverseLevels(nodes, node_ptr, position, edge_src, edge_dst, edge_ptr)


def propagate_sum(data: RankingInput, own: F64, share: F64) -> F64:
    """Value each quest inherits from what it unblocks, transitively.

    ``total[i] = own[i] + inherited[i]`` and ``inherited[u] = Σ share[v] * total[v]`` over
    the dependents ``v`` of ``u``, added in the order of :class:`ReverseLevels` edges.
    Returns ``inherited``.
    """
    levels = reverse_levels(data)
    n, ptr, eptr = data.size, levels.node_ptr.tolist(), levels.edge_ptr.tolist()
    own_p = np.asarray(own, dtype=np.float64)[levels.nodes]
    share_p = np.asarray(share, dtype=np.float64)[levels.nodes]
    inherited_p = np.zeros(n, dtype=np.float64)
    total_p = np.empty(n, dtype=np.float64)
    for h in range(levels.depth):
        a, b, ea, eb = ptr[h], ptr[h + 1], eptr[h], eptr[h + 1]
        if ea < eb:
            v = levels.edge_dst[ea:eb]
            # bincount adds its weights one by one in array order: the same sums, bit for
            # bit, as adding one edge at a time (np.add.at), at a fraction of the cost.
            inherited_p[a:b] = np.bincount(
                levels.edge_src[ea:eb], weights=share_p[v] * total_p[v], minlength=b - a
            )
        np.add(own_p[a:b], inherited_p[a:b], out=total_p[a:b])
    inherited = np.empty(n, dtype=np.float64)
    inherited[levels.nodes] = inherited_p
    return inherited


def propagate_max(data: RankingInput, value: F64) -> F64:
    """The largest ``value`` over each quest and every quest that waits on it, transitively.

    ``best[u] = max(value[u], max over dependents v of best[v])``: what a prerequisite
    inherits in a planned ranking (the urgency of the most urgent quest it unblocks).
    """
    levels = reverse_levels(data)
    n, ptr, eptr = data.size, levels.node_ptr.tolist(), levels.edge_ptr.tolist()
    best_p = np.asarray(value, dtype=np.float64)[levels.nodes]
    for h in range(1, levels.depth):  # level 0: nothing waits on it
        a, b, ea, eb = ptr[h], ptr[h + 1], eptr[h], eptr[h + 1]
        if ea < eb:
            np.maximum.at(best_p[a:b], levels.edge_src[ea:eb], best_p[levels.edge_dst[ea:eb]])
    best = np.empty(n, dtype=np.float64)
    best[levels.nodes] = best_p
    return best


def propagate_deadlines(data: RankingInput, due: F64, work: F64) -> tuple[F64, F64]:
    """Critical-path backward pass: latest start and the deadline that binds it.

    A quest must finish by its own due time and early enough for each dependent to start
    by *its* latest start: ``finish[u] = min(due[u], min over dependents v of start[v])``,
    ``start[u] = finish[u] - work[u]``. Returns ``(latest_start, binding_deadline)``;
    ``inf`` where no deadline reaches the quest. When several dependents tie for the
    minimum, the deadline comes from the last of them in :class:`ReverseLevels` edge order.
    """
    levels = reverse_levels(data)
    n, ptr, eptr = data.size, levels.node_ptr.tolist(), levels.edge_ptr.tolist()
    own_due = due[levels.nodes]
    own_due[np.isnan(own_due)] = np.inf
    work_p = np.asarray(work, dtype=np.float64)[levels.nodes]
    child_finish = np.full(n, np.inf)  # min latest start over dependents
    child_deadline = np.full(n, np.inf)
    start_p = np.empty(n, dtype=np.float64)
    deadline_p = np.empty(n, dtype=np.float64)
    for h in range(levels.depth):
        a, b, ea, eb = ptr[h], ptr[h + 1], eptr[h], eptr[h + 1]
        finish, binding_deadline = child_finish[a:b], child_deadline[a:b]
        if ea < eb:
            u = levels.edge_src[ea:eb]
            v = levels.edge_dst[ea:eb]
            offered = start_p[v]
            np.minimum.at(finish, u, offered)
            # The deadline follows the dependent that gives the minimum (the last such
            # edge wins: fancy assignment keeps the last write).
            binding = offered == finish[u]
            binding_deadline[u[binding]] = deadline_p[v[binding]]
        mine = own_due[a:b] <= finish
        deadline_p[a:b] = np.where(mine, own_due[a:b], binding_deadline)
        np.subtract(np.where(mine, own_due[a:b], finish), work_p[a:b], out=start_p[a:b])
    start = np.empty(n, dtype=np.float64)
    deadline = np.empty(n, dtype=np.float64)
    start[levels.nodes] = start_p
    deadline[levels.nodes] = deadline_p
    return start, deadline
