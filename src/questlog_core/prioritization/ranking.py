"""What a policy returns: an order, a score per quest and why (each factor's share)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from questlog_core.prioritization.input import RankingInput


@dataclass(frozen=True, slots=True)
class Contribution:
    """One factor's share of a quest's score."""

    factor: str
    value: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a quest scored what it did: the factors, largest effect first, summing to ``score``."""

    key: str
    rank: int
    score: float
    contributions: tuple[Contribution, ...]
    #: The score on the quest's own merits alone (without what a planned ranking adds for
    #: its place in the plan: inherited urgency, hold-back); ``score`` when there is none.
    own_score: float | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "key": self.key,
            "rank": self.rank,
            "score": self.score,
            "own_score": self.score if self.own_score is None else self.own_score,
            "factors": {c.factor: c.value for c in self.contributions},
        }


@dataclass(frozen=True, slots=True, eq=False)
class Ranking:
    """Quests in the order a policy recommends, with scores and per-factor contributions.

    ``contributions`` is an (N, F) matrix whose columns are ``factors``; each row sums to the
    quest's ``scores`` entry. ``order[0]`` is the index of the quest to do first. Ties keep
    the input order, so a ranking is deterministic.

    ``plan_factors`` names the factors that come from a quest's place in the plan rather
    than its own merits (a planned ranking's ``inherited``, ``unblocks`` and ``on hold``);
    the rest sum to the quest's *own score* (:meth:`own_scores`).
    """

    policy: str
    keys: tuple[str, ...]
    factors: tuple[str, ...]
    contributions: NDArray[np.float64]
    scores: NDArray[np.float64]
    plan_factors: tuple[str, ...] = ()
    # Sorted on first use: a caller that needs only the scores (an ensemble combining its
    # members) skips the one O(N log N) step of a ranking.
    _order: NDArray[np.int64] | None = field(default=None, repr=False)

    @classmethod
    def from_contributions(
        cls,
        policy: str,
        data: RankingInput,
        factors: tuple[str, ...],
        contributions: NDArray[np.float64],
    ) -> Ranking:
        """Score = row sum of ``contributions``; order = highest score first, stable."""
        return cls(policy, data.keys, factors, contributions, contributions.sum(axis=1))

    @property
    def order(self) -> NDArray[np.int64]:
        """Quest indices, best first (see :func:`best_first`)."""
        order = self._order
        if order is None:
            order = best_first(self.scores)
            object.__setattr__(self, "_order", order)
        return order

    def __len__(self) -> int:
        return len(self.keys)

    def own_scores(self) -> NDArray[np.float64]:
        """Each quest's score on its own merits: the sum of every factor but the plan's."""
        own = [i for i, f in enumerate(self.factors) if f not in self.plan_factors]
        if len(own) == len(self.factors):
            return self.scores
        scores: NDArray[np.float64] = self.contributions[:, own].sum(axis=1)
        return scores

    def ranked_keys(self, limit: int | None = None) -> list[str]:
        """Keys, best first."""
        idx = self.order if limit is None else self.order[:limit]
        return [self.keys[i] for i in idx]

    def ranks(self) -> NDArray[np.int64]:
        """Rank (1 = first) of each quest, by input position."""
        ranks = np.empty(len(self.order), dtype=np.int64)
        ranks[self.order] = np.arange(1, len(self.order) + 1)
        return ranks

    def explain(self, quest: int | str) -> Explanation:
        """The explanation of one quest, by input index or key."""
        i = quest if isinstance(quest, int) else self.keys.index(quest)
        row = self.contributions[i]
        parts = sorted(
            (Contribution(f, float(v)) for f, v in zip(self.factors, row, strict=True) if v != 0),
            key=lambda c: -abs(c.value),
        )
        rank = int(np.flatnonzero(self.order == i)[0]) + 1
        own = None
        if self.plan_factors:
            own = float(
                sum(v for f, v in zip(self.factors, row, strict=True) if f not in self.plan_factors)
            )
        return Explanation(self.keys[i], rank, float(self.scores[i]), tuple(parts), own)


def best_first(scores: NDArray[np.float64]) -> NDArray[np.int64]:
    """Indices by descending score; equal scores keep their input order; NaN last."""
    n = scores.size
    descending = -scores
    if n > _PACKED_SORT_LIMIT:
        stable: NDArray[np.int64] = np.argsort(descending, kind="stable").astype(np.int64)
        return stable
    # Same result as a stable argsort, about twice as fast at 100k quests (measured: 11 ms
    # -> 6 ms): numpy's unstable argsort is vectorised; then only the order *within* runs of
    # equal scores is wrong, and one sort of packed (run, index) integers puts it right.
    order = np.argsort(descending).astype(np.int64, copy=False)
    ranked = descending[order]
    same = ranked[1:] == ranked[:-1]
    nan = np.isnan(ranked)
    same |= nan[1:] & nan[:-1]  # NaNs form one run (they sort last)
    if not same.any():
        return order
    run = np.zeros(n, dtype=np.int64)
    np.cumsum(~same, out=run[1:])
    run *= n
    run += order
    run.sort()
    run %= n
    return run


# run * n + index must fit an int64.
_PACKED_SORT_LIMIT = 3_000_000_000


class PriorityPolicy(Protocol):
    """A way to rank open quests. Implementations are pure and vectorised."""

    @property
    def name(self) -> str:
        """Short identifier, e.g. ``"urgency"``."""
        ...

    def rank(self, data: RankingInput, now: datetime | float) -> Ranking:
        """Rank ``data`` as of ``now`` (aware datetime or epoch seconds)."""
        ...


def epoch(now: datetime | float) -> float:
    """``now`` as epoch seconds."""
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return now.timestamp()
    return float(now)
