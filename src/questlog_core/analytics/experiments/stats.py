"""Confidence intervals for an experiment's summary, with the standard library only.

``z`` is the two-sided standard normal quantile of the confidence level
(``NormalDist().inv_cdf(1 - (1 - level) / 2)``, 1.959964 for 95 %).

* A rate ``x / n`` — Wilson score interval (Wilson 1927)::

      p = x / n
      centre = (p + z²/2n) / (1 + z²/n)
      half   = z / (1 + z²/n) * sqrt(p(1 - p)/n + z²/4n²)

* A difference of two rates ``p1 - p2`` — Newcombe's hybrid score interval (Newcombe 1998,
  method 10), built from each rate's Wilson interval ``(l1, u1)``, ``(l2, u2)``::

      low  = (p1 - p2) - sqrt((p1 - l1)² + (u2 - p2)²)
      high = (p1 - p2) + sqrt((u1 - p1)² + (p2 - l2)²)

* A mean of ``n`` values with sum ``S`` and sum of squares ``Q`` — normal approximation::

      m = S / n,  s² = (Q - n m²) / (n - 1),  m ± z s / sqrt(n)

* A difference of two means — normal approximation with unpooled variances (Welch)::

      (m1 - m2) ± z sqrt(s1²/n1 + s2²/n2)

Each returns ``None`` when the data cannot give an interval (no users; fewer than two for a
mean).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import msgspec

__all__ = [
    "DEFAULT_LEVEL",
    "Interval",
    "mean_difference_interval",
    "mean_interval",
    "rate_difference_interval",
    "wilson_interval",
    "z_for",
]

#: the confidence level of the intervals the summary reports
DEFAULT_LEVEL = 0.95


class Interval(msgspec.Struct, frozen=True):
    """A point estimate and its confidence interval ``[low, high]``."""

    estimate: float
    low: float
    high: float


def z_for(level: float) -> float:
    """The two-sided standard normal quantile for a confidence ``level`` in (0, 1)."""
    if not 0.0 < level < 1.0:
        raise ValueError("level must be between 0 and 1")
    return NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)


def wilson_interval(successes: int, n: int, level: float = DEFAULT_LEVEL) -> Interval | None:
    """The rate ``successes / n`` with its Wilson score interval (``None`` when ``n == 0``)."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    z = z_for(level)
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def rate_difference_interval(
    successes: int, n: int, base_successes: int, base_n: int, level: float = DEFAULT_LEVEL
) -> Interval | None:
    """``successes/n - base_successes/base_n`` with Newcombe's hybrid score interval."""
    one = wilson_interval(successes, n, level)
    two = wilson_interval(base_successes, base_n, level)
    if one is None or two is None:
        return None
    d = one.estimate - two.estimate
    low = d - math.hypot(one.estimate - one.low, two.high - two.estimate)
    high = d + math.hypot(one.high - one.estimate, two.estimate - two.low)
    return Interval(d, low, high)


def _mean_and_variance(total: float, squares: float, n: int) -> tuple[float, float]:
    mean = total / n
    variance = max(0.0, (squares - n * mean * mean) / (n - 1))
    return mean, variance


def mean_interval(
    total: float, squares: float, n: int, level: float = DEFAULT_LEVEL
) -> Interval | None:
    """The mean of ``n`` values (their sum ``total``, sum of squares ``squares``) with its
    normal-approximation interval (``None`` for fewer than two values)."""
    if n < 2:
        return None
    mean, variance = _mean_and_variance(total, squares, n)
    half = z_for(level) * math.sqrt(variance / n)
    return Interval(mean, mean - half, mean + half)


def mean_difference_interval(
    total: float,
    squares: float,
    n: int,
    base_total: float,
    base_squares: float,
    base_n: int,
    level: float = DEFAULT_LEVEL,
) -> Interval | None:
    """The difference of two means with its unpooled normal-approximation interval."""
    if n < 2 or base_n < 2:
        return None
    m1, v1 = _mean_and_variance(total, squares, n)
    m2, v2 = _mean_and_variance(base_total, base_squares, base_n)
    half = z_for(level) * math.sqrt(v1 / n + v2 / base_n)
    return Interval(m1 - m2, m1 - m2 - half, m1 - m2 + half)
