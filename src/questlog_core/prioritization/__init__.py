"""Explainable, vectorised prioritization: rank open quests and say why.

Build a :class:`RankingInput` (columns per factor) once, then ask any
:class:`PriorityPolicy` for a :class:`Ranking`; ``ranking.explain(i)`` lists each factor's
contribution, and the contributions sum to the score.
"""

from collections.abc import Callable

from questlog_core.prioritization.graph import ReverseLevels, reverse_levels
from questlog_core.prioritization.input import DIFFICULTIES, PRIORITIES, QuestLike, RankingInput
from questlog_core.prioritization.learned import Choice, LearnedPolicy
from questlog_core.prioritization.policies import (
    DeadlineSlackPolicy,
    DependencyValuePolicy,
    EisenhowerPolicy,
    EnsemblePolicy,
    WsjfPolicy,
    remaining_minutes,
)
from questlog_core.prioritization.ranking import (
    Contribution,
    Explanation,
    PriorityPolicy,
    Ranking,
)
from questlog_core.prioritization.urgency import (
    QUESTLOG_DEFAULT,
    TASKWARRIOR,
    URGENCY_FACTORS,
    DueCurve,
    UrgencyPolicy,
    UrgencyWeights,
    urgency_features,
    weighted_urgency,
)


def policy_named(name: str) -> PriorityPolicy:
    """A fresh policy with its default settings, by name (see :data:`POLICY_NAMES`)."""
    factories: dict[str, Callable[[], PriorityPolicy]] = {
        "urgency": UrgencyPolicy,
        "taskwarrior": UrgencyPolicy.taskwarrior,
        "slack": DeadlineSlackPolicy,
        "eisenhower": EisenhowerPolicy,
        "wsjf": WsjfPolicy,
        "dependency-value": DependencyValuePolicy,
        "learned": LearnedPolicy,
        "ensemble": EnsemblePolicy,
    }
    try:
        policy: PriorityPolicy = factories[name]()
    except KeyError:
        raise ValueError(f"unknown policy {name!r}; choose one of {', '.join(factories)}") from None
    return policy


#: Names accepted by :func:`policy_named`.
POLICY_NAMES: tuple[str, ...] = (
    "urgency",
    "taskwarrior",
    "slack",
    "eisenhower",
    "wsjf",
    "dependency-value",
    "learned",
    "ensemble",
)

__all__ = [
    "DIFFICULTIES",
    "POLICY_NAMES",
    "PRIORITIES",
    "QUESTLOG_DEFAULT",
    "TASKWARRIOR",
    "URGENCY_FACTORS",
    "Choice",
    "Contribution",
    "DeadlineSlackPolicy",
    "DependencyValuePolicy",
    "DueCurve",
    "EisenhowerPolicy",
    "EnsemblePolicy",
    "Explanation",
    "LearnedPolicy",
    "PriorityPolicy",
    "QuestLike",
    "Ranking",
    "RankingInput",
    "ReverseLevels",
    "UrgencyPolicy",
    "UrgencyWeights",
    "WsjfPolicy",
    "policy_named",
    "remaining_minutes",
    "reverse_levels",
    "urgency_features",
    "weighted_urgency",
]
