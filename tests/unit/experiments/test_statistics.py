"""The summary's intervals against published values (Newcombe 1998, Statistics in Medicine 17)."""

from __future__ import annotations

import math

import pytest

from questlog_core.analytics.experiments.stats import (
    mean_difference_interval,
    mean_interval,
    rate_difference_interval,
    wilson_interval,
    z_for,
)


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        # Newcombe (1998a), Table II, method 3 (Wilson score without continuity correction)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_the_published_values(
    x: int, n: int, low: float, high: float
) -> None:
    interval = wilson_interval(x, n)
    assert interval is not None
    assert interval.estimate == pytest.approx(x / n)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        # Newcombe (1998b), Table II, method 10 (hybrid score)
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
    ],
)
def test_newcombe_difference_matches_the_published_values(
    x1: int, n1: int, x2: int, n2: int, low: float, high: float
) -> None:
    interval = rate_difference_interval(x1, n1, x2, n2)
    assert interval is not None
    assert interval.estimate == pytest.approx(x1 / n1 - x2 / n2)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def test_no_users_give_no_interval() -> None:
    assert wilson_interval(0, 0) is None
    assert rate_difference_interval(1, 2, 0, 0) is None
    assert mean_interval(3, 9, 1) is None
    assert mean_difference_interval(3, 5, 2, 3, 5, 1) is None


def test_z_is_the_normal_quantile() -> None:
    assert z_for(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_for(0.99) == pytest.approx(2.575829, abs=1e-6)


def test_mean_interval_is_the_normal_approximation() -> None:
    values = [0, 1, 1, 2, 3, 0, 5, 1]
    n = len(values)
    interval = mean_interval(sum(values), sum(v * v for v in values), n)
    assert interval is not None
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = 1.959964 * sd / math.sqrt(n)
    assert interval.estimate == pytest.approx(mean)
    assert (interval.low, interval.high) == pytest.approx((mean - half, mean + half), abs=1e-5)


def test_mean_difference_uses_unpooled_variances() -> None:
    a = [2, 3, 4, 5, 6]
    b = [1, 1, 2, 2]
    interval = mean_difference_interval(
        sum(a), sum(v * v for v in a), len(a), sum(b), sum(v * v for v in b), len(b)
    )
    assert interval is not None
    # by hand: means 4 and 1.5, variances 2.5 and 1/3
    half = 1.959964 * math.sqrt(2.5 / 5 + (1 / 3) / 4)
    assert interval.estimate == pytest.approx(2.5)
    assert (interval.low, interval.high) == pytest.approx((2.5 - half, 2.5 + half), abs=1e-5)
