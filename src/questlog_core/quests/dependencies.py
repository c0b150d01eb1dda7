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

import itertools
import math
from collections import deque
from collections.abc import Container, Iterable, Mapping
from typing import Any, NamedTuple, cast
from uuid import UUID

import numpy as np
import numpy.typing as npt

from questlog_core.errors import DependencyCycle, ValidationFailed
from questlog_core.kernel.ids import QuestId

__all__ = [
    "LARGE_GRAPH_NODES",
    "DependencyGraph",
    "LevelledOrder",
    "critical_path_indices",
    "levelled_order_indices",
    "topological_levels_indices",
    "topological_order_indices",
]

LARGE_GRAPH_NODES = 2000
"""Above this many quests, orders and critical paths are computed with numpy."""

IndexArray = npt.NDArray[np.int64]

_LOW_64 = (1 << 64) - 1


class DependencyGraph:
    """The acyclic graph of "must be finished before" between one owner's quests.

    Each quest gets a small integer slot; adjacency is kept both ways (prerequisites and
    dependents) as lists of sets of slots, so edits are cheap and never hash a UUID more than
    once (``UUID.__hash__`` runs in Python, an int's does not). A topological rank per quest is
    maintained incrementally (Pearce-Kelly): an edge that agrees with the current ranks costs
    O(1), and otherwise the cycle search only visits quests ranked between the edge's ends.
    """

    __slots__ = (
        "_after",
        "_before",
        "_free",
        "_high",
        "_ids",
        "_keys",
        "_low",
        "_order",
        "_rank",
        "_slot",
    )

    def __init__(self, edges: Iterable[tuple[QuestId, QuestId]] = ()) -> None:
        """Build the graph from ``(prerequisite, dependent)`` edges.

        Raises:
            DependencyCycle: the edges contain a cycle (a self-loop included).
        """
        self._slot: dict[int, int] = {}  # the quest id's integer -> slot
        self._ids: list[QuestId] = []  # slot -> quest id (stale while the slot is free)
        self._keys: list[int] = []  # slot -> the quest id's integer, the sort key
        self._after: list[set[int]] = []  # slot -> slots of its dependents
        self._before: list[set[int]] = []  # slot -> slots of its prerequisites
        self._rank: list[int] = []  # slot -> position in a valid topological order
        self._free: list[int] = []
        self._low = 0
        self._high = -1
        self._order: list[QuestId] | None = None
        # Bulk load: link everything, then check acyclicity once (O(V + E)) instead of per edge.
        # The loop is the cost of loading a big graph, hence the inlined lookups, and ints
        # compared instead of UUIDs (UUID.__eq__ runs in Python).
        slots, after, before = self._slot, self._after, self._before
        for prerequisite, dependent in edges:
            p_key, d_key = prerequisite.int, dependent.int
            if p_key == d_key:
                raise DependencyCycle([prerequisite, prerequisite])
            p = slots.get(p_key)
            if p is None:
                p = self._new_slot(prerequisite)
            d = slots.get(d_key)
            if d is None:
                d = self._new_slot(dependent)
            after[p].add(d)
            before[d].add(p)
        if self._slot:
            order = self._compute_order()
            for rank, slot in enumerate(order):
                self._rank[slot] = rank
            self._high = len(order) - 1
            self._order = [self._ids[slot] for slot in order]

    # -- edits -------------------------------------------------------------------------------

    def add(self, prerequisite: QuestId, dependent: QuestId) -> None:
        """Record that ``prerequisite`` must be finished before ``dependent``.

        Adding an edge that exists already does nothing.

        Raises:
            DependencyCycle: the edge would close a cycle; ``cycle`` starts and ends at
                ``dependent`` and each quest in it is a prerequisite of the next.
        """
        if prerequisite.int == dependent.int:
            raise DependencyCycle([dependent, dependent])
        p, d = self._slot.get(prerequisite.int), self._slot.get(dependent.int)
        if p is not None and d is not None:
            if d in self._after[p]:
                return
            if self._rank[p] > self._rank[d]:
                self._reorder(p, d)
        else:
            # A new quest can be ranked before (or after) everything: no search needed.
            if p is None:
                p = self._new_slot(prerequisite)
                self._low -= 1
                self._rank[p] = self._low
            if d is None:
                d = self._new_slot(dependent)
                self._high += 1
                self._rank[d] = self._high
        self._after[p].add(d)
        self._before[d].add(p)
        self._order = None

    def remove(self, prerequisite: QuestId, dependent: QuestId) -> bool:
        """Drop the edge; return whether it existed (ranks stay valid: removal keeps order)."""
        p, d = self._slot.get(prerequisite.int), self._slot.get(dependent.int)
        if p is None or d is None or d not in self._after[p]:
            return False
        self._unlink(p, d)
        return True

    def discard_node(self, quest_id: QuestId) -> None:
        """Drop a quest and every edge touching it (e.g. when the quest is deleted)."""
        slot = self._slot.get(quest_id.int)
        if slot is None:
            return
        for dependent in list(self._after[slot]):
            self._unlink(slot, dependent)
        for prerequisite in list(self._before[slot]):
            self._unlink(prerequisite, slot)

    # -- queries -----------------------------------------------------------------------------

    def __contains__(self, quest_id: object) -> bool:
        return isinstance(quest_id, UUID) and quest_id.int in self._slot

    def __len__(self) -> int:
        """Number of quests taking part in at least one dependency."""
        return len(self._slot)

    def edges(self) -> list[tuple[QuestId, QuestId]]:
        """Every ``(prerequisite, dependent)`` edge, sorted by ids."""
        keys, ids = self._keys, self._ids
        pairs = [(keys[p], keys[d], p, d) for p in self._slot.values() for d in self._after[p]]
        pairs.sort()
        return [(ids[p], ids[d]) for _, _, p, d in pairs]

    def nodes(self) -> set[QuestId]:
        """The quests that take part in at least one dependency."""
        return {self._ids[slot] for slot in self._slot.values()}

    def prerequisites(self, quest_id: QuestId) -> set[QuestId]:
        """Quests that must be finished directly before ``quest_id``."""
        return self._quests(self._neighbours(self._before, quest_id))

    def dependents(self, quest_id: QuestId) -> set[QuestId]:
        """Quests that wait directly on ``quest_id``."""
        return self._quests(self._neighbours(self._after, quest_id))

    def ancestors(self, quest_id: QuestId) -> set[QuestId]:
        """Every quest ``quest_id`` transitively waits on (its prerequisites' prerequisites...)."""
        return self._quests(_reach(self._before, self._neighbours(self._before, quest_id)))

    def descendants(self, quest_id: QuestId) -> set[QuestId]:
        """Every quest that transitively waits on ``quest_id``."""
        return self._quests(_reach(self._after, self._neighbours(self._after, quest_id)))

    def unfinished_prerequisites(
        self, quest_id: QuestId, finished: Container[QuestId]
    ) -> list[QuestId]:
        """Direct prerequisites of ``quest_id`` not in ``finished``, sorted by id."""
        before = sorted(self._neighbours(self._before, quest_id), key=self._keys.__getitem__)
        return [self._ids[p] for p in before if self._ids[p] not in finished]

    def is_blocked(self, quest_id: QuestId, finished: Container[QuestId]) -> bool:
        """Whether some direct prerequisite of ``quest_id`` is not finished."""
        return any(self._ids[p] not in finished for p in self._neighbours(self._before, quest_id))

    def topological_order(self) -> list[QuestId]:
        """Every quest after all its prerequisites: by level, then by id within a level.

        Level 0 holds the quests with no prerequisites; a quest's level is one more than its
        highest prerequisite's. The result is cached until the next edit.
        """
        if self._order is None:
            self._order = [self._ids[slot] for slot in self._compute_order()]
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
        ids, keys = self._ids, self._keys
        if len(self._slot) > LARGE_GRAPH_NODES:
            slots, src, dst = self._index_arrays()
            weights = np.array([float(estimates.get(ids[slot], 0.0)) for slot in slots.tolist()])
            if not (np.isfinite(weights).all() and (weights >= 0.0).all()):
                raise ValidationFailed("estimate", "must be a finite, non-negative number")
            indices, total = critical_path_indices(slots.size, src, dst, weights)
            return [ids[slot] for slot in slots[indices].tolist()], total
        order = self._compute_order()
        if not order:
            return [], 0.0
        weight = {slot: float(estimates.get(ids[slot], 0.0)) for slot in order}
        if not all(w >= 0.0 and math.isfinite(w) for w in weight.values()):
            raise ValidationFailed("estimate", "must be a finite, non-negative number")
        total_to: dict[int, float] = {}
        for slot in order:
            total_to[slot] = weight[slot] + max(
                (total_to[p] for p in self._before[slot]), default=0.0
            )

        def heaviest(slot: int) -> tuple[float, int]:
            return -total_to[slot], keys[slot]

        path = [min(order, key=heaviest)]
        while self._before[path[-1]]:
            path.append(min(self._before[path[-1]], key=heaviest))
        path.reverse()
        return [ids[slot] for slot in path], total_to[path[-1]]

    def longest_finished_chain(self, quest_id: QuestId, finished: Container[QuestId]) -> int:
        """Length of the longest chain of finished prerequisites ending at ``quest_id``.

        ``quest_id`` itself counts (whether finished or not), so a quest with no finished
        prerequisite gives 1. Only finished quests extend the chain backwards.
        """
        start = self._slot.get(quest_id.int)
        if start is None:
            return 1
        ids, before = self._ids, self._before
        length: dict[int, int] = {}
        # Iterative post-order DFS over finished ancestors: chains can be deeper than the
        # recursion limit.
        stack: list[tuple[int, bool]] = [(start, False)]
        while stack:
            slot, expanded = stack.pop()
            if expanded:
                length[slot] = 1 + max(
                    (length[p] for p in before[slot] if ids[p] in finished), default=0
                )
            elif slot not in length:
                stack.append((slot, True))
                stack.extend((p, False) for p in before[slot] if ids[p] in finished)
        return length[start]

    # -- internals ---------------------------------------------------------------------------

    def _new_slot(self, quest_id: QuestId) -> int:
        """A slot for a quest new to the graph (its rank is the caller's to set)."""
        key = quest_id.int
        if self._free:
            slot = self._free.pop()
            self._ids[slot] = quest_id
            self._keys[slot] = key
        else:
            slot = len(self._ids)
            self._ids.append(quest_id)
            self._keys.append(key)
            self._after.append(set())
            self._before.append(set())
            self._rank.append(0)
        self._slot[key] = slot
        return slot

    def _unlink(self, prerequisite: int, dependent: int) -> None:
        self._after[prerequisite].discard(dependent)
        self._before[dependent].discard(prerequisite)
        for slot in (prerequisite, dependent):
            if not self._after[slot] and not self._before[slot]:
                del self._slot[self._keys[slot]]
                self._free.append(slot)
        self._order = None

    def _neighbours(self, adjacency: list[set[int]], quest_id: QuestId) -> set[int]:
        slot = self._slot.get(quest_id.int)
        return set() if slot is None else adjacency[slot]

    def _quests(self, slots: Iterable[int]) -> set[QuestId]:
        return {self._ids[slot] for slot in slots}

    def _reorder(self, prerequisite: int, dependent: int) -> None:
        """Pearce-Kelly: repair ranks so ``prerequisite`` precedes ``dependent``, or raise."""
        rank, after, before = self._rank, self._after, self._before
        lower, upper = rank[dependent], rank[prerequisite]
        # Forward from the dependent over quests ranked below the prerequisite: reaching the
        # prerequisite means the edge closes a cycle.
        forward: list[int] = []
        seen = {dependent}
        stack = [dependent]
        while stack:
            slot = stack.pop()
            forward.append(slot)
            for nxt in after[slot]:
                if nxt == prerequisite:
                    path = self._shortest_path(dependent, prerequisite)
                    raise DependencyCycle([self._ids[s] for s in (*path, dependent)])
                if nxt not in seen and rank[nxt] < upper:
                    seen.add(nxt)
                    stack.append(nxt)
        backward: list[int] = []
        seen = {prerequisite}
        stack = [prerequisite]
        while stack:
            slot = stack.pop()
            backward.append(slot)
            for prev in before[slot]:
                if prev not in seen and rank[prev] > lower:
                    seen.add(prev)
                    stack.append(prev)
        # The backward set (prerequisite and what it waits on) takes the lowest of the ranks
        # involved, the forward set the highest, each keeping its internal order.
        backward.sort(key=rank.__getitem__)
        forward.sort(key=rank.__getitem__)
        moved = backward + forward
        for slot, new_rank in zip(moved, sorted(rank[s] for s in moved), strict=True):
            rank[slot] = new_rank

    def _shortest_path(self, start: int, goal: int) -> list[int]:
        """Breadth-first path along dependents, neighbours by id, so the message is stable."""
        parent: dict[int, int] = {}
        queue = deque([start])
        while queue:
            slot = queue.popleft()
            if slot == goal:
                break
            for nxt in sorted(self._after[slot], key=self._keys.__getitem__):
                if nxt not in parent and nxt != start:
                    parent[nxt] = slot
                    queue.append(nxt)
        path = [goal]
        while path[-1] != start:
            path.append(parent[path[-1]])
        path.reverse()
        return path

    def _index_arrays(self) -> tuple[IndexArray, IndexArray, IndexArray]:
        """Live slots sorted by id, and the edges relabelled to positions in that list."""
        live = np.fromiter(self._slot.values(), dtype=np.int64, count=len(self._slot))
        keys = self._keys
        # Ids are 128-bit: sort on (high, low) 64-bit halves with numpy rather than comparing
        # Python ints.
        high = np.array([keys[slot] >> 64 for slot in live.tolist()], dtype=np.uint64)
        low = np.array([keys[slot] & _LOW_64 for slot in live.tolist()], dtype=np.uint64)
        slots = live[np.lexsort((low, high))]
        label = np.zeros(len(self._ids), dtype=np.int64)
        label[slots] = np.arange(slots.size, dtype=np.int64)
        counts = np.fromiter(map(len, self._after), dtype=np.int64, count=len(self._after))
        src = np.repeat(np.arange(len(self._after), dtype=np.int64), counts)
        dst = np.fromiter(itertools.chain.from_iterable(self._after), dtype=np.int64)
        return slots, label[src], label[dst]

    def _compute_order(self) -> list[int]:
        """Slots in topological order (by level, then id); raises on a cycle."""
        if len(self._slot) > LARGE_GRAPH_NODES:
            slots, src, dst = self._index_arrays()
            try:
                indices = topological_order_indices(slots.size, src, dst)
            except DependencyCycle as cycle:
                labels = [cast(int, i) for i in cycle.cycle]
                raise DependencyCycle([self._ids[s] for s in slots[labels].tolist()]) from None
            result: list[int] = slots[indices].tolist()
            return result
        keys, after = self._keys, self._after
        waiting = {slot: len(self._before[slot]) for slot in self._slot.values()}
        level = sorted((slot for slot, k in waiting.items() if k == 0), key=keys.__getitem__)
        order: list[int] = []
        while level:
            order.extend(level)
            ready: list[int] = []
            for slot in level:
                for dependent in after[slot]:
                    waiting[dependent] -= 1
                    if waiting[dependent] == 0:
                        ready.append(dependent)
            ready.sort(key=keys.__getitem__)
            level = ready
        if len(order) < len(waiting):
            remaining = {slot for slot, k in waiting.items() if k > 0}
            loop = _cycle_among(remaining, self._before, keys)
            raise DependencyCycle([self._ids[slot] for slot in loop])
        return order


def _reach(adjacency: list[set[int]], start: Iterable[int]) -> set[int]:
    found: set[int] = set()
    stack = list(start)
    while stack:
        slot = stack.pop()
        if slot not in found:
            found.add(slot)
            stack.extend(adjacency[slot] - found)
    return found


def _cycle_among(remaining: set[int], before: list[set[int]], keys: list[int]) -> list[int]:
    """A cycle among slots left over by Kahn's algorithm (each has a remaining prerequisite).

    Walk backwards from the smallest id, always to the smallest remaining prerequisite, until
    a slot repeats; the loop is returned in prerequisite-to-dependent direction, starting at
    its smallest id.
    """
    slot = min(remaining, key=keys.__getitem__)
    walk: list[int] = []
    position: dict[int, int] = {}
    while slot not in position:
        position[slot] = len(walk)
        walk.append(slot)
        slot = min((p for p in before[slot] if p in remaining), key=keys.__getitem__)
    loop = walk[position[slot] :]
    loop.reverse()
    first = loop.index(min(loop, key=keys.__getitem__))
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


class LevelledOrder(NamedTuple):
    """A topological order by level, as :func:`levelled_order_indices` returns it.

    Level ``k`` is ``order[bounds[k]:bounds[k + 1]]`` (ascending node index), and
    ``level[i]`` is node ``i``'s level; ``bounds.size - 1`` is the number of levels.
    ``level`` is 16-bit when the levels fit (numpy radix-sorts 16-bit keys), else 64-bit.
    """

    order: IndexArray
    bounds: IndexArray
    level: npt.NDArray[np.signedinteger[Any]]


def _out_edges(n: int, src: IndexArray, dst: IndexArray) -> tuple[IndexArray, IndexArray]:
    """CSR of the edges: node ``i``'s targets are ``targets[indptr[i]:indptr[i + 1]]``."""
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    if src.size < 2 or bool((src[1:] >= src[:-1]).all()):
        # Already grouped by source, as edges listed quest by quest are (a ranking input
        # lists each quest's prerequisites in turn): no sort at all.
        return indptr, dst
    bits = max(n - 1, 1).bit_length()
    if 2 * bits <= 62:
        # One sort of ``src << bits | dst`` (numpy's SIMD sort, no index shuffling), then
        # mask the targets back out: faster than any argsort here.
        targets = np.sort((src << bits) | dst)
        targets &= (1 << bits) - 1
        return indptr, targets
    return indptr, dst[np.argsort(src, kind="stable")]


def _levels(n: int, src: IndexArray, dst: IndexArray) -> LevelledOrder:
    """Level-by-level Kahn. Returns the order, where each level starts and each node's level.

    Each level is one vectorised step: gather the out-edges of the whole frontier from a CSR
    layout, lower the in-degree of their targets, and take those that reached zero as the next
    frontier (sorted, so ties within a level go to the smaller index, and the next level's
    edge runs are read in address order, which is kinder to the cache than any other order).
    """
    indegree = np.bincount(dst, minlength=n)
    indptr, targets = _out_edges(n, src, dst)
    out_degree = np.diff(indptr)
    order = np.empty(n, dtype=np.int64)
    bounds = [0]
    filled = 0
    frontier = np.flatnonzero(indegree == 0)
    while frontier.size:
        order[filled : filled + frontier.size] = frontier
        filled += frontier.size
        bounds.append(filled)
        counts = out_degree[frontier]
        run_offsets = np.cumsum(counts)
        total = int(run_offsets[-1])
        if total == 0:
            break
        run_offsets -= counts
        # Edge positions of the whole frontier: each run starts[i] .. starts[i] + counts[i].
        positions = np.repeat(indptr[frontier] - run_offsets, counts)
        positions += np.arange(total, dtype=np.int64)
        touched = targets[positions]
        np.subtract.at(indegree, touched, 1)
        # A quest reached by several edges of this level shows up more than once: sort and
        # drop repeats (np.unique hashes first, which is slower than a plain sort here).
        ready = touched[indegree[touched] == 0]
        ready.sort()
        if ready.size > 1:
            ready = ready[np.concatenate(([True], ready[1:] != ready[:-1]))]
        frontier = ready
    if filled < n:
        raise DependencyCycle(_index_cycle(n, src, dst, indegree > 0))
    depth = len(bounds) - 1
    # 16-bit levels when they fit: numpy radix-sorts them (callers group edges by level).
    level_type: type[np.signedinteger[Any]] = (
        np.int16 if depth <= np.iinfo(np.int16).max else np.int64
    )
    level: npt.NDArray[np.signedinteger[Any]] = np.empty(n, dtype=level_type)
    level[order] = np.repeat(np.arange(depth, dtype=level_type), np.diff(bounds))
    return LevelledOrder(order, np.asarray(bounds, dtype=np.int64), level)


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


def levelled_order_indices(n: int, src: npt.ArrayLike, dst: npt.ArrayLike) -> LevelledOrder:
    """Like :func:`topological_order_indices`, plus where each level starts and each node's
    level (see :class:`LevelledOrder`).

    Raises:
        DependencyCycle: the edges contain a cycle.
        ValueError: ``src``/``dst`` differ in length or hold indices outside ``0..n-1``.
    """
    s, d = _as_edges(n, src, dst)
    return _levels(n, s, d)


def topological_levels_indices(
    n: int, src: npt.ArrayLike, dst: npt.ArrayLike
) -> tuple[IndexArray, IndexArray]:
    """Like :func:`topological_order_indices`, plus where each level starts.

    Returns ``(order, bounds)``: level ``k`` is ``order[bounds[k]:bounds[k + 1]]``, and
    ``bounds.size - 1`` is the number of levels (the longest chain's length in nodes).

    Raises:
        DependencyCycle: the edges contain a cycle.
        ValueError: ``src``/``dst`` differ in length or hold indices outside ``0..n-1``.
    """
    levels = levelled_order_indices(n, src, dst)
    return levels.order, levels.bounds


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
    return _levels(n, s, d).order


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
    order, bounds, level = _levels(n, s, d)
    # Edges grouped by their source's level (stable: input order within a level; a radix
    # sort when levels are 16-bit): level k's edges push level k's final totals.
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
