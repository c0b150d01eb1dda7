"""Ports of moving in: where an import remembers which source record became which quest.

An import writes quests through the quest service's own :class:`QuestUnitOfWork` (so every
quest rule and event applies) plus :class:`ImportLinks`, which works *inside that unit of
work's transaction*: the quests of a batch and their links are committed together or not at
all. An :class:`ImportTransaction` is the pair; the use case asks for a fresh one per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from questlog_core.ids import QuestId, UserId
from questlog_core.ports.quests import QuestUnitOfWork


class ImportLinks(Protocol):
    """Which quest each imported source record became, per owner and source."""

    async def find(
        self, owner: UserId, source: str, external_ids: Collection[str]
    ) -> dict[str, QuestId]:
        """The quests already made from these records. A link whose quest has since been
        deleted is not returned (importing again makes the quest again)."""
        ...

    async def add(self, owner: UserId, source: str, links: Sequence[tuple[str, QuestId]]) -> None:
        """Remember ``(external id, quest)`` pairs (replacing a link to a deleted quest)."""
        ...

    async def forget_owner(self, owner: UserId) -> int:
        """Remove every link of ``owner`` (account erasure); how many there were."""
        ...


@dataclass(frozen=True, slots=True)
class ImportTransaction:
    """A quest unit of work and the import links bound to its transaction."""

    uow: QuestUnitOfWork
    links: ImportLinks


#: Makes a fresh :class:`ImportTransaction` (one per batch).
ImportTransactions = Callable[[], ImportTransaction]

__all__ = ["ImportLinks", "ImportTransaction", "ImportTransactions"]
