"""The quest service's unit of work: one transaction over its repositories, inbox and outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.quests.attachments import SqlAttachmentRepository
from adapters.sql.quests.dependencies import SqlDependencyRepository
from adapters.sql.quests.repository import SqlQuestRepository
from adapters.sql.quests.templates import SqlCategoryRepository, SqlTemplateRepository
from adapters.sql.unit_of_work import SqlInbox, SqlUnitOfWork
from questlog_core.ports.platform import Clock

if TYPE_CHECKING:
    from questlog_core.ports.quests import Outbox, QuestUnitOfWork


#: the quest context's inbox is the shared SQL one (the name is kept for older imports)
SqlQuestInbox = SqlInbox


class SqlQuestUnitOfWork(SqlUnitOfWork):
    """One transaction over the quest service's tables, inbox and outbox.

    Create one per use case: ``SqlQuestUnitOfWork(engine)`` (optionally with the
    :class:`Clock` that stamps outbox and inbox rows).
    """

    service = "quest"

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        super().__init__(engine, clock)
        self._quests = SqlQuestRepository(self)
        self._dependencies = SqlDependencyRepository(self)
        self._templates = SqlTemplateRepository(self)
        self._categories = SqlCategoryRepository(self)
        self._attachments = SqlAttachmentRepository(self)

    @property
    def quests(self) -> SqlQuestRepository:
        return self._quests

    @property
    def dependencies(self) -> SqlDependencyRepository:
        return self._dependencies

    @property
    def templates(self) -> SqlTemplateRepository:
        return self._templates

    @property
    def categories(self) -> SqlCategoryRepository:
        return self._categories

    @property
    def attachments(self) -> SqlAttachmentRepository:
        return self._attachments


if TYPE_CHECKING:  # the adapters satisfy the ports (checked by mypy, free at runtime)

    def _satisfies_ports(engine: AsyncEngine) -> tuple[QuestUnitOfWork, Outbox]:
        from adapters.sql.messaging import SqlOutbox

        return SqlQuestUnitOfWork(engine), SqlOutbox(engine, "quest")
