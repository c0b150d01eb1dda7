"""SQL store of the quest reopens the game has seen (``ReopenRepository``).

Kept apart from :mod:`adapters.sql.gamification` (the ledger, players and boards) to keep
modules small; it writes in the same unit of work's transaction.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql import dialects
from adapters.sql.tables import gamification as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.gamification.completions import Reopen
from questlog_core.kernel.ids import EventId, QuestId, UserId


class SqlReopens:
    """Reopens of done quest occurrences, idempotent by event id."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _c(self) -> AsyncConnection:
        return self._uow.connection

    async def record(self, reopen: Reopen) -> None:
        await dialects.insert_if_absent(
            self._c,
            t.reopens,
            {
                "event_id": reopen.event_id,
                "user_id": reopen.user,
                "quest_id": reopen.quest_id,
                "occurrence": reopen.occurrence,
                "quest_version": reopen.quest_version,
                "reopened_at": reopen.reopened_at,
            },
        )

    async def of(self, user: UserId, quest_id: QuestId, occurrence: int) -> list[Reopen]:
        r = t.reopens
        query = select(r).where(
            r.c.user_id == user, r.c.quest_id == quest_id, r.c.occurrence == occurrence
        )
        return [
            Reopen(
                event_id=EventId(row.event_id),
                user=UserId(row.user_id),
                quest_id=QuestId(row.quest_id),
                occurrence=row.occurrence,
                quest_version=row.quest_version,
                reopened_at=row.reopened_at,
            )
            for row in await self._c.execute(query)
        ]


__all__ = ["SqlReopens"]
