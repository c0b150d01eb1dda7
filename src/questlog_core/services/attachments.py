"""Moved to :mod:`questlog_core.quests.use_cases.attachments`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.errors import FileTooLarge as FileTooLarge
from questlog_core.errors import QuestLocked as QuestLocked
from questlog_core.errors import UploadIncomplete as UploadIncomplete
from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import NotFound as NotFound
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.ids import AttachmentId as AttachmentId
from questlog_core.kernel.ids import QuestId as QuestId
from questlog_core.kernel.ids import UserId as UserId
from questlog_core.ports.platform import FileStorage as FileStorage
from questlog_core.quests.attachments import MAX_ATTACHMENTS_PER_QUEST as MAX_ATTACHMENTS_PER_QUEST
from questlog_core.quests.attachments import Attachment as Attachment
from questlog_core.quests.attachments import AttachmentState as AttachmentState
from questlog_core.quests.model.status import QuestStatus as QuestStatus
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.use_cases.attachments import (
    DEFAULT_MAX_ATTACHMENT_BYTES as DEFAULT_MAX_ATTACHMENT_BYTES,
)
from questlog_core.quests.use_cases.attachments import URL_LIFETIME as URL_LIFETIME
from questlog_core.quests.use_cases.attachments import AttachFile as AttachFile
from questlog_core.quests.use_cases.attachments import ConfirmUpload as ConfirmUpload
from questlog_core.quests.use_cases.attachments import DeleteAttachment as DeleteAttachment
from questlog_core.quests.use_cases.attachments import Download as Download
from questlog_core.quests.use_cases.attachments import GetAttachment as GetAttachment
from questlog_core.quests.use_cases.attachments import ListAttachments as ListAttachments
from questlog_core.quests.use_cases.attachments import RequestUpload as RequestUpload
from questlog_core.quests.use_cases.attachments import UploadGrant as UploadGrant
from questlog_core.quests.use_cases.attachments import attach_file as attach_file
from questlog_core.quests.use_cases.attachments import confirm_upload as confirm_upload
from questlog_core.quests.use_cases.attachments import delete_attachment as delete_attachment
from questlog_core.quests.use_cases.attachments import forget_files as forget_files
from questlog_core.quests.use_cases.attachments import get_attachment as get_attachment
from questlog_core.quests.use_cases.attachments import list_attachments as list_attachments
from questlog_core.quests.use_cases.attachments import request_upload as request_upload

__all__ = [
    "DEFAULT_MAX_ATTACHMENT_BYTES",
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
    "forget_files",
    "get_attachment",
    "list_attachments",
    "request_upload",
]
