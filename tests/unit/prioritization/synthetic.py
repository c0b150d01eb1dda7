"""A synthetic user with a known taste, for checking that the learned policy learns it.

This user clears quick quests first and watches deadlines, but ignores the priority labels
(set once, never updated) and how long a quest has been waiting. Each moment, they see
``open_quests`` random open quests and do first the one with the highest
``TASTE · features + noise`` (Gumbel noise: people are not perfectly consistent).
"""

from __future__ import annotations

import numpy as np

from questlog_core.prioritization import Choice, LearnedPolicy, RankingInput, policy_named
from questlog_core.prioritization.urgency import QUESTLOG_DEFAULT, URGENCY_FACTORS, urgency_features

DAY = 86400.0
NOW = 1_800_000_000.0
#: The user's hidden weights over the urgency features (zero: ignored).
TASTE = {"due": 10.0, "estimate": 8.0, "active": 2.0}
NOISE = 0.5


def history(moments: int, open_quests: int = 8, seed: int = 3) -> list[Choice]:
    """``moments`` choices of the synthetic user, one a day."""
    rng = np.random.default_rng(seed)
    taste = np.array([TASTE.get(f, 0.0) for f in URGENCY_FACTORS])
    choices: list[Choice] = []
    for m in range(moments):
        now = NOW + m * DAY
        n = open_quests
        data = RankingInput.from_columns(
            [f"q{m}-{i}" for i in range(n)],
            due=np.where(rng.random(n) < 0.6, now + rng.uniform(-5, 40, n) * DAY, np.nan),
            created=now - rng.uniform(0, 400, n) * DAY,
            started=np.where(rng.random(n) < 0.15, now - DAY, np.nan),
            priority=rng.integers(0, 5, n),
            estimate_minutes=np.where(rng.random(n) < 0.8, rng.uniform(5, 480, n), np.nan),
            tags=[["home"] if t else [] for t in rng.random(n) < 0.3],
        )
        utility = urgency_features(data, now, QUESTLOG_DEFAULT) @ taste
        utility += NOISE * rng.gumbel(size=n)
        choices.append(Choice(data, now, int(np.argmax(utility))))
    return choices


def agreement(policy: object, choices: list[Choice]) -> float:
    """Share of ``choices`` where the policy's first quest is the one the user did first."""
    rank = policy.rank  # type: ignore[attr-defined]
    hits = sum(int(rank(c.data, c.now).order[0]) == c.done_first for c in choices)
    return hits / len(choices)


def learned_vs_default(moments: int = 400) -> tuple[float, float]:
    """(learned, default) agreement on the held-out second half, fit on the first half."""
    choices = history(moments)
    train, held_out = choices[: moments // 2], choices[moments // 2 :]
    learned = LearnedPolicy().fit(train)
    return agreement(learned, held_out), agreement(policy_named("urgency"), held_out)
