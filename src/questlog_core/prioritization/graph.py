"""Vectorised passes over the dependency edges of a :class:`RankingInput`.

Value and deadlines flow *backwards* along dependencies (from a dependent to its
prerequisites), so the passes visit quests in reverse topological levels: level 0 holds the
quests nothing depends on, level ``h`` those whose dependents all sit in lower levels. Each
level is a few numpy operations over that level's edges, so the cost is O(N + E) plus a small
constant per level (the depth of the longest dependency chain), never a Python step per quest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from questlog_core.errors import DependencyCycle
from questlog_core.prioritization.input import RankingInput

I64 = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ReverseLevels:
    """Quests in reverse topological levels and, per level, the edges into that level.

    ``nodes[node_ptr[h]:node_ptr[h+1]]`` are the quests of level ``h``;
    ``edge_src[edge_ptr[h]:edge_ptr[h+1]]``/``edge_dst[...]`` are the edges whose dependent
    (``dst``) is in level ``h``: when level ``h`` is final, its values flow to those ``src``.
    """

    nodes: I64
    node_ptr: I64
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
    """Reverse topological levels of ``data``'s edges (cached on the input).

    Raises :class:`DependencyCycle` naming the quests on a cycle.
    """
    cached: ReverseLevels = data._cached(
        "reverse_levels", lambda: _reverse_levels(data.size, data.src, data.dst, data.keys)
    )
    return cached


def _reverse_levels(n: int, src: I64, dst: I64, keys: tuple[str, ...]) -> ReverseLevels:
    # Peel quests whose dependents are all levelled. Each round takes the edges into the
    # current level out of the working set, so later rounds scan fewer edges; no sort of
    # the whole edge list is needed.
    remaining = np.bincount(src, minlength=n)
    rest_src, rest_dst = src, dst
    in_level = np.zeros(n, dtype=bool)
    frontier = np.flatnonzero(remaining == 0)
    node_parts: list[I64] = []
    src_parts: list[I64] = []
    dst_parts: list[I64] = []
    while frontier.size:
        node_parts.append(frontier)
        in_level[frontier] = True
        hit = in_level[rest_dst]
        in_level[frontier] = False
        level_src, level_dst = rest_src[hit], rest_dst[hit]
        src_parts.append(level_src)
        dst_parts.append(level_dst)
        if level_src.size == 0:
            break
        keep = ~hit
        rest_src, rest_dst = rest_src[keep], rest_dst[keep]
        if level_src.size * 8 < n:
            parents, hits = np.unique(level_src, return_counts=True)
            remaining[parents] -= hits
            frontier = parents[remaining[parents] == 0]
        else:
            before = remaining > 0
            remaining -= np.bincount(level_src, minlength=n)
            frontier = np.flatnonzero(before & (remaining == 0))

    nodes = np.concatenate(node_parts) if node_parts else np.empty(0, dtype=np.int64)
    if nodes.size != n:
        raise DependencyCycle(_find_cycle(n, src, dst, nodes, keys))
    depth = len(node_parts)
    node_ptr = np.zeros(depth + 1, dtype=np.int64)
    np.cumsum([p.size for p in node_parts], out=node_ptr[1:])
    sizes = [p.size for p in src_parts] + [0] * (depth - len(src_parts))
    edge_ptr = np.zeros(depth + 1, dtype=np.int64)
    np.cumsum(sizes, out=edge_ptr[1:])
    empty = np.empty(0, dtype=np.int64)
    edge_src = np.concatenate(src_parts) if src_parts else empty
    edge_dst = np.concatenate(dst_parts) if dst_parts else empty
    return ReverseLevels(nodes, node_ptr, edge_src, edge_dst, edge_ptr)


def _find_cycle(n: int, src: I64, dst: I64, done: I64, keys: tuple[str, ...]) -> list[str]:
    # Only on the error path: walk dependents among the quests that could not be levelled.
    left = np.ones(n, dtype=bool)
    left[done] = False
    keep = left[src] & left[dst]
    nxt: dict[int, int] = {}
    for s, d in zip(src[keep].tolist(), dst[keep].tolist(), strict=True):
        nxt.setdefault(s, d)
    node = next(iter(nxt))
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = nxt[node]
    cycle = [*path[seen[node] :], node]
    return [keys[i] for i in cycle]


def propagate_sum(
    data: RankingInput, own: NDArray[np.float64], share: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Value each quest inherits from what it unblocks, transitively.

    ``total[i] = own[i] + inherited[i]`` and ``inherited[u] = Σ share[v] * total[v]`` over
    the dependents ``v`` of ``u``. Returns ``inherited``.
    """
    levels = reverse_levels(data)
    inherited = np.zeros(data.size, dtype=np.float64)
    total = own.astype(np.float64, copy=True)
    for h in range(levels.depth):
        nodes = levels.nodes[levels.node_ptr[h] : levels.node_ptr[h + 1]]
        total[nodes] = own[nodes] + inherited[nodes]
        a, b = levels.edge_ptr[h], levels.edge_ptr[h + 1]
        if a == b:
            continue
        v = levels.edge_dst[a:b]
        np.add.at(inherited, levels.edge_src[a:b], share[v] * total[v])
    return inherited


def propagate_deadlines(
    data: RankingInput, due: NDArray[np.float64], work: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Critical-path backward pass: latest start and the deadline that binds it.

    A quest must finish by its own due time and early enough for each dependent to start
    by *its* latest start: ``finish[u] = min(due[u], min over dependents v of start[v])``,
    ``start[u] = finish[u] - work[u]``. Returns ``(latest_start, binding_deadline)``;
    ``inf`` where no deadline reaches the quest.
    """
    levels = reverse_levels(data)
    n = data.size
    own_due = np.where(np.isnan(due), np.inf, due)
    child_finish = np.full(n, np.inf)  # min latest start over dependents seen so far
    child_deadline = np.full(n, np.inf)
    start = np.full(n, np.inf)
    deadline = np.full(n, np.inf)
    for h in range(levels.depth):
        nodes = levels.nodes[levels.node_ptr[h] : levels.node_ptr[h + 1]]
        mine = own_due[nodes] <= child_finish[nodes]
        finish = np.where(mine, own_due[nodes], child_finish[nodes])
        deadline[nodes] = np.where(mine, own_due[nodes], child_deadline[nodes])
        start[nodes] = finish - work[nodes]
        a, b = levels.edge_ptr[h], levels.edge_ptr[h + 1]
        if a == b:
            continue
        u = levels.edge_src[a:b]
        v = levels.edge_dst[a:b]
        np.minimum.at(child_finish, u, start[v])
        # The deadline follows whichever dependent now gives the minimum; a later level
        # that lowers the minimum overwrites it.
        binding = start[v] == child_finish[u]
        child_deadline[u[binding]] = deadline[v[binding]]
    return start, deadline
