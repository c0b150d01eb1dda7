"""Quest attachments repository (SQL) and its row translation."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.engine import Row

from adapters.sql import dialects
from adapters.sql.tables import quest as t
from questlog_core.errors import AlreadyExists, AttachmentNotFound
from questlog_core.ids import AttachmentId, QuestId, UserId
from questlog_core.quests.attachments import Attachment, AttachmentState

if TYPE_CHECKING:
    from adapters.sql.quests.unit_of_work import SqlQuestUnitOfWork


def _attachment(row: Row[Any]) -> Attachment:
    return Attachment(
        id=AttachmentId(row.id),
        owner=UserId(row.owner),
        quest_id=QuestId(row.quest_id),
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        state=AttachmentState(row.state),
        created_at=row.created_at,
        stored_at=row.stored_at,
    )


class SqlAttachmentRepository:
    """:class:`~questlog_core.ports.quests.AttachmentRepository` on the connection."""

    def __init__(self, uow: SqlQuestUnitOfWork) -> None:
        self._uow = uow

    @staticmethod
    def _one(owner: UserId, quest_id: QuestId, attachment_id: AttachmentId) -> Any:
        a = t.attachments.c
        return and_(a.id == attachment_id, a.owner == owner, a.quest_id == quest_id)

    async def get(
        self, owner: UserId, quest_id: QuestId, attachment_id: AttachmentId
    ) -> Attachment:
        query = select(t.attachments).where(self._one(owner, quest_id, attachment_id))
        row = (await self._uow.connection.execute(query)).first()
        if row is None:
            raise AttachmentNotFound(attachment_id)
        return _attachment(row)

    async def add(self, attachment: Attachment) -> None:
        values = {
            "id": attachment.id,
            "owner": attachment.owner,
            "quest_id": attachment.quest_id,
            "filename": attachment.filename,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "state": attachment.state.value,
            "created_at": attachment.created_at,
            "stored_at": attachment.stored_at,
        }
        if not await dialects.insert_if_absent(self._uow.connection, t.attachments, values):
            raise AlreadyExists("attachment", attachment.id)

    async def update(self, attachment: Attachment) -> None:
        statement = (
            update(t.attachments)
            .where(self._one(attachment.owner, attachment.quest_id, attachment.id))
            .values(
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=attachment.size,
                state=attachment.state.value,
                stored_at=attachment.stored_at,
            )
        )
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise AttachmentNotFound(attachment.id)

    async def delete(self, owner: UserId, quest_id: QuestId, attachment_id: AttachmentId) -> None:
        statement = delete(t.attachments).where(self._one(owner, quest_id, attachment_id))
        if (await self._uow.connection.execute(statement)).rowcount != 1:
            raise AttachmentNotFound(attachment_id)

    async def list(self, owner: UserId, quest_id: QuestId) -> builtins.list[Attachment]:
        a = t.attachments.c
        query = (
            select(t.attachments)
            .where(a.owner == owner, a.quest_id == quest_id)
            .order_by(a.created_at, a.id)
        )
        return [_attachment(r) for r in await self._uow.connection.execute(query)]

    async def remove_quest(self, owner: UserId, quest_id: QuestId) -> builtins.list[Attachment]:
        removed = await self.list(owner, quest_id)
        if removed:
            a = t.attachments.c
            await self._uow.connection.execute(
                delete(t.attachments).where(a.owner == owner, a.quest_id == quest_id)
            )
        return removed
