"""In-memory adapters: honest reference implementations of the ports, for tests and demos."""

from adapters.memory.clock import FixedClock, RandomIds, SequentialIds, SystemClock
from adapters.memory.quests import (
    InMemoryOutbox,
    InMemoryQuestStore,
    InMemoryQuestUnitOfWork,
)

__all__ = [
    "FixedClock",
    "InMemoryOutbox",
    "InMemoryQuestStore",
    "InMemoryQuestUnitOfWork",
    "RandomIds",
    "SequentialIds",
    "SystemClock",
]
