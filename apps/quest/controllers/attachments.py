"""Attachment endpoints: direct or presigned upload, listing, download URL, delete."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from apps.http.dependencies import (
    CurrentUser,
    FileStorageDep,
)
from apps.http.permissions import requires
from apps.quest.controllers._shared import (
    QUEST_BUS,
    QUESTS_PATH,
    QuestBus,
    _max_bytes,
    _owner,
    _refuse_declared_oversize,
)
from apps.quest.schemas import (
    AttachmentDownloadOut,
    AttachmentOut,
    UploadGrantOut,
    UploadUrlIn,
)
from questlog_core.identity.rbac import Permission
from questlog_core.ids import AttachmentId, QuestId
from questlog_core.services import attachments as files


class AttachmentController(Controller):
    """Files on a quest: direct or presigned upload, listing, download URL, delete."""

    dependencies = QUEST_BUS

    path = QUESTS_PATH + "/{quest_id:uuid}/attachments"
    tags = ["attachments"]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        request_max_body_size=files.DEFAULT_MAX_ATTACHMENT_BYTES,
        **requires(Permission.QUESTS_WRITE),
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        quest_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
        storage: FileStorageDep,
        filename: Annotated[str, QueryParameter(max_length=1000)] = "attachment",
    ) -> AttachmentOut:
        """Direct upload: the raw request body is the file, ``Content-Type`` its media type
        (413 over the size limit)."""
        limit = _max_bytes(storage)
        _refuse_declared_oversize(request, limit)
        body = await request.body()
        content_type = request.headers.get("content-type") or "application/octet-stream"
        command = files.AttachFile(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            filename=filename,
            content_type=content_type,
            data=body,
        )
        attachment = await bus.handle(command)
        return AttachmentOut.from_domain(attachment)

    @post("/upload-url", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def upload_url(
        self,
        quest_id: FromPath[UUID],
        data: JSONBody[UploadUrlIn],
        user: CurrentUser,
        bus: QuestBus,
    ) -> UploadGrantOut:
        """Presigned upload: a pending attachment and a URL to ``PUT`` the bytes to; confirm
        with ``POST .../{attachment_id}/confirm`` afterwards."""
        command = files.RequestUpload(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            filename=data.filename,
            content_type=data.content_type,
            size=data.size,
        )
        grant = await bus.handle(command)
        return UploadGrantOut.from_domain(grant)

    @post("/{attachment_id:uuid}/confirm", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def confirm(
        self,
        quest_id: FromPath[UUID],
        attachment_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
    ) -> AttachmentOut:
        """The presigned upload is done: measure it and mark the attachment stored
        (409 ``upload-incomplete`` if the bytes are not there)."""
        command = files.ConfirmUpload(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            attachment_id=AttachmentId(attachment_id),
        )
        attachment = await bus.handle(command)
        return AttachmentOut.from_domain(attachment)

    @get("/", **requires(Permission.QUESTS_READ))
    async def list_attachments(
        self, quest_id: FromPath[UUID], user: CurrentUser, bus: QuestBus
    ) -> list[AttachmentOut]:
        """The quest's attachments, oldest first."""
        query = files.ListAttachments(owner=_owner(user), quest_id=QuestId(quest_id))
        return [AttachmentOut.from_domain(a) for a in await bus.handle(query)]

    @get("/{attachment_id:uuid}", **requires(Permission.QUESTS_READ))
    async def get_attachment(
        self,
        quest_id: FromPath[UUID],
        attachment_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
    ) -> AttachmentDownloadOut:
        """Metadata and a short-lived download URL (``null`` while the upload is pending)."""
        query = files.GetAttachment(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            attachment_id=AttachmentId(attachment_id),
        )
        return AttachmentDownloadOut.from_domain(await bus.handle(query))

    @delete(
        "/{attachment_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.QUESTS_WRITE),
    )
    async def delete_attachment(
        self,
        quest_id: FromPath[UUID],
        attachment_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
    ) -> None:
        """Remove the attachment and its bytes."""
        command = files.DeleteAttachment(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            attachment_id=AttachmentId(attachment_id),
        )
        await bus.handle(command)
