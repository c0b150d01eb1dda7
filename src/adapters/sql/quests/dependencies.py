"""Dependency edges between quests: the owner's graph (advisory-locked for update), add/remove."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from sqlalchemy import and_, delete, func, or_, select

from adapters.sql import dialects
from adapters.sql.tables import quest as t
from questlog_core.ids import QuestId, UserId
from questlog_core.quests.dependencies import DependencyGraph

if TYPE_CHECKING:
    from adapters.sql.quests.unit_of_work import SqlQuestUnitOfWork

Edge = tuple[QuestId, QuestId]


def _owner_lock_key(owner: UserId) -> int:
    # A signed 64-bit key for pg_advisory_xact_lock, derived from the owner's uuid.
    value = owner.int >> 64
    return value - (1 << 64) if value >= 1 << 63 else value


class SqlDependencyRepository:
    """:class:`~questlog_core.ports.quests.DependencyRepository` on the connection."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    async def graph_of(self, owner: UserId, *, for_update: bool = False) -> DependencyGraph:
        c = self._uow.connection
        if for_update and c.dialect.name == "postgresql":
            await c.execute(select(func.pg_advisory_xact_lock(_owner_lock_key(owner))))
        d = t.dependencies.c
        query = (
            select(d.prerequisite, d.dependent)
            .where(d.owner == owner)
            .order_by(d.prerequisite, d.dependent)
        )
        rows = await c.execute(query)
        return DependencyGraph((QuestId(r.prerequisite), QuestId(r.dependent)) for r in rows)

    async def add(self, owner: UserId, prerequisite: QuestId, dependent: QuestId) -> None:
        c = self._uow.connection
        statement = dialects.insert(c, t.dependencies).on_conflict_do_nothing()
        await c.execute(
            statement, {"owner": owner, "prerequisite": prerequisite, "dependent": dependent}
        )

    async def remove(self, owner: UserId, prerequisite: QuestId, dependent: QuestId) -> bool:
        d = t.dependencies.c
        statement = delete(t.dependencies).where(
            d.owner == owner, d.prerequisite == prerequisite, d.dependent == dependent
        )
        return bool((await self._uow.connection.execute(statement)).rowcount == 1)

    async def remove_quest(self, owner: UserId, quest_id: QuestId) -> builtins.list[Edge]:
        c = self._uow.connection
        d = t.dependencies.c
        touching = and_(d.owner == owner, or_(d.prerequisite == quest_id, d.dependent == quest_id))
        rows = await c.execute(
            select(d.prerequisite, d.dependent)
            .where(touching)
            .order_by(d.prerequisite, d.dependent)
        )
        edges = [(QuestId(r.prerequisite), QuestId(r.dependent)) for r in rows]
        if edges:
            await c.execute(delete(t.dependencies).where(touching))
        return edges
