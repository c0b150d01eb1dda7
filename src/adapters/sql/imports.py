"""Import links on SQL (``quest.quest_import_links``), inside a quest unit of work's transaction."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import delete, select

from adapters.sql import dialects
from adapters.sql.quests import SqlQuestUnitOfWork
from adapters.sql.tables import quest as t
from questlog_core.ids import QuestId, UserId
from questlog_core.moving.ports import ImportLinks, ImportTransaction

#: Rows per ``IN (...)`` lookup (well under SQLite's bound-parameter limit).
_CHUNK = 500


class SqlImportLinks:
    """:class:`~questlog_core.moving.ports.ImportLinks` on the unit of work's connection."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    async def find(
        self, owner: UserId, source: str, external_ids: Collection[str]
    ) -> dict[str, QuestId]:
        links, quests = t.import_links.c, t.quests.c
        wanted = sorted(set(external_ids))
        found: dict[str, QuestId] = {}
        for start in range(0, len(wanted), _CHUNK):
            query = (
                select(links.external_id, links.quest_id)
                .join(t.quests, (quests.id == links.quest_id) & (quests.owner == links.owner))
                .where(
                    links.owner == owner,
                    links.source == source,
                    links.external_id.in_(wanted[start : start + _CHUNK]),
                )
            )
            for row in await self._uow.connection.execute(query):
                found[row.external_id] = QuestId(row.quest_id)
        return found

    async def add(self, owner: UserId, source: str, links: Sequence[tuple[str, QuestId]]) -> None:
        if not links:
            return
        connection = self._uow.connection
        statement = dialects.insert(connection, t.import_links)
        statement = statement.on_conflict_do_update(
            index_elements=["owner", "source", "external_id"],
            set_={"quest_id": statement.excluded.quest_id},
        )
        await connection.execute(
            statement,
            [
                {"owner": owner, "source": source, "external_id": external, "quest_id": quest}
                for external, quest in links
            ],
        )
        self._uow.inserted("quest.quest_import_links", len(links))

    async def forget_owner(self, owner: UserId) -> int:
        result = await self._uow.connection.execute(
            delete(t.import_links).where(t.import_links.c.owner == owner)
        )
        return int(result.rowcount or 0)


def sql_import_transaction(uow: SqlQuestUnitOfWork) -> ImportTransaction:
    """The pair for one batch: ``uow`` (or a wrapper of it) and links on its connection."""
    links: ImportLinks = SqlImportLinks(uow)
    return ImportTransaction(uow=uow, links=links)


__all__ = ["SqlImportLinks", "sql_import_transaction"]
