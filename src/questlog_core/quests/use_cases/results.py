"""What the quest use cases answer beyond a bare entity: completions, dependency views, plans."""

from __future__ import annotations

from dataclasses import dataclass

from questlog_core.kernel.ids import QuestId
from questlog_core.quests.model import Quest


@dataclass(frozen=True, slots=True)
class Completion:
    """What completing a quest did."""

    quest: Quest
    #: quests that were waiting only on this one
    unblocked: list[QuestId]
    #: the next occurrence of a recurring quest, when this completion created it
    next_occurrence: Quest | None


@dataclass(frozen=True, slots=True)
class DependencyView:
    """A quest's place in the dependency graph."""

    quest_id: QuestId
    prerequisites: list[QuestId]
    dependents: list[QuestId]
    unfinished_prerequisites: list[QuestId]

    @property
    def blocked(self) -> bool:
        """Whether some prerequisite is still open."""
        return bool(self.unfinished_prerequisites)


@dataclass(frozen=True, slots=True)
class QuestPlan:
    """The owner's open quests in an order that respects every dependency."""

    order: list[Quest]
    blocked: list[QuestId]
    #: the chain of open quests with the greatest total estimate, and that total in minutes
    critical_path: list[QuestId]
    critical_minutes: float


@dataclass(frozen=True, slots=True)
class Instantiation:
    """The quests a template became."""

    root: Quest
    steps: list[Quest]
