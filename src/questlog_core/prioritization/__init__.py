"""Explainable, vectorised prioritization: rank open quests and say why.

Build a :class:`RankingInput` (columns per factor) once, then ask any
:class:`PriorityPolicy` for a :class:`Ranking`; ``ranking.explain(i)`` lists each factor's
contribution, and the contributions sum to the score.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from questlog_core.prioritization.graph import ReverseLevels, reverse_levels
    from questlog_core.prioritization.input import (
        DIFFICULTIES,
        PRIORITIES,
        QuestLike,
        RankingInput,
    )
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

# Where each public name lives. The package imports a module only when one of its names is
# first used (PEP 562), so ``questlog prioritize`` with the default policy never imports the
# other policies' modules (start-up time is most of a command-line run).
_HOME: dict[str, str] = {
    "ReverseLevels": "graph",
    "reverse_levels": "graph",
    "DIFFICULTIES": "input",
    "PRIORITIES": "input",
    "QuestLike": "input",
    "RankingInput": "input",
    "Choice": "learned",
    "LearnedPolicy": "learned",
    "DeadlineSlackPolicy": "policies",
    "DependencyValuePolicy": "policies",
    "EisenhowerPolicy": "policies",
    "EnsemblePolicy": "policies",
    "WsjfPolicy": "policies",
    "remaining_minutes": "policies",
    "Contribution": "ranking",
    "Explanation": "ranking",
    "PriorityPolicy": "ranking",
    "Ranking": "ranking",
    "QUESTLOG_DEFAULT": "urgency",
    "TASKWARRIOR": "urgency",
    "URGENCY_FACTORS": "urgency",
    "DueCurve": "urgency",
    "UrgencyPolicy": "urgency",
    "UrgencyWeights": "urgency",
    "urgency_features": "urgency",
    "weighted_urgency": "urgency",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # next time: a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


#: policy name -> (module, factory: a class or a class's constructor method)
_POLICIES: dict[str, tuple[str, str]] = {
    "urgency": ("urgency", "UrgencyPolicy"),
    "taskwarrior": ("urgency", "UrgencyPolicy.taskwarrior"),
    "slack": ("policies", "DeadlineSlackPolicy"),
    "eisenhower": ("policies", "EisenhowerPolicy"),
    "wsjf": ("policies", "WsjfPolicy"),
    "dependency-value": ("policies", "DependencyValuePolicy"),
    "learned": ("learned", "LearnedPolicy"),
    "ensemble": ("policies", "EnsemblePolicy"),
}


def policy_named(name: str) -> PriorityPolicy:
    """A fresh policy with its default settings, by name (see :data:`POLICY_NAMES`)."""
    try:
        module, attribute = _POLICIES[name]
    except KeyError:
        raise ValueError(f"unknown policy {name!r}; choose one of {', '.join(_POLICIES)}") from None
    factory: Any = importlib.import_module(f"{__name__}.{module}")
    for part in attribute.split("."):
        factory = getattr(factory, part)
    policy: PriorityPolicy = factory()
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
