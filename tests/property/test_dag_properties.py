"""Properties of the dependency graph that must hold for every graph, not just examples."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock
from uuid import UUID

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from questlog_core.errors import DependencyCycle
from questlog_core.ids import QuestId
from questlog_core.quests import dependencies
from questlog_core.quests.dependencies import (
    DependencyGraph,
    critical_path_indices,
    levelled_order_indices,
    topological_order_indices,
)

MAX_NODES = 9


def q(n: int) -> QuestId:
    # Spread over all 128 bits so that ordering by id exercises both 64-bit halves.
    return QuestId(UUID(int=(n * 0x9E3779B97F4A7C15F39CC0605CEDC835) % (1 << 128)))


Edge = tuple[QuestId, QuestId]

any_edges = st.lists(
    st.tuples(st.integers(0, MAX_NODES - 1), st.integers(0, MAX_NODES - 1)), max_size=30
)


@st.composite
def dags(draw: st.DrawFn, max_nodes: int = MAX_NODES) -> list[Edge]:
    """Random DAGs: edges go from lower to higher position in a random permutation."""
    n = draw(st.integers(2, max_nodes))
    ranked = draw(st.permutations(range(n)))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=25))
    return [(q(ranked[min(a, b)]), q(ranked[max(a, b)])) for a, b in pairs if a != b]


@contextmanager
def numpy_everywhere() -> Iterator[None]:
    """Force the large-graph (numpy) code path on small graphs."""
    with mock.patch.object(dependencies, "LARGE_GRAPH_NODES", 0):
        yield


def reachable(edges: set[Edge], start: QuestId) -> set[QuestId]:
    found: set[QuestId] = set()
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for p, d in edges:
            if p == node and d not in found:
                found.add(d)
                frontier.append(d)
    return found


def levels(edges: set[Edge]) -> dict[QuestId, int]:
    """Longest chain of prerequisites per quest, by brute force."""
    nodes = {n for e in edges for n in e}
    level = dict.fromkeys(nodes, 0)
    for _ in nodes:
        for p, d in edges:
            level[d] = max(level[d], level[p] + 1)
    return level


def respects(order: list[QuestId], edges: set[Edge]) -> bool:
    position = {quest: i for i, quest in enumerate(order)}
    return len(position) == len(order) and all(position[p] < position[d] for p, d in edges)


def refusal(action: Callable[[], object]) -> DependencyCycle | None:
    """Run ``action``; the cycle it was refused with, or None when it was accepted."""
    try:
        action()
    except DependencyCycle as refused:
        return refused
    return None


def as_indices(edges: set[Edge]) -> tuple[list[QuestId], list[int], list[int]]:
    nodes = sorted({n for e in edges for n in e}, key=lambda n: n.int)
    index = {quest: i for i, quest in enumerate(nodes)}
    return nodes, [index[p] for p, _ in edges], [index[d] for _, d in edges]


@given(any_edges)
def test_no_sequence_of_additions_leaves_a_cycle(pairs: list[tuple[int, int]]) -> None:
    graph = DependencyGraph()
    accepted: set[Edge] = set()
    for a, b in pairs:
        prerequisite, dependent = q(a), q(b)
        try:
            graph.add(prerequisite, dependent)
        except DependencyCycle as refused:
            cycle = refused.cycle
            closing = (prerequisite, dependent)
            steps = list(itertools.pairwise(cycle))
            # A real cycle in graph + edge, through the refused edge, read dependent-first.
            assert cycle[0] == cycle[-1] == dependent
            assert closing in steps
            assert all(step in accepted or step == closing for step in steps)
            assert set(graph.edges()) == accepted  # refused edges leave no trace
        else:
            accepted.add((prerequisite, dependent))
    assert set(graph.edges()) == accepted
    assert all(node not in reachable(accepted, node) for node in graph.nodes())
    assert respects(graph.topological_order(), accepted)


@given(any_edges)
def test_bulk_construction_accepts_exactly_the_acyclic_edge_sets(
    pairs: list[tuple[int, int]],
) -> None:
    edges = {(q(a), q(b)) for a, b in pairs}
    cyclic = any(p == d or p in reachable(edges, d) for p, d in edges)

    def build_forced() -> None:
        with numpy_everywhere():
            DependencyGraph(edges)

    for refused in (refusal(lambda: DependencyGraph(edges)), refusal(build_forced)):
        assert (refused is not None) == cyclic
        if refused is not None:
            steps = list(itertools.pairwise(refused.cycle))
            assert refused.cycle[0] == refused.cycle[-1]
            assert steps
            assert all(step in edges for step in steps)


@given(dags())
def test_topological_order_is_by_level_then_id_in_both_versions(edges: list[Edge]) -> None:
    edge_set = set(edges)
    graph = DependencyGraph(edges)
    level = levels(edge_set)
    expected = sorted(level, key=lambda n: (level[n], n.int))

    order = graph.topological_order()
    with numpy_everywhere():
        graph._order = None
        numpy_order = graph.topological_order()
    nodes, src, dst = as_indices(edge_set)
    indices = topological_order_indices(len(nodes), src, dst)

    assert respects(order, edge_set)
    assert order == expected
    assert numpy_order == expected
    assert [nodes[i] for i in indices.tolist()] == expected


@given(st.integers(1, 12), st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11))))
def test_numpy_order_is_valid_exactly_when_the_graph_is_acyclic(
    n: int, pairs: list[tuple[int, int]]
) -> None:
    src = [a % n for a, _ in pairs]
    dst = [b % n for _, b in pairs]
    edges = {(q(a), q(b)) for a, b in zip(src, dst, strict=True)}
    cyclic = any(p == d or p in reachable(edges, d) for p, d in edges)
    order = np.empty(0, dtype=np.int64)

    def sort() -> None:
        nonlocal order
        order = topological_order_indices(n, src, dst)

    refused = refusal(sort)
    assert (refused is not None) == cyclic
    if refused is not None:
        steps = list(itertools.pairwise(refused.cycle))
        assert all((q(a), q(b)) in edges for a, b in steps), "the cycle must use real edges"
    else:
        assert sorted(order.tolist()) == list(range(n))
        assert respects([q(i) for i in order.tolist()], edges)


@given(dags(), st.sets(st.integers(0, MAX_NODES - 1)))
def test_blocked_iff_some_prerequisite_is_unfinished(
    edges: list[Edge], finished_numbers: set[int]
) -> None:
    graph = DependencyGraph(edges)
    finished = {q(n) for n in finished_numbers}
    for quest in map(q, range(MAX_NODES)):
        prerequisites = {p for p, d in edges if d == quest}
        unfinished = sorted(prerequisites - finished, key=lambda n: n.int)
        assert graph.is_blocked(quest, finished) == bool(unfinished)
        assert graph.unfinished_prerequisites(quest, finished) == unfinished
        assert graph.prerequisites(quest) == prerequisites


def all_paths(edges: set[Edge]) -> Iterator[list[QuestId]]:
    nodes = {n for e in edges for n in e}
    stack = [[n] for n in nodes]
    while stack:
        path = stack.pop()
        yield path
        stack.extend([*path, d] for p, d in edges if p == path[-1])


@given(dags(max_nodes=7), st.lists(st.integers(0, 50), min_size=7, max_size=7))
def test_critical_path_is_the_heaviest_path(edges: list[Edge], estimates: list[int]) -> None:
    edge_set = set(edges)
    weight = {q(i): float(w) for i, w in enumerate(estimates)}
    graph = DependencyGraph(edges)

    path, total = graph.critical_path(weight)
    with numpy_everywhere():
        numpy_path, numpy_total = graph.critical_path(weight)
    nodes, src, dst = as_indices(edge_set)
    indices, index_total = critical_path_indices(
        len(nodes), src, dst, np.array([weight[n] for n in nodes])
    )

    best = max((sum(weight[n] for n in p) for p in all_paths(edge_set)), default=0.0)
    assert total == best
    assert sum(weight[n] for n in path) == total
    assert all(step in edge_set for step in itertools.pairwise(path))
    assert (numpy_path, numpy_total) == (path, total)
    assert ([nodes[i] for i in indices.tolist()], index_total) == (path, total)


@given(dags(), st.sets(st.integers(0, MAX_NODES - 1)), st.integers(0, MAX_NODES - 1))
def test_longest_finished_chain_matches_brute_force(
    edges: list[Edge], finished_numbers: set[int], end: int
) -> None:
    finished = {q(n) for n in finished_numbers}
    edge_set = set(edges)
    chains = [
        p for p in all_paths(edge_set) if p[-1] == q(end) and all(n in finished for n in p[:-1])
    ]
    expected = max((len(p) for p in chains), default=1)

    assert DependencyGraph(edges).longest_finished_chain(q(end), finished) == expected


class GraphEdits(RuleBasedStateMachine):
    """Adds, removals and deletions in any order keep the graph equal to a simple model."""

    quests = Bundle("quests")

    def __init__(self) -> None:
        super().__init__()
        self.graph = DependencyGraph()
        self.model: set[Edge] = set()

    @rule(target=quests, number=st.integers(0, 30))
    def new_quest(self, number: int) -> QuestId:
        return q(number)

    @rule(prerequisite=quests, dependent=quests)
    def add(self, prerequisite: QuestId, dependent: QuestId) -> None:
        closes_cycle = prerequisite == dependent or prerequisite in reachable(self.model, dependent)
        refused = refusal(lambda: self.graph.add(prerequisite, dependent))
        assert (refused is not None) == closes_cycle
        if refused is not None:
            assert refused.cycle[0] == refused.cycle[-1] == dependent
        else:
            self.model.add((prerequisite, dependent))

    @rule(prerequisite=quests, dependent=quests)
    def remove(self, prerequisite: QuestId, dependent: QuestId) -> None:
        existed = (prerequisite, dependent) in self.model
        assert self.graph.remove(prerequisite, dependent) == existed
        self.model.discard((prerequisite, dependent))

    @rule(quest=quests)
    def discard(self, quest: QuestId) -> None:
        self.graph.discard_node(quest)
        self.model = {e for e in self.model if quest not in e}

    @invariant()
    def matches_the_model(self) -> None:
        assert set(self.graph.edges()) == self.model
        assert self.graph.nodes() == {n for e in self.model for n in e}

    @invariant()
    def incremental_ranks_stay_topological(self) -> None:
        # The cycle check prunes its search by these ranks: a wrong rank would miss a cycle.
        graph = self.graph
        assert all(
            graph._rank[p] < graph._rank[d] for p in graph._slot.values() for d in graph._after[p]
        )

    @invariant()
    def order_respects_every_edge(self) -> None:
        assert respects(self.graph.topological_order(), self.model)

    @invariant()
    def closure_matches_the_model(self) -> None:
        for node in self.graph.nodes():
            assert self.graph.descendants(node) == reachable(self.model, node)
            reversed_model = {(d, p) for p, d in self.model}
            assert self.graph.ancestors(node) == reachable(reversed_model, node)


TestGraphEdits = GraphEdits.TestCase


@given(st.integers(1, 12), st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11))))
def test_numpy_levels_are_longest_chains_and_order_goes_by_level_then_index(
    n: int, pairs: list[tuple[int, int]]
) -> None:
    # Acyclic by construction (lower -> higher index); repeated edges are kept.
    edges = [(min(a, b) % n, max(a, b) % n) for a, b in pairs]
    edges = [(a, b) for a, b in edges if a < b]
    src = [a for a, _ in edges]
    dst = [b for _, b in edges]

    order, bounds, level = levelled_order_indices(n, src, dst)

    chain = [0] * n  # prerequisites on the longest chain into each node
    for a, b in sorted(edges, key=lambda edge: edge[1]):
        chain[b] = max(chain[b], chain[a] + 1)
    assert level.tolist() == chain
    assert order.tolist() == sorted(range(n), key=lambda i: (chain[i], i))
    assert np.diff(bounds).tolist() == [chain.count(k) for k in range(max(chain) + 1)]
    # Edges already grouped by prerequisite take a path without the sort: same answer.
    by_source = sorted(edges)
    grouped = levelled_order_indices(n, [a for a, _ in by_source], [b for _, b in by_source])
    assert grouped.order.tolist() == order.tolist()
    assert grouped.level.tolist() == chain
