"""A per-user policy that learns from what the user actually did first.

It scores with the urgency features but its own weights, starting from the default
profile. Each time the user finishes quest ``a`` while quests ``b1..bk`` were also open, the
weights take one pairwise logistic step so that ``a`` would have scored above each ``b``:
``w += rate · mean_b[(1 − σ(w·(x_a − x_b))) (x_a − x_b)] − rate · pull · (w − w0)``.
The pull toward the defaults keeps a few odd days from erasing them. No randomness: the
same history gives the same weights.

:meth:`LearnedPolicy.fit` learns from a whole history at once instead: the weights that best
explain every recorded choice (the same pairwise logistic model, solved by Newton's method
with the same pull toward the defaults).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from questlog_core.errors import ValidationFailed
from questlog_core.prioritization.input import RankingInput
from questlog_core.prioritization.ranking import Ranking
from questlog_core.prioritization.urgency import (
    PLAN_FACTORS,
    QUESTLOG_DEFAULT,
    SITUATION_FACTORS,
    URGENCY_FACTORS,
    UrgencyWeights,
    planned,
    urgency_features,
)

# Blocking, blocked and waiting are the plan's business (see ``planned``), not a taste.
_OWN = np.array([f not in SITUATION_FACTORS for f in URGENCY_FACTORS])


@dataclass(frozen=True, slots=True, eq=False)
class Choice:
    """One moment of a user's history: the quests open then, and the one they did first."""

    data: RankingInput
    now: datetime | float
    done_first: int | str


@dataclass(frozen=True, slots=True)
class LearnedPolicy:
    """Urgency features with weights fit online to the user's choices (immutable)."""

    shape: UrgencyWeights = QUESTLOG_DEFAULT
    weights: tuple[float, ...] = field(default=())
    learning_rate: float = 0.05
    pull: float = 0.01
    name: str = "learned"

    def __post_init__(self) -> None:
        if not self.weights:
            object.__setattr__(self, "weights", tuple(self.shape.vector().tolist()))
        if len(self.weights) != len(URGENCY_FACTORS):
            raise ValidationFailed("weights", f"expected {len(URGENCY_FACTORS)} weights")

    def weight_of(self) -> dict[str, float]:
        """Current weight per factor (what a repository stores per user)."""
        return dict(zip(URGENCY_FACTORS, self.weights, strict=True))

    @classmethod
    def from_weights(cls, weights: Mapping[str, float], **options: float) -> LearnedPolicy:
        """Restore from :meth:`weight_of`; missing factors take the default weight."""
        default = dict(zip(URGENCY_FACTORS, QUESTLOG_DEFAULT.vector().tolist(), strict=True))
        merged = [float(weights.get(f, default[f])) for f in URGENCY_FACTORS]
        return cls(weights=tuple(merged), **options)  # type: ignore[arg-type]

    def rank(self, data: RankingInput, now: datetime | float) -> Ranking:
        """Own score = Σ feature × learned weight, then the plan's rules, as the default
        ``urgency`` policy applies them (see :func:`planned`)."""
        contributions = urgency_features(data, now, self.shape, len(PLAN_FACTORS))
        contributions[:, : len(URGENCY_FACTORS)] *= np.asarray(self.weights) * _OWN
        return planned(self.name, data, now, contributions)

    def fit(
        self, history: Iterable[Choice], pull: float = 1.0, iterations: int = 25
    ) -> LearnedPolicy:
        """The policy whose weights best explain ``history``, starting from this one's shape.

        Maximises Σ over choices of mean over the other open quests b of
        log σ(w·(x_first − x_b)), minus ``pull``/2 · ‖w − w_default‖² (a prior worth about
        ``pull`` choices that keeps unexercised factors at their defaults), by Newton's
        method: deterministic, a few iterations over an F × F system.
        """
        rows: list[NDArray[np.float64]] = []
        weights: list[NDArray[np.float64]] = []
        for choice in history:
            data = choice.data
            a = (
                choice.done_first
                if isinstance(choice.done_first, int)
                else data.index_of(choice.done_first)
            )
            if data.size < 2:
                continue
            x = urgency_features(data, choice.now, self.shape) * _OWN
            diff = x[a] - np.delete(x, a, axis=0)
            rows.append(diff)
            weights.append(np.full(len(diff), 1.0 / len(diff)))
        w0 = self.shape.vector()
        if not rows:
            return self
        d = np.concatenate(rows)
        per_pair = np.concatenate(weights)
        w = np.asarray(self.weights, dtype=np.float64).copy()
        eye = np.eye(len(w))
        for _ in range(iterations):
            margin = d @ w
            miss = np.exp(-np.logaddexp(0.0, margin))  # 1 - σ(margin)
            gradient = d.T @ (per_pair * miss) - pull * (w - w0)
            curvature = (per_pair * miss * (1.0 - miss))[:, None] * d
            hessian = d.T @ curvature + pull * eye
            step = np.linalg.solve(hessian, gradient)
            w += step
            if float(np.abs(step).max()) < 1e-9:
                break
        return LearnedPolicy(self.shape, tuple(w.tolist()), self.learning_rate, self.pull)

    def learn(
        self,
        data: RankingInput,
        now: datetime | float,
        done_first: int | str,
        over: Sequence[int | str] | None = None,
    ) -> LearnedPolicy:
        """The policy after seeing the user finish ``done_first`` before the ``over`` quests
        (default: every other quest in ``data``), all judged as of ``now``."""
        a = done_first if isinstance(done_first, int) else data.index_of(done_first)
        if over is None:
            others: NDArray[np.int64] = np.delete(np.arange(data.size, dtype=np.int64), a)
        else:
            others = np.asarray(
                [i if isinstance(i, int) else data.index_of(i) for i in over], dtype=np.int64
            )
        if others.size == 0:
            return self
        x = urgency_features(data, now, self.shape) * _OWN
        w = np.asarray(self.weights)
        diff = x[a] - x[others]  # (k, F)
        margin = diff @ w
        # 1 - sigmoid(margin), computed stably for large |margin|.
        miss = np.exp(-np.logaddexp(0.0, margin))
        step = (miss[:, None] * diff).mean(axis=0)
        w0 = self.shape.vector()
        new = w + self.learning_rate * step - self.learning_rate * self.pull * (w - w0)
        return LearnedPolicy(self.shape, tuple(new.tolist()), self.learning_rate, self.pull)
