"""The dependency graph as a player sees it: what waits on what, and what is refused."""

from __future__ import annotations

from uuid import UUID

import numpy as np
import pytest

from questlog_core.errors import DependencyCycle, ValidationFailed
from questlog_core.ids import QuestId
from questlog_core.quests.dependencies import (
    LARGE_GRAPH_NODES,
    DependencyGraph,
    critical_path_indices,
    levelled_order_indices,
    topological_levels_indices,
    topological_order_indices,
)


def q(n: int) -> QuestId:
    return QuestId(UUID(int=n))


# A small project: buy paint (1) and sand walls (2) before painting (3); paint before hanging
# pictures (4); sanding also before cleaning up (5).
PROJECT = [(q(1), q(3)), (q(2), q(3)), (q(3), q(4)), (q(2), q(5))]


def test_prerequisites_and_dependents_are_direct() -> None:
    graph = DependencyGraph(PROJECT)

    assert graph.prerequisites(q(3)) == {q(1), q(2)}
    assert graph.dependents(q(2)) == {q(3), q(5)}
    assert graph.prerequisites(q(1)) == set()
    assert graph.dependents(q(99)) == set()


def test_transitive_closure_both_ways() -> None:
    graph = DependencyGraph(PROJECT)

    assert graph.ancestors(q(4)) == {q(1), q(2), q(3)}
    assert graph.descendants(q(2)) == {q(3), q(4), q(5)}
    assert graph.ancestors(q(1)) == set()


def test_edge_closing_a_cycle_is_refused_with_the_cycle_path() -> None:
    graph = DependencyGraph(PROJECT)

    with pytest.raises(DependencyCycle) as refused:
        graph.add(q(4), q(1))  # hanging pictures before buying paint: 1 -> 3 -> 4 -> 1

    assert refused.value.cycle == [q(1), q(3), q(4), q(1)]
    assert str(refused.value) == (
        f"dependency would create a cycle: {q(1)} -> {q(3)} -> {q(4)} -> {q(1)}"
    )
    assert refused.value.as_dict()["cycle"] == [str(q(1)), str(q(3)), str(q(4)), str(q(1))]
    assert (q(4), q(1)) not in graph.edges()  # nothing half-applied


def test_a_quest_cannot_wait_on_itself() -> None:
    with pytest.raises(DependencyCycle) as refused:
        DependencyGraph().add(q(1), q(1))

    assert refused.value.cycle == [q(1), q(1)]


def test_building_from_cyclic_edges_is_refused() -> None:
    with pytest.raises(DependencyCycle) as refused:
        DependencyGraph([(q(1), q(2)), (q(2), q(3)), (q(3), q(1)), (q(3), q(4))])

    assert refused.value.cycle == [q(1), q(2), q(3), q(1)]


def test_adding_twice_is_a_no_op_and_removal_reports_whether_it_happened() -> None:
    graph = DependencyGraph(PROJECT)
    graph.add(q(1), q(3))

    assert graph.edges().count((q(1), q(3))) == 1
    assert graph.remove(q(1), q(3)) is True
    assert graph.remove(q(1), q(3)) is False
    assert q(1) not in graph.nodes()  # quest 1 took part in no other dependency


def test_removing_an_edge_allows_the_reverse_edge() -> None:
    graph = DependencyGraph([(q(1), q(2))])
    graph.remove(q(1), q(2))

    graph.add(q(2), q(1))

    assert graph.edges() == [(q(2), q(1))]


def test_discarding_a_quest_drops_its_edges() -> None:
    graph = DependencyGraph(PROJECT)

    graph.discard_node(q(3))

    assert graph.edges() == [(q(2), q(5))]
    assert graph.nodes() == {q(2), q(5)}
    graph.discard_node(q(42))  # unknown quest: nothing to do


def test_blocked_while_a_prerequisite_is_unfinished() -> None:
    graph = DependencyGraph(PROJECT)

    assert graph.is_blocked(q(3), finished={q(1)})
    assert graph.unfinished_prerequisites(q(3), finished={q(1)}) == [q(2)]
    assert graph.unfinished_prerequisites(q(3), finished=set()) == [q(1), q(2)]
    assert not graph.is_blocked(q(3), finished={q(1), q(2)})
    assert not graph.is_blocked(q(1), finished=set())


def test_topological_order_goes_level_by_level_then_by_id() -> None:
    graph = DependencyGraph(PROJECT)

    assert graph.topological_order() == [q(1), q(2), q(3), q(5), q(4)]


def test_topological_order_does_not_depend_on_insertion_order() -> None:
    forwards = DependencyGraph()
    for edge in PROJECT:
        forwards.add(*edge)
    backwards = DependencyGraph()
    for edge in reversed(PROJECT):
        backwards.add(*edge)

    assert forwards.topological_order() == backwards.topological_order()
    assert forwards.topological_order() == DependencyGraph(PROJECT).topological_order()


def test_incremental_adds_that_need_reordering_keep_a_valid_order() -> None:
    graph = DependencyGraph()
    graph.add(q(1), q(2))
    graph.add(q(3), q(4))
    graph.add(q(4), q(1))  # 3 -> 4 -> 1 -> 2: the ranks of 3 and 4 must move before 1

    with pytest.raises(DependencyCycle) as refused:
        graph.add(q(2), q(3))

    assert refused.value.cycle == [q(3), q(4), q(1), q(2), q(3)]
    assert graph.topological_order() == [q(3), q(4), q(1), q(2)]


def test_critical_path_follows_the_heaviest_chain() -> None:
    graph = DependencyGraph(PROJECT)
    estimates = {q(1): 30.0, q(2): 60.0, q(3): 120.0, q(4): 15.0, q(5): 200.0}

    path, total = graph.critical_path(estimates)

    assert path == [q(2), q(5)]
    assert total == 260.0


def test_critical_path_counts_missing_estimates_as_zero() -> None:
    graph = DependencyGraph(PROJECT)

    path, total = graph.critical_path({q(1): 30.0, q(4): 15.0})

    assert path == [q(1), q(3), q(4)]
    assert total == 45.0
    assert DependencyGraph().critical_path({}) == ([], 0.0)


def test_critical_path_refuses_negative_estimates() -> None:
    with pytest.raises(ValidationFailed):
        DependencyGraph(PROJECT).critical_path({q(1): -5.0})


def test_longest_finished_chain_counts_the_quest_itself() -> None:
    graph = DependencyGraph(PROJECT)

    assert graph.longest_finished_chain(q(4), finished=set()) == 1
    assert graph.longest_finished_chain(q(4), finished={q(3)}) == 2
    assert graph.longest_finished_chain(q(4), finished={q(1), q(3)}) == 3
    assert graph.longest_finished_chain(q(4), finished={q(1)}) == 1  # the chain broke at 3
    assert graph.longest_finished_chain(q(99), finished=set()) == 1


def test_numpy_order_matches_the_graph_order() -> None:
    graph = DependencyGraph(PROJECT)
    nodes = sorted(graph.nodes(), key=lambda n: n.int)
    index = {quest: i for i, quest in enumerate(nodes)}
    src = [index[p] for p, _ in graph.edges()]
    dst = [index[d] for _, d in graph.edges()]

    order = topological_order_indices(len(nodes), src, dst)

    assert [nodes[i] for i in order.tolist()] == graph.topological_order()


def test_numpy_levels_say_where_each_level_starts_and_each_quests_level() -> None:
    # 3 -> 1 -> 0 and 3 -> 2, with a repeated edge; 4 stands alone.
    src, dst = [3, 1, 3, 1], [1, 0, 2, 0]

    order, bounds, level = levelled_order_indices(5, src, dst)

    assert order.tolist() == [3, 4, 1, 2, 0]
    assert bounds.tolist() == [0, 2, 4, 5]
    assert level.tolist() == [2, 1, 1, 0, 0]
    same_order, same_bounds = topological_levels_indices(5, src, dst)
    assert same_order.tolist() == order.tolist()
    assert same_bounds.tolist() == bounds.tolist()


def test_numpy_order_reports_a_cycle_among_the_leftovers() -> None:
    # 0 -> 1 -> 2 -> 3 -> 1 and 3 -> 4: 4 is stuck behind the cycle but is not part of it.
    with pytest.raises(DependencyCycle) as refused:
        topological_order_indices(5, [0, 1, 2, 3, 3], [1, 2, 3, 1, 4])

    assert refused.value.cycle == [1, 2, 3, 1]


def test_numpy_order_rejects_out_of_range_nodes() -> None:
    with pytest.raises(ValueError, match="endpoints"):
        topological_order_indices(2, [0], [2])


def test_numpy_critical_path() -> None:
    path, total = critical_path_indices(4, [0, 1, 0], [1, 2, 3], [1.0, 2.0, 3.0, 10.0])

    assert path.tolist() == [0, 3]
    assert total == 11.0
    empty_path, empty_total = critical_path_indices(0, [], [], np.empty(0))
    assert empty_path.size == 0
    assert empty_total == 0.0


def test_large_graphs_take_the_numpy_path_and_agree_with_a_small_one() -> None:
    # A chain longer than the threshold, plus a side branch at every tenth quest.
    size = LARGE_GRAPH_NODES + 500
    edges = [(q(i), q(i + 1)) for i in range(size - 1)]
    edges += [(q(i), q(size + i)) for i in range(0, size, 10)]
    graph = DependencyGraph(edges)
    position = {quest: i for i, quest in enumerate(graph.topological_order())}

    assert len(position) == len(graph.nodes())
    assert all(position[p] < position[d] for p, d in edges)
    path, total = graph.critical_path(dict.fromkeys(graph.nodes(), 1.0))
    assert path == [q(i) for i in range(size)]
    assert total == float(size)
    with pytest.raises(ValidationFailed):
        graph.critical_path({q(7): float("nan")})

    with pytest.raises(DependencyCycle) as refused:
        DependencyGraph([*edges, (q(size - 1), q(5))])
    assert refused.value.cycle[0] == refused.value.cycle[-1] == q(5)
    assert len(refused.value.cycle) == size - 5 + 1
