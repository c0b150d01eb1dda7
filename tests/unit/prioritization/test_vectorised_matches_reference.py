"""The vectorised policies agree with one-quest-at-a-time reference code on random inputs."""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from questlog_core.prioritization import (
    QUESTLOG_DEFAULT,
    TASKWARRIOR,
    DeadlineSlackPolicy,
    DependencyValuePolicy,
    RankingInput,
    UrgencyPolicy,
    UrgencyWeights,
    remaining_minutes,
)
from questlog_core.prioritization.graph import propagate_deadlines
from questlog_core.prioritization.ranking import best_first
from questlog_core.prioritization.urgency import PLAN_FACTORS, URGENCY_FACTORS

from .reference import inherited_value, latest_start, planned_scores, urgency_of

NOW = 1_800_000_000.0
DAY = 86400.0
TAGS = ["next", "home", "work", "bills", "fun"]
CATEGORIES = [None, "work", "work.reports", "home"]


def random_input(seed: int, n: int) -> RankingInput:
    rng = np.random.default_rng(seed)

    def maybe(values: np.ndarray, p: float) -> np.ndarray:
        return np.where(rng.random(n) < p, values, np.nan)

    # Edges only from lower to higher index: always a DAG.
    m = int(rng.integers(0, 3 * n + 1))
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = a < b
    pairs = sorted(set(zip(a[keep].tolist(), b[keep].tolist(), strict=True)))
    return RankingInput.from_columns(
        [f"q{i}" for i in range(n)],
        due=maybe(NOW + rng.uniform(-40, 40, n) * DAY, 0.6),
        created=maybe(NOW - rng.uniform(-2, 800, n) * DAY, 0.9),
        scheduled=maybe(NOW + rng.uniform(-5, 5, n) * DAY, 0.2),
        wait_until=maybe(NOW + rng.uniform(-5, 5, n) * DAY, 0.2),
        started=maybe(NOW - rng.uniform(0, 5, n) * DAY, 0.2),
        priority=rng.integers(0, 5, n),
        difficulty=rng.integers(0, 5, n),
        estimate_minutes=maybe(rng.uniform(5, 600, n), 0.5),
        progress=rng.choice([0.0, 0.25, 0.5], n),
        annotation_count=rng.integers(0, 5, n),
        tags=[list(rng.choice(TAGS, int(rng.integers(0, 4)), replace=False)) for _ in range(n)],
        categories=[CATEGORIES[int(c)] for c in rng.integers(0, len(CATEGORIES), n)],
        edges=pairs,
    )


WEIGHTS = [
    TASKWARRIOR,
    QUESTLOG_DEFAULT,
    UrgencyWeights(
        tag_weights=MappingProxyType({"work": 2.5, "fun": -1.0}),
        category_weights=MappingProxyType({"work": 3.0, "home": -0.5}),
        estimate=2.0,
    ),
]


@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), profile=st.sampled_from(range(3)))
def test_urgency_equals_the_reference(seed: int, n: int, profile: int) -> None:
    data = random_input(seed, n)
    weights = WEIGHTS[profile]
    ranking = UrgencyPolicy(weights, plan=False).rank(data, NOW)
    expected = [urgency_of(data, i, NOW, weights) for i in range(n)]
    np.testing.assert_allclose(ranking.scores, expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ranking.contributions.sum(axis=1), ranking.scores)
    assert ranking.factors == URGENCY_FACTORS


@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), profile=st.sampled_from(range(3)))
def test_planned_urgency_equals_the_reference(seed: int, n: int, profile: int) -> None:
    data = random_input(seed, n)
    weights = WEIGHTS[profile]
    ranking = UrgencyPolicy(weights).rank(data, NOW)
    expected, _ = planned_scores(data, NOW, weights)
    np.testing.assert_allclose(ranking.scores, expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ranking.contributions.sum(axis=1), ranking.scores)
    assert ranking.factors == (*URGENCY_FACTORS, *PLAN_FACTORS)


@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), profile=st.sampled_from(range(3)))
def test_no_quest_ranks_above_its_own_open_prerequisite(seed: int, n: int, profile: int) -> None:
    data = random_input(seed, n)
    ranking = UrgencyPolicy(WEIGHTS[profile]).rank(data, NOW)
    ranks = ranking.ranks()
    assert (ranks[data.src] < ranks[data.dst]).all()
    # Whatever can be acted on now comes before whatever can't.
    on_hold = (data.prerequisite_count() > 0) | (data.wait_until > NOW) | (data.scheduled > NOW)
    if on_hold.any() and (~on_hold).any():
        assert ranks[~on_hold].max() < ranks[on_hold].min()
    # Inheritance only ever adds, and the own score is what the quest would score alone.
    inherited = ranking.contributions[:, ranking.factors.index("inherited")]
    assert (inherited >= 0).all()
    alone = UrgencyPolicy(WEIGHTS[profile]).rank(
        RankingInput(**{f: getattr(data, f) for f in _FIELDS if f not in ("src", "dst")},
                     src=data.src[:0], dst=data.dst[:0]),
        NOW,
    )  # fmt: skip
    np.testing.assert_allclose(ranking.own_scores(), alone.own_scores(), atol=1e-9)


_FIELDS = [f for f in RankingInput.__dataclass_fields__ if f != "_cache"]


@given(seed=st.integers(0, 10_000), n=st.integers(1, 60))
def test_dependency_value_equals_the_reference(seed: int, n: int) -> None:
    data = random_input(seed, n)
    policy = DependencyValuePolicy(decay=0.7)
    ranking = policy.rank(data, NOW)
    own = ranking.contributions[:, :-1].sum(axis=1)
    expected = inherited_value(data, [max(v, 0.0) for v in own.tolist()], 0.7)
    np.testing.assert_allclose(ranking.contributions[:, -1], expected, rtol=1e-9, atol=1e-9)


@given(seed=st.integers(0, 10_000), n=st.integers(1, 60))
def test_latest_start_equals_the_reference(seed: int, n: int) -> None:
    data = random_input(seed, n)
    work = remaining_minutes(data) * 60.0
    start, deadline = propagate_deadlines(data, data.due, work)
    expected = latest_start(data, work.tolist())
    np.testing.assert_allclose(start, expected, rtol=1e-12)
    # The binding deadline is one that really constrains the quest.
    for i in range(n):
        if math.isfinite(expected[i]):
            assert deadline[i] - start[i] >= work[i] - 1e-6


@pytest.mark.parametrize("seed", range(5))
def test_slack_ranking_is_least_slack_first(seed: int) -> None:
    data = random_input(seed, 200)
    ranking = DeadlineSlackPolicy(horizon_days=10_000).rank(data, NOW)
    work = remaining_minutes(data) * 60.0 * 6.0  # 4 focus hours a day
    start = np.array(latest_start(data, work.tolist()))
    reached = np.isfinite(start)
    np.testing.assert_allclose(ranking.scores[reached], -(start[reached] - NOW) / DAY)


@given(
    scores=st.lists(
        st.sampled_from([0.0, -0.0, 1.5, -2.0, 1e300, math.inf, -math.inf, math.nan])
        | st.floats(allow_nan=True, allow_infinity=True),
        max_size=80,
    )
)
def test_best_first_is_a_stable_descending_sort(scores: list[float]) -> None:
    # Ties (±0 included) keep input order and NaN goes last, as a stable sort of -score does.
    array = np.asarray(scores, dtype=np.float64)
    expected = np.argsort(-array, kind="stable")
    np.testing.assert_array_equal(best_first(array), expected)
