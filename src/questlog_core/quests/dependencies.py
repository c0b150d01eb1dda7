"""The dependency graph between one owner's quests.

An edge ``(prerequisite, dependent)`` says the prerequisite must be finished before the
dependent can be completed. The graph is always acyclic: :meth:`DependencyGraph.add` refuses an
edge that would close a cycle and names the cycle in the :class:`DependencyCycle` it raises.

The graph holds the quests that take part in at least one dependency; a quest whose last edge is
removed leaves the graph. Owner scoping (one graph per owner, no cross-owner edges) is the job of
the repositories and use cases.

Orders are deterministic: the topological order lists quests *by level* (a quest's level is the
length of its longest chain of prerequisites), and within a level by id. The same edges always
give the same order, however they were added. For big graphs the module-level numpy functions
:func:`topological_order_indices` and :func:`critical_path_indices` work on integer node indices
and process one whole level per vectorised step.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Container, Iterable, Mapping
from typing import cast

import numpy as np
import numpy.typing as npt

from questlog_core.errors import DependencyCycle, ValidationFailed
from questlog_core.ids import QuestId

__all__ = [
    "LARGE_GRAPH_NODES",
    "DependencyGraph",
    "critical_path_indices",
    "topological_order_indices",
]

LARGE_GRAPH_NODES = 2000
"""Above this many quests, orders and critical paths are computed with numpy."""

IndexArray = npt.NDArray[np.int64]


def _id_key(quest_id: QuestId) -> int:
    # UUIDs order by their integer; sorting on the int avoids a Python-level __lt__ per comparison.
    return quest_id.int


class DependencyGraph:
    """The acyclic graph of "must be finished before" between one owner's quests.

    Adjacency is kept both ways (prerequisites and dependents of every quest) as dicts of sets,
    so edits are cheap. A topological rank per quest is maintained incrementally
    (Pearce-Kelly), so adding an edge that agrees with the current order costs O(1), and the
    cycle search otherwise only visits the quests ranked between the two ends of the edge.
    """

    __slots__ = ("_dependents", "_high", "_low", "_order", "_prerequisites", "_rank")

    def __init__(self, edges: Iterable[tuple[QuestId, QuestId]] = ()) -> None:
        """Build the graph from ``(prerequisite, dependent)`` edges.

        Raises:
            DependencyCycle: the edges contain a cycle (a self-loop included).
        """
        self._prerequisites: dict[QuestId, set[QuestId]] = {}
        self._dependents: dict[QuestId, set[QuestId]] = {}
        self._rank: dict[QuestId, int] = {}
        self._low = 0
        self._high = -1
        self._order: list[QuestId] | None = None
        # Bulk load: link everything, then check acyclicity once (O(V + E)) instead of per edge.
        for prerequisite, dependent in edges:
            if prerequisite == dependent:
                raise DependencyCycle([prerequisite, prerequisite])
            self._link(prerequisite, dependent)
        if self._dependents:
            order = self._compute_order()
            self._rank = {quest: rank for rank, quest in enumerate(order)}
            self._high = len(order) - 1
            self._order = order

    # -- edits -------------------------------------------------------------------------------

    def add(self, prerequisite: QuestId, dependent: QuestId) -> None:
        """Record that ``prerequisite`` must be finished before ``dependent``.

        Adding an edge that exists already does nothing.

        Raises:
            DependencyCycle: the edge would close a cycle; ``cycle`` starts and ends at
                ``dependent`` and each quest in it is a prerequisite of the next.
        """
        if prerequisite == dependent:
            raise DependencyCycle([dependent, dependent])
        known = self._dependents.get(prerequisite)
        if known is not None and dependent in known:
            return
        rank = self._rank
        if prerequisite not in rank or dependent not in rank:
            # A new quest can be ranked before (or after) everything: no search needed.
            if prerequisite not in rank:
                self._low -= 1
                rank[prerequisite] = self._low
            if dependent not in rank:
                self._high += 1
                rank[dependent] = self._high
        elif rank[prerequisite] > rank[dependent]:
            self._reorder(prerequisite, dependent)
        self._link(prerequisite, dependent)

    def remove(self, prerequisite: QuestId, dependent: QuestId) -> bool:
        """Drop the edge; return whether it existed (ranks stay valid: removal keeps order)."""
        known = self._dependents.get(prerequisite)
        if known is None or dependent not in known:
            return False
        self._unlink(prerequisite, dependent)
        return True

    def discard_node(self, quest_id: QuestId) -> None:
        """Drop a quest and every edge touching it (e.g. when the quest is deleted)."""
        if quest_id not in self._dependents:
            return
        for dependent in list(self._dependents[quest_id]):
            self._unlink(quest_id, dependent)
        for prerequisite in list(self._prerequisites.get(quest_id, ())):
            self._unlink(prerequisite, quest_id)

    # -- queries -----------------------------------------------------------------------------

    def __contains__(self, quest_id: object) -> bool:
        return quest_id in self._dependents

    def __len__(self) -> int:
        """Number of quests taking part in at least one dependency."""
        return len(self._dependents)

    def edges(self) -> list[tuple[QuestId, QuestId]]:
        """Every ``(prerequisite, dependent)`` edge, sorted by ids."""
        pairs = [(p, d) for p, deps in self._dependents.items() for d in deps]
        pairs.sort(key=lambda edge: (edge[0].int, edge[1].int))
        return pairs

    def nodes(self) -> set[QuestId]:
        """The quests that take part in at least one dependency."""
        return set(self._dependents)

    def prerequisites(self, quest_id: QuestId) -> set[QuestId]:
        """Quests that must be finished directly before ``quest_id``."""
        return set(self._prerequisites.get(quest_id, ()))

    def dependents(self, quest_id: QuestId) -> set[QuestId]:
        """Quests that wait directly on ``quest_id``."""
        return set(self._dependents.get(quest_id, ()))

    def ancestors(self, quest_id: QuestId) -> set[QuestId]:
        """Every quest ``quest_id`` transitively waits on (its prerequisites' prerequisites...)."""
        return _reach(self._prerequisites, quest_id)

    def descendants(self, quest_id: QuestId) -> set[QuestId]:
        """Every quest that transitively waits on ``quest_id``."""
        return _reach(self._dependents, quest_id)

    def unfinished_prerequisites(
        self, quest_id: QuestId, finished: Container[QuestId]
    ) -> list[QuestId]:
        """Direct prerequisites of ``quest_id`` not in ``finished``, sorted by id."""
        pending = [p for p in self._prerequisites.get(quest_id, ()) if p not in finished]
        pending.sort(key=_id_key)
        return pending

    def is_blocked(self, quest_id: QuestId, finished: Container[QuestId]) -> bool:
        """Whether some direct prerequisite of ``quest_id`` is not finished."""
        return any(p not in finished for p in self._prerequisites.get(quest_id, ()))

    def topological_order(self) -> list[QuestId]:
        """Every quest after all its prerequisites: by level, then by id within a level.

        Level 0 holds the quests with no prerequisites; a quest's level is one more than its
        highest prerequisite's. The result is cached until the next edit.
        """
        if self._order is None:
            self._order = self._compute_order()
        return list(self._order)

    def critical_path(self, estimates: Mapping[QuestId, float]) -> tuple[list[QuestId], float]:
        """The chain of dependencies with the greatest total estimate, and that total.

        A quest without an estimate counts as 0. The path runs from its first prerequisite to
        its last dependent. Ties are broken towards smaller ids (the end quest, then each
        prerequisite walking back), so the answer is deterministic. An empty graph gives
        ``([], 0.0)``.

        Raises:
            ValidationFailed: an estimate is negative or not a number.
        """
        order = self.topological_order()
        if not order:
            return [], 0.0
        weights = [float(estimates.get(q, 0.0)) for q in order]
        if not all(w >= 0.0 and math.isfinite(w) for w in weights):
            raise ValidationFailed("estimate", "must be a finite, non-negative number")
        if len(order) > LARGE_GRAPH_NODES:
            nodes = sorted(order, key=_id_key)
            src, dst = self._edge_arrays({quest: i for i, quest in enumerate(nodes)})
            indices, total = critical_path_indices(
                len(nodes), src, dst, np.array([float(estimates.get(q, 0.0)) for q in nodes])
            )
            return [nodes[i] for i in indices.tolist()], total
        total_to: dict[QuestId, float] = {}
        for quest, weight in zip(order, weights, strict=True):
            preds = self._prerequisites[quest]
            total_to[quest] = weight + max((total_to[p] for p in preds), default=0.0)
        end = min(order, key=lambda q: (-total_to[q], q.int))
        path = [end]
        while preds := self._prerequisites[path[-1]]:
            path.append(min(preds, key=lambda q: (-total_to[q], q.int)))
        path.reverse()
        return path, total_to[end]

    def longest_finished_chain(self, quest_id: QuestId, finished: Container[QuestId]) -> int:
        """Length of the longest chain of finished prerequisites ending at ``quest_id``.

        ``quest_id`` itself counts (whether finished or not), so a quest with no finished
        prerequisite gives 1. Only finished quests extend the chain backwards.
        """
        length: dict[QuestId, int] = {}
        # Iterative post-order DFS over finished ancestors: chains can be deeper than the
        # recursion limit.
        stack: list[tuple[QuestId, bool]] = [(quest_id, False)]
        while stack:
            quest, expanded = stack.pop()
            preds = [p for p in self._prerequisites.get(quest, ()) if p in finished]
            if expanded:
                length[quest] = 1 + max((length[p] for p in preds), default=0)
                continue
            if quest in length:
                continue
            stack.append((quest, True))
            stack.extend((p, False) for p in preds if p not in length)
        return length[quest_id]

    # -- internals ---------------------------------------------------------------------------

    def _link(self, prerequisite: QuestId, dependent: QuestId) -> None:
        for quest in (prerequisite, dependent):
            if quest not in self._dependents:
                self._dependents[quest] = set()
                self._prerequisites[quest] = set()
        self._dependents[prerequisite].add(dependent)
        self._prerequisites[dependent].add(prerequisite)
        self._order = None

    def _unlink(self, prerequisite: QuestId, dependent: QuestId) -> None:
        self._dependents[prerequisite].discard(dependent)
        self._prerequisites[dependent].discard(prerequisite)
        for quest in (prerequisite, dependent):
            if not self._dependents[quest] and not self._prerequisites[quest]:
                del self._dependents[quest]
                del self._prerequisites[quest]
                self._rank.pop(quest, None)
        self._order = None

    def _reorder(self, prerequisite: QuestId, dependent: QuestId) -> None:
        """Pearce-Kelly: repair ranks so ``prerequisite`` precedes ``dependent``, or raise."""
        rank = self._rank
        lower, upper = rank[dependent], rank[prerequisite]
        # Forward from the dependent over quests ranked below the prerequisite: reaching the
        # prerequisite means the edge closes a cycle.
        forward: list[QuestId] = []
        seen = {dependent}
        stack = [dependent]
        while stack:
            quest = stack.pop()
            forward.append(quest)
            for nxt in self._dependents[quest]:
                if nxt == prerequisite:
                    raise DependencyCycle(
                        [*self._shortest_path(dependent, prerequisite), dependent]
                    )
                if nxt not in seen and rank[nxt] < upper:
                    seen.add(nxt)
                    stack.append(nxt)
        backward: list[QuestId] = []
        seen = {prerequisite}
        stack = [prerequisite]
        while stack:
            quest = stack.pop()
            backward.append(quest)
            for prev in self._prerequisites[quest]:
                if prev not in seen and rank[prev] > lower:
                    seen.add(prev)
                    stack.append(prev)
        backward.sort(key=rank.__getitem__)
        forward.sort(key=rank.__getitem__)
        moved = backward + forward
        slots = sorted(rank[q] for q in moved)
        for quest, slot in zip(moved, slots, strict=True):
            rank[quest] = slot

    def _shortest_path(self, start: QuestId, goal: QuestId) -> list[QuestId]:
        """Breadth-first path along dependents, neighbours by id, so the message is stable."""
        parent: dict[QuestId, QuestId] = {}
        queue = deque([start])
        seen = {start}
        while queue:
            quest = queue.popleft()
            if quest == goal:
                break
            for nxt in sorted(self._dependents[quest], key=_id_key):
                if nxt not in seen:
                    seen.add(nxt)
                    parent[nxt] = quest
                    queue.append(nxt)
        path = [goal]
        while path[-1] != start:
            path.append(parent[path[-1]])
        path.reverse()
        return path

    def _edge_arrays(self, index: Mapping[QuestId, int]) -> tuple[IndexArray, IndexArray]:
        src = np.fromiter(
            (index[p] for p, deps in self._dependents.items() for _ in deps), dtype=np.int64
        )
        dst = np.fromiter(
            (index[d] for deps in self._dependents.values() for d in deps), dtype=np.int64
        )
        return src, dst

    def _compute_order(self) -> list[QuestId]:
        if len(self._dependents) > LARGE_GRAPH_NODES:
            nodes = sorted(self._dependents, key=_id_key)
            index = {quest: i for i, quest in enumerate(nodes)}
            src, dst = self._edge_arrays(index)
            try:
                indices = topological_order_indices(len(nodes), src, dst)
            except DependencyCycle as cycle:
                raise DependencyCycle([nodes[cast(int, i)] for i in cycle.cycle]) from None
            return [nodes[i] for i in indices.tolist()]
        waiting = {quest: len(preds) for quest, preds in self._prerequisites.items()}
        level = sorted((q for q, k in waiting.items() if k == 0), key=_id_key)
        order: list[QuestId] = []
        while level:
            order.extend(level)
            ready: list[QuestId] = []
            for quest in level:
                for dependent in self._dependents[quest]:
                    waiting[dependent] -= 1
                    if waiting[dependent] == 0:
                        ready.append(dependent)
            ready.sort(key=_id_key)
            level = ready
        if len(order) < len(waiting):
            remaining = {q for q, k in waiting.items() if k > 0}
            raise DependencyCycle(_cycle_among(remaining, self._prerequisites))
        return order


def _reach(adjacency: Mapping[QuestId, set[QuestId]], start: QuestId) -> set[QuestId]:
    found: set[QuestId] = set()
    stack = list(adjacency.get(start, ()))
    while stack:
        quest = stack.pop()
        if quest not in found:
            found.add(quest)
            stack.extend(adjacency[quest] - found)
    return found


def _cycle_among(
    remaining: set[QuestId], prerequisites: Mapping[QuestId, set[QuestId]]
) -> list[QuestId]:
    """A cycle among quests left over by Kahn's algorithm (each has a remaining prerequisite).

    Walk backwards from the smallest id, always to the smallest remaining prerequisite, until
    a quest repeats; the loop found is returned in prerequisite-to-dependent direction.
    """
    quest = min(remaining, key=_id_key)
    walk: list[QuestId] = []
    position: dict[QuestId, int] = {}
    while quest not in position:
        position[quest] = len(walk)
        walk.append(quest)
        quest = min((p for p in prerequisites[quest] if p in remaining), key=_id_key)
    loop = walk[position[quest] :]
    loop.reverse()
    first = loop.index(min(loop, key=_id_key))  # start at the smallest id: a stable message
    loop = loop[first:] + loop[:first]
    return [*loop, loop[0]]


# -- numpy versions for big graphs -----------------------------------------------------------


def _as_edges(n: int, src: npt.ArrayLike, dst: npt.ArrayLike) -> tuple[IndexArray, IndexArray]:
    s = np.asarray(src, dtype=np.int64).reshape(-1)
    d = np.asarray(dst, dtype=np.int64).reshape(-1)
    if s.shape != d.shape:
        raise ValueError(f"src and dst differ in length: {s.size} != {d.size}")
    if n < 0:
        raise ValueError("n must be non-negative")
    if s.size and (min(s.min(), d.min()) < 0 or max(s.max(), d.max()) >= n):
        raise ValueError(f"edge endpoints must lie in [0, {n})")
    return s, d


def _levels(n: int, src: IndexArray, dst: IndexArray) -> tuple[IndexArray, IndexArray]:
    """Level-by-level Kahn. Returns the order and the offsets where each level starts.

    Each level is one vectorised step: gather the out-edges of the whole frontier from a CSR
    layout, lower the in-degree of their targets, and take those that reached zero as the next
    frontier (sorted, so ties within a level go to the smaller index).
    """
    indegree = np.bincount(dst, minlength=n).astype(np.int64)
    by_source = np.argsort(src, kind="stable")
    targets = dst[by_source]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])

    order = np.empty(n, dtype=np.int64)
    bounds = [0]
    filled = 0
    frontier = np.flatnonzero(indegree == 0)
    while frontier.size:
        order[filled : filled + frontier.size] = frontier
        filled += frontier.size
        bounds.append(filled)
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        total = int(counts.sum())
        if total == 0:
            break
        # Edge positions of the whole frontier: each run starts[i] .. starts[i] + counts[i].
        run_offsets = np.cumsum(counts) - counts
        positions = np.repeat(starts - run_offsets, counts) + np.arange(total, dtype=np.int64)
        touched, hits = np.unique(targets[positions], return_counts=True)
        indegree[touched] -= hits
        frontier = touched[indegree[touched] == 0]
    if filled < n:
        raise DependencyCycle(_index_cycle(n, src, dst, indegree > 0))
    return order, np.asarray(bounds, dtype=np.int64)


def _index_cycle(
    n: int, src: IndexArray, dst: IndexArray, remaining: npt.NDArray[np.bool_]
) -> list[int]:
    """A cycle among the nodes Kahn left over, found as in :func:`_cycle_among`."""
    keep = remaining[src] & remaining[dst]
    s, d = src[keep], dst[keep]
    by_target = np.lexsort((s, d))
    preds = s[by_target]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(d, minlength=n), out=indptr[1:])
    node = int(np.flatnonzero(remaining)[0])
    walk: list[int] = []
    position: dict[int, int] = {}
    while node not in position:
        position[node] = len(walk)
        walk.append(node)
        node = int(preds[indptr[node]])  # smallest remaining prerequisite
    loop = walk[position[node] :]
    loop.reverse()
    first = loop.index(min(loop))
    loop = loop[first:] + loop[:first]
    return [*loop, loop[0]]


def topological_order_indices(n: int, src: npt.ArrayLike, dst: npt.ArrayLike) -> IndexArray:
    """Topological order of nodes ``0..n-1`` with edges ``src[i] -> dst[i]``, using numpy.

    Nodes come level by level (sources first), ascending within a level. Duplicate edges are
    allowed.

    Raises:
        DependencyCycle: the edges contain a cycle; ``cycle`` lists node indices, first
            repeated last, each a predecessor of the next.
        ValueError: ``src``/``dst`` differ in length or hold indices outside ``0..n-1``.
    """
    s, d = _as_edges(n, src, dst)
    order, _ = _levels(n, s, d)
    return order


def critical_path_indices(
    n: int, src: npt.ArrayLike, dst: npt.ArrayLike, weights: npt.ArrayLike
) -> tuple[IndexArray, float]:
    """Heaviest path by node weight through the DAG ``src[i] -> dst[i]``, and its total.

    Same definition and tie-breaking as :meth:`DependencyGraph.critical_path` (smaller index
    wins ties). One vectorised step per level: the totals of a level are final once the
    previous levels have pushed their best totals along their out-edges.

    Raises:
        DependencyCycle: the edges contain a cycle.
        ValueError: bad shapes, indices out of range, or a negative or non-finite weight.
    """
    s, d = _as_edges(n, src, dst)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if w.shape != (n,):
        raise ValueError(f"weights must have length {n}, got {w.size}")
    if n == 0:
        return np.empty(0, dtype=np.int64), 0.0
    if not (np.isfinite(w).all() and (w >= 0.0).all()):
        raise ValueError("weights must be finite and non-negative")
    order, bounds = _levels(n, s, d)
    level = np.empty(n, dtype=np.int64)
    level[order] = np.repeat(np.arange(bounds.size - 1, dtype=np.int64), np.diff(bounds))
    # Edges grouped by their source's level: level k's edges push level k's final totals.
    by_level = np.argsort(level[s], kind="stable")
    es, ed = s[by_level], d[by_level]
    edge_bounds = np.searchsorted(level[es], np.arange(bounds.size, dtype=np.int64))
    best_before = np.zeros(n, dtype=np.float64)  # heaviest total among prerequisites, 0 if none
    total = np.empty(n, dtype=np.float64)
    for k in range(bounds.size - 1):
        members = order[bounds[k] : bounds[k + 1]]
        total[members] = w[members] + best_before[members]
        lo, hi = edge_bounds[k], edge_bounds[k + 1]
        if lo < hi:
            np.maximum.at(best_before, ed[lo:hi], total[es[lo:hi]])
    # The predecessor on the path is the smallest-index one whose total equals best_before
    # exactly (the max is one of the totals, so float equality is exact here).
    tight = total[s] == best_before[d]
    step_back = np.full(n, n, dtype=np.int64)
    np.minimum.at(step_back, d[tight], s[tight])
    end = int(np.argmax(total))
    path = [end]
    while (prev := int(step_back[path[-1]])) < n:
        path.append(prev)
    path.reverse()
    return np.asarray(path, dtype=np.int64), float(total[end])
