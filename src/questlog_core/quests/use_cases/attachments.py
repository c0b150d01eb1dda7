"""Attachment use cases: files on quests, kept behind the ``FileStorage`` port.

Metadata lives in the quest unit of work; bytes live in the storage under
:func:`~questlog_core.quests.attachments.storage_key`. The two cannot share a transaction, so
the order is chosen so a failure leaves at worst an unreferenced file, never a reference to a
missing one: a direct upload writes the bytes, then commits the metadata (deleting the bytes if
the commit fails); a delete commits first and removes the bytes after.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import msgspec

from questlog_core.errors import (
    FileTooLarge,
    NotFound,
    QuestLocked,
    UploadIncomplete,
    ValidationFailed,
)
from questlog_core.kernel.ids import AttachmentId, QuestId, UserId
from questlog_core.ports.platform import Clock, FileStorage, IdFactory
from questlog_core.quests.attachments import (
    MAX_ATTACHMENTS_PER_QUEST,
    Attachment,
    AttachmentState,
    storage_key,
)
from questlog_core.quests.events import AttachmentsDiscarded
from questlog_core.quests.model import QuestStatus
from questlog_core.quests.ports import QuestUnitOfWork

__all__ = [
    "DEFAULT_MAX_ATTACHMENT_BYTES",
    "QUERIES",
    "URL_LIFETIME",
    "AttachFile",
    "ConfirmUpload",
    "DeleteAttachment",
    "Download",
    "GetAttachment",
    "ListAttachments",
    "RequestUpload",
    "UploadGrant",
    "attach_file",
    "confirm_upload",
    "delete_attachment",
    "discard_files",
    "forget_files",
    "get_attachment",
    "handlers",
    "list_attachments",
    "request_upload",
]

DEFAULT_MAX_ATTACHMENT_BYTES: Final = 25 * 1024 * 1024
"""Largest attachment by default (25 MiB), the storage adapters' own default."""
URL_LIFETIME: Final = timedelta(minutes=15)
"""How long an upload or download URL works."""


class AttachFile(msgspec.Struct, frozen=True, kw_only=True):
    """A direct upload: the bytes come with the command."""

    owner: UserId
    quest_id: QuestId
    filename: str
    content_type: str
    data: bytes


class RequestUpload(msgspec.Struct, frozen=True, kw_only=True):
    """Ask for a presigned URL to upload at most ``size`` bytes of ``content_type``."""

    owner: UserId
    quest_id: QuestId
    filename: str
    content_type: str
    size: int


class ConfirmUpload(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    attachment_id: AttachmentId


class ListAttachments(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId


class GetAttachment(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    attachment_id: AttachmentId


class DeleteAttachment(msgspec.Struct, frozen=True, kw_only=True):
    owner: UserId
    quest_id: QuestId
    attachment_id: AttachmentId


@dataclass(frozen=True, slots=True)
class UploadGrant:
    """Where and until when the client may ``PUT`` the bytes of a pending attachment."""

    attachment: Attachment
    url: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Download:
    """An attachment and, once stored, a URL to fetch its bytes (``None`` while pending)."""

    attachment: Attachment
    url: str | None
    expires_at: datetime | None


async def _open_quest_for_files(uow: QuestUnitOfWork, owner: UserId, quest_id: QuestId) -> None:
    quest = await uow.quests.get(owner, quest_id)
    if quest.status is QuestStatus.ARCHIVED:
        raise QuestLocked(quest.id, quest.status, "attach a file to an archived quest")
    if len(await uow.attachments.list(owner, quest_id)) >= MAX_ATTACHMENTS_PER_QUEST:
        raise ValidationFailed(
            "attachments", f"a quest holds at most {MAX_ATTACHMENTS_PER_QUEST} files"
        )


async def _add_attachment(
    uow: QuestUnitOfWork,
    cmd: AttachFile | RequestUpload,
    ids: IdFactory,
    *,
    size: int,
    clock: Clock,
    stored: bool,
) -> Attachment:
    """Check the quest takes another file, then record a new attachment on it."""
    await _open_quest_for_files(uow, cmd.owner, cmd.quest_id)
    attachment = Attachment.create(
        id=AttachmentId(ids.new_id()),
        owner=cmd.owner,
        quest_id=cmd.quest_id,
        filename=cmd.filename,
        content_type=cmd.content_type,
        size=size,
        at=clock.now(),
        stored=stored,
    )
    await uow.attachments.add(attachment)
    return attachment


async def attach_file(
    cmd: AttachFile,
    uow: QuestUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    storage: FileStorage,
    *,
    max_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
) -> Attachment:
    """Store the bytes and the attachment's metadata.

    Raises:
        FileTooLarge: more than ``max_bytes``.
        QuestNotFound: not the caller's quest. QuestLocked: archived.
        ValidationFailed: ``filename``, ``content_type`` or too many attachments.
    """
    if len(cmd.data) > max_bytes:
        raise FileTooLarge(len(cmd.data), max_bytes)
    async with uow:
        attachment = await _add_attachment(
            uow, cmd, ids, size=len(cmd.data), clock=clock, stored=True
        )
        await storage.put(attachment.key, cmd.data, attachment.content_type)
        try:
            await uow.commit()
        except BaseException:
            await storage.delete(attachment.key)  # no metadata, so no file either
            raise
    return attachment


async def request_upload(
    cmd: RequestUpload,
    uow: QuestUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    storage: FileStorage,
    *,
    max_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
) -> UploadGrant:
    """Record a pending attachment and hand out a presigned upload URL for it.

    Raises:
        FileTooLarge: the declared ``size`` is over ``max_bytes``.
    """
    if isinstance(cmd.size, bool) or not isinstance(cmd.size, int) or cmd.size < 1:
        raise ValidationFailed("size", "must be a positive number of bytes")
    if cmd.size > max_bytes:
        raise FileTooLarge(cmd.size, max_bytes)
    async with uow:
        attachment = await _add_attachment(uow, cmd, ids, size=cmd.size, clock=clock, stored=False)
        await uow.commit()
    url = await storage.upload_url(attachment.key, attachment.content_type, URL_LIFETIME)
    expires_at = attachment.created_at + URL_LIFETIME
    return UploadGrant(attachment=attachment, url=url, expires_at=expires_at)


async def confirm_upload(
    cmd: ConfirmUpload,
    uow: QuestUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    storage: FileStorage,
    *,
    max_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
) -> Attachment:
    """Mark a presigned upload as arrived, measuring its real size (confirming twice is fine).

    Raises:
        UploadIncomplete: the bytes are not in storage yet.
        FileTooLarge: what arrived is over ``max_bytes`` or the declared size (it is removed).
    """
    async with uow:
        attachment = await uow.attachments.get(cmd.owner, cmd.quest_id, cmd.attachment_id)
        if attachment.state is AttachmentState.STORED:
            return attachment
        try:
            data = await storage.get(attachment.key)
        except NotFound:
            raise UploadIncomplete(attachment.id) from None
        limit = min(max_bytes, attachment.size)
        if len(data) > limit:
            # A presigned S3 PUT cannot cap the size itself: refuse it here.
            await storage.delete(attachment.key)
            raise FileTooLarge(len(data), limit)
        attachment.mark_stored(len(data), clock.now())
        await uow.attachments.update(attachment)
        await uow.commit()
    return attachment


async def list_attachments(query: ListAttachments, uow: QuestUnitOfWork) -> list[Attachment]:
    """The quest's attachments, oldest first (``QuestNotFound`` for another owner's quest)."""
    async with uow:
        await uow.quests.get(query.owner, query.quest_id)
        return await uow.attachments.list(query.owner, query.quest_id)


async def get_attachment(
    query: GetAttachment, uow: QuestUnitOfWork, clock: Clock, storage: FileStorage
) -> Download:
    """The attachment's metadata with a short-lived download URL once it is stored."""
    async with uow:
        await uow.quests.get(query.owner, query.quest_id)
        attachment = await uow.attachments.get(query.owner, query.quest_id, query.attachment_id)
    if attachment.state is not AttachmentState.STORED:
        return Download(attachment=attachment, url=None, expires_at=None)
    url = await storage.download_url(attachment.key, URL_LIFETIME)
    return Download(attachment=attachment, url=url, expires_at=clock.now() + URL_LIFETIME)


async def delete_attachment(
    cmd: DeleteAttachment, uow: QuestUnitOfWork, storage: FileStorage
) -> None:
    """Forget the attachment, then remove its bytes."""
    async with uow:
        await uow.quests.get(cmd.owner, cmd.quest_id)
        attachment = await uow.attachments.get(cmd.owner, cmd.quest_id, cmd.attachment_id)
        await uow.attachments.delete(cmd.owner, cmd.quest_id, attachment.id)
        await uow.commit()
    await storage.delete(attachment.key)


def discard_files(storage: FileStorage) -> Callable[[AttachmentsDiscarded], Awaitable[None]]:
    """The subscriber that removes a deleted quest's files from storage, after its commit."""

    async def discard(event: AttachmentsDiscarded) -> None:
        for attachment_id in event.attachment_ids:
            await storage.delete(storage_key(event.owner, event.quest_id, attachment_id))

    return discard


def handlers(
    clock: Clock,
    ids: IdFactory,
    storage: FileStorage,
    *,
    max_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
) -> dict[type[msgspec.Struct], Callable[[Any, QuestUnitOfWork], Awaitable[Any]]]:
    """Every attachment command and query mapped to its use case, ready for the message bus."""

    async def attach(cmd: AttachFile, uow: QuestUnitOfWork) -> Attachment:
        return await attach_file(cmd, uow, clock, ids, storage, max_bytes=max_bytes)

    async def request(cmd: RequestUpload, uow: QuestUnitOfWork) -> UploadGrant:
        return await request_upload(cmd, uow, clock, ids, storage, max_bytes=max_bytes)

    async def confirm(cmd: ConfirmUpload, uow: QuestUnitOfWork) -> Attachment:
        return await confirm_upload(cmd, uow, clock, ids, storage, max_bytes=max_bytes)

    async def listing(query: ListAttachments, uow: QuestUnitOfWork) -> list[Attachment]:
        return await list_attachments(query, uow)

    async def get(query: GetAttachment, uow: QuestUnitOfWork) -> Download:
        return await get_attachment(query, uow, clock, storage)

    async def delete(cmd: DeleteAttachment, uow: QuestUnitOfWork) -> None:
        await delete_attachment(cmd, uow, storage)

    return {
        AttachFile: attach,
        RequestUpload: request,
        ConfirmUpload: confirm,
        ListAttachments: listing,
        GetAttachment: get,
        DeleteAttachment: delete,
    }


#: the attachment messages that only read (the bus gives them a read-only unit of work)
QUERIES: frozenset[type[msgspec.Struct]] = frozenset({ListAttachments, GetAttachment})


async def forget_files(storage: FileStorage, attachments: list[Attachment]) -> None:
    """Remove the bytes of attachments whose metadata is gone (after a quest was deleted)."""
    for attachment in attachments:
        await storage.delete(attachment.key)
