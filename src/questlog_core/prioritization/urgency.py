"""The urgency policy: a weighted sum of factors, Taskwarrior-style.

Every factor is a column of a feature matrix ``X`` (N quests × F factors) and the policy is a
weight per column, so a quest's score is ``X[i] @ w`` and its explanation is ``X[i] * w``.
The :data:`TASKWARRIOR` profile reproduces Taskwarrior 2.6's default urgency (its
coefficients, due curve, age cap, count-based tags and annotations, blocking/blocked and
waiting); the checked-in export in ``tests/fixtures/taskwarrior`` proves it to ±0.01.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from questlog_core.prioritization.input import RankingInput
from questlog_core.prioritization.ranking import Ranking, epoch

DAY = 86400.0

#: Factor (column) names of the urgency feature matrix, in order.
URGENCY_FACTORS: tuple[str, ...] = (
    "due",
    "priority",
    "blocking",
    "blocked",
    "active",
    "scheduled",
    "waiting",
    "age",
    "annotations",
    "tags",
    "category",
    "tag weights",
    "category weights",
    "estimate",
)

# Taskwarrior scores 1, 2 and 3+ tags (or annotations) as 0.8, 0.9 and 1.0.
_COUNT_CURVE = np.array([0.0, 0.8, 0.9, 1.0])


@dataclass(frozen=True, slots=True)
class DueCurve:
    """Due proximity in [floor, 1]: ``floor`` when due in ``far_days`` or more, 1.0 when
    ``overdue_days`` or more overdue, linear in between; 0 without a due date."""

    overdue_days: float = 7.0
    far_days: float = 14.0
    floor: float = 0.2
    #: Beyond ``far_days``: ``False`` keeps ``floor`` (Taskwarrior: every date two weeks out
    #: or more weighs the same); ``True`` decays as ``floor × far_days / days left``, so
    #: a date in 15 days still comes before one in 6 weeks.
    tail: bool = False

    def __call__(self, due: NDArray[np.float64], now: float) -> NDArray[np.float64]:
        """Curve value per quest."""
        days_overdue = (now - due) / DAY
        slope = (1.0 - self.floor) / (self.far_days + self.overdue_days)
        mid = (days_overdue + self.far_days) * slope + self.floor
        if self.tail:
            # days_overdue < -far_days here, so the divisor is never 0
            beyond = self.floor * self.far_days / np.maximum(-days_overdue, self.far_days)
        else:
            beyond = np.full_like(days_overdue, self.floor)
        value = np.where(
            days_overdue >= self.overdue_days,
            1.0,
            np.where(days_overdue >= -self.far_days, mid, beyond),
        )
        return np.where(np.isnan(due), 0.0, value)


@dataclass(frozen=True, slots=True)
class UrgencyWeights:
    """Coefficients of the urgency factors. Defaults are Taskwarrior 2.6's.

    ``priority_levels`` maps priority none/low/medium/high/critical to points (multiplied by
    ``priority``); ``tag_weights`` add points per tag a quest carries (Taskwarrior's
    ``urgency.user.tag.next.coefficient`` is ``{"next": 15}``); ``category_weights`` add
    points for a category or any sub-category (``work`` matches ``work.reports``).
    ``estimate`` rewards quick wins: ``estimate / (1 + hours of work left)`` for estimated
    quests (hours left = estimate × (1 − progress)).
    """

    due: float = 12.0
    priority: float = 1.0
    priority_levels: tuple[float, float, float, float, float] = (0.0, 1.8, 3.9, 6.0, 6.0)
    blocking: float = 8.0
    blocked: float = -5.0
    active: float = 4.0
    scheduled: float = 5.0
    waiting: float = -3.0
    age: float = 2.0
    age_max_days: float = 365.0
    annotations: float = 1.0
    tags: float = 1.0
    category: float = 1.0
    estimate: float = 0.0
    tag_weights: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"next": 15.0})
    )
    category_weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    due_curve: DueCurve = field(default_factory=DueCurve)

    def vector(self) -> NDArray[np.float64]:
        """Weights in :data:`URGENCY_FACTORS` order (table-valued factors weigh 1)."""
        return np.array(
            [
                self.due,
                self.priority,
                self.blocking,
                self.blocked,
                self.active,
                self.scheduled,
                self.waiting,
                self.age,
                self.annotations,
                self.tags,
                self.category,
                1.0,
                1.0,
                self.estimate,
            ]
        )


#: Taskwarrior 2.6's default urgency coefficients (``task show urgency``).
TASKWARRIOR = UrgencyWeights()

#: Questlog's default: Taskwarrior's, plus a step for critical priority, a quick-win bonus
#: and a due curve that keeps falling beyond two weeks (see :class:`DueCurve`).
QUESTLOG_DEFAULT = replace(
    TASKWARRIOR,
    priority_levels=(0.0, 1.8, 3.9, 6.0, 9.0),
    estimate=1.0,
    due_curve=DueCurve(tail=True),
)


def urgency_features(
    data: RankingInput,
    now: datetime | float,
    weights: UrgencyWeights = TASKWARRIOR,
    extra_columns: int = 0,
) -> NDArray[np.float64]:
    """The (N, F) feature matrix, columns in :data:`URGENCY_FACTORS` order.

    ``weights`` supplies only the shapes (due curve, priority table, age cap, tag and
    category weights); the coefficients are applied by the caller. ``extra_columns`` zero
    columns are appended for a caller's own factors (saves copying the matrix).
    """
    t = epoch(now)
    n = data.size
    x = np.zeros((n, len(URGENCY_FACTORS) + extra_columns), dtype=np.float64, order="F")
    x[:, 0] = weights.due_curve(data.due, t)
    x[:, 1] = np.asarray(weights.priority_levels, dtype=np.float64)[data.priority]
    x[:, 2] = data.dependent_count() > 0
    x[:, 3] = data.prerequisite_count() > 0
    x[:, 4] = ~np.isnan(data.started)
    x[:, 5] = data.scheduled < t  # NaN compares False: not scheduled
    x[:, 6] = data.wait_until > t
    # Taskwarrior counts whole days (integer division) and treats a missing entry as oldest.
    if weights.age_max_days > 0:
        days = np.trunc((t - data.created) / DAY)
        age = np.where(days > weights.age_max_days, 1.0, days / weights.age_max_days)
        x[:, 7] = np.where(np.isnan(data.created), 1.0, age)
    else:
        x[:, 7] = 1.0
    x[:, 8] = _COUNT_CURVE[np.minimum(data.annotation_count, 3)]
    tag_count = data.tag_count
    x[:, 9] = _COUNT_CURVE[np.minimum(tag_count, 3)]
    x[:, 10] = data.category >= 0
    if weights.tag_weights and data.tag_ids.size:
        per_tag = np.array([weights.tag_weights.get(name, 0.0) for name in data.tag_names])
        if per_tag.any():
            owner = data._cached(
                "tag_owner", lambda: np.repeat(np.arange(n, dtype=np.int64), tag_count)
            )
            x[:, 11] = np.bincount(owner, weights=per_tag[data.tag_ids], minlength=n)
    if weights.category_weights and data.category_names:
        per_cat = np.array(
            [
                sum(
                    w
                    for prefix, w in weights.category_weights.items()
                    if name == prefix or name.startswith(prefix + ".")
                )
                for name in data.category_names
            ]
            + [0.0]  # index -1: no category
        )
        x[:, 12] = per_cat[data.category]
    # Work left, so a nearly finished quest counts as the quick win it now is.
    hours = data.estimate_minutes * (1.0 - data.progress) / 60.0
    x[:, 13] = np.where(np.isnan(hours), 0.0, 1.0 / (1.0 + np.maximum(hours, 0.0)))
    return x


# Key of the last weighted urgency matrix in a RankingInput's cache: (now, weights, matrix).
_LAST_URGENCY = "weighted_urgency"


def weighted_urgency(
    data: RankingInput,
    now: datetime | float,
    weights: UrgencyWeights = QUESTLOG_DEFAULT,
    extra_columns: int = 0,
) -> NDArray[np.float64]:
    """Urgency contributions: :func:`urgency_features` times the coefficients, then
    ``extra_columns`` zero columns for a caller's own factors.

    Without extra columns the matrix is read-only and remembered on the input for the last
    ``now`` and ``weights``; with them it is the caller's to change (copied from the
    remembered one when there is one). So policies that rank one input in turn with the
    same weights (``dependency-value`` after ``taskwarrior``-shaped weights, or a custom
    ensemble) compute the features once per moment.
    """
    t = epoch(now)
    width = len(URGENCY_FACTORS)
    last = data._cache.get(_LAST_URGENCY)
    if last is not None and last[0] == t and (last[1] is weights or last[1] == weights):
        base: NDArray[np.float64] = last[2]
    else:
        if extra_columns:
            # Nothing remembered: build the caller's wide matrix in place (remembering a copy
            # too costs ~3 ms at 100k quests and no default policy would read it).
            x = urgency_features(data, t, weights, extra_columns)
            x[:, :width] *= weights.vector()
            return x
        base = urgency_features(data, t, weights)
        base *= weights.vector()  # in place: no second N×F matrix
        base.flags.writeable = False
        data._cache[_LAST_URGENCY] = (t, weights, base)
    if not extra_columns:
        return base
    x = np.empty((data.size, width + extra_columns), dtype=np.float64, order="F")
    x[:, :width] = base
    x[:, width:] = 0.0
    return x


#: Urgency factors that describe a quest's place in the plan rather than its own merits; a
#: planned ranking replaces them with :data:`PLAN_FACTORS`.
SITUATION_FACTORS: tuple[str, ...] = ("blocking", "blocked", "waiting")
_SITUATION_COLUMNS = [URGENCY_FACTORS.index(f) for f in SITUATION_FACTORS]

#: Columns a planned ranking appends: urgency inherited from what the quest unblocks, a
#: small step per level of quests waiting on it, and the hold-back of a quest that can't be
#: acted on now.
PLAN_FACTORS: tuple[str, ...] = ("inherited", "unblocks", "on hold")

#: Points per level of quests that wait on a quest (its reverse topological level): only
#: breaks the tie between a prerequisite and a dependent that inherit the same urgency.
UNBLOCKS_STEP = 0.01
#: Least hold-back of a quest that can't be acted on now (raised, in round tens, when the
#: scores of one ranking spread wider, so the rule holds for any weights).
HOLD_BACK = 100.0


def planned(
    name: str,
    data: RankingInput,
    now: datetime | float,
    contributions: NDArray[np.float64],
    own_factors: tuple[str, ...] = URGENCY_FACTORS,
) -> Ranking:
    """A ranking that follows the plan, from the quests' own contributions.

    ``contributions`` is (N, F + 3): each quest's own factor contributions in its first F
    columns, named ``own_factors`` (their sum is its *own score*), and three zero columns
    that this fills in as :data:`PLAN_FACTORS`:

    * ``inherited``: a quest's *pressure* is the largest own score among itself and every
      quest that waits on it, transitively (due dates and priority flow backwards); the
      column is pressure − own score, never negative.
    * ``unblocks``: :data:`UNBLOCKS_STEP` × the quest's level (the longest chain of quests
      waiting on it), so a prerequisite stays ahead of a dependent of equal pressure.
    * ``on hold``: −:data:`HOLD_BACK` (or more, see there) for a quest that can't be acted on
      now: blocked by an open prerequisite, waiting until a later time, or scheduled to start
      later. Every quest that can be acted on comes first.

    So a quest never ranks above its own unfinished prerequisite: the prerequisite's
    pressure is at least the dependent's, its level is higher, and the dependent is on hold.
    """
    t = epoch(now)
    width = len(own_factors)
    if contributions.shape[1] != width + len(PLAN_FACTORS):
        raise ValueError("expected the own factors and three zero columns")
    inherited, unblocks, hold = width, width + 1, width + 2
    own = contributions[:, :width].sum(axis=1)
    rest = own
    if data.src.size:
        # Imported here: graph.py needs the dependency module, which plain urgency does not.
        from questlog_core.prioritization.graph import propagate_max, reverse_levels

        pressure = propagate_max(data, own)
        np.subtract(pressure, own, out=contributions[:, inherited])
        levels = reverse_levels(data)
        np.multiply(levels.level_of(data.size), UNBLOCKS_STEP, out=contributions[:, unblocks])
        rest = pressure + contributions[:, unblocks]
    on_hold = data.prerequisite_count() > 0
    on_hold |= data.wait_until > t  # NaN compares False: not set
    on_hold |= data.scheduled > t
    if on_hold.any() and data.size:
        spread = float(rest.max() - rest.min()) + 1.0
        back = max(HOLD_BACK, 10.0 * math.ceil(spread / 10.0))
        contributions[on_hold, hold] = -back
    return Ranking(
        name,
        data.keys,
        (*own_factors, *PLAN_FACTORS),
        contributions,
        contributions.sum(axis=1),
        plan_factors=PLAN_FACTORS,
    )


@dataclass(frozen=True, slots=True)
class UrgencyPolicy:
    """Weighted urgency factors (Taskwarrior's model), by default inside Questlog's plan.

    With ``plan`` (Questlog's ``urgency``), the weighted factors are a quest's own merits,
    without ``blocking``, ``blocked`` and ``waiting``; :func:`planned` then puts what can be
    acted on now first and lets prerequisites inherit the urgency of what they unblock.
    Without it (the ``taskwarrior`` profile), the score is Taskwarrior's: the weighted sum of
    all the factors.

    >>> UrgencyPolicy.taskwarrior()  # doctest: +ELLIPSIS
    UrgencyPolicy(weights=UrgencyWeights(due=12.0, ...), name='taskwarrior', plan=False)
    """

    weights: UrgencyWeights = QUESTLOG_DEFAULT
    name: str = "urgency"
    plan: bool = True

    @classmethod
    def taskwarrior(cls) -> UrgencyPolicy:
        """Taskwarrior 2.6's default urgency, factor for factor."""
        return cls(TASKWARRIOR, "taskwarrior", plan=False)

    def features(self, data: RankingInput, now: datetime | float) -> NDArray[np.float64]:
        """The feature matrix this policy weighs (see :func:`urgency_features`)."""
        return urgency_features(data, now, self.weights)

    def rank(self, data: RankingInput, now: datetime | float) -> Ranking:
        """Planned: own merits, then inheritance and hold-back (see :func:`planned`).
        Otherwise: score = Σ factor × weight. Either way the explanation is each term."""
        if not self.plan:
            contributions = weighted_urgency(data, now, self.weights)
            return Ranking.from_contributions(self.name, data, URGENCY_FACTORS, contributions)
        contributions = weighted_urgency(data, now, self.weights, len(PLAN_FACTORS))
        contributions[:, _SITUATION_COLUMNS] = 0.0
        return planned(self.name, data, now, contributions)
