"""Files attached to a quest: the metadata the quest service keeps about them.

The bytes live behind the ``FileStorage`` port under :func:`storage_key`
(``attachments/<owner>/<quest>/<attachment>``); the quest service stores who owns the file, its
name, media type and size. An attachment is made in one of two ways:

* **direct upload** — the bytes come with the request; the attachment is ``stored`` at once;
* **presigned upload** — the client asks for an upload URL and sends the bytes straight to the
  storage (the local folder's signed URL, or S3). The attachment is ``pending`` until the client
  confirms the upload, when the stored size is measured and it becomes ``stored``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from questlog_core.errors import ValidationFailed
from questlog_core.kernel.ids import AttachmentId, QuestId, UserId

__all__ = [
    "FILENAME_MAX_LENGTH",
    "MAX_ATTACHMENTS_PER_QUEST",
    "Attachment",
    "AttachmentState",
    "storage_key",
    "validate_content_type",
    "validate_filename",
]

FILENAME_MAX_LENGTH: Final = 255
MAX_ATTACHMENTS_PER_QUEST: Final = 50
"""More files than this on one quest is a misuse, not a plan."""

_CONTENT_TYPE = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
    r"(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(\"[^\"\r\n\x00]*\"|[A-Za-z0-9!#$&^_.+-]+))*$"
)


class AttachmentState(StrEnum):
    """Whether the bytes are known to be in storage."""

    PENDING = "pending"
    STORED = "stored"


def validate_filename(name: object) -> str:
    """A display name of 1..255 characters without path separators or control characters."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed("filename", "must be a non-empty name")
    text = name.strip()
    if len(text) > FILENAME_MAX_LENGTH:
        raise ValidationFailed("filename", f"must be at most {FILENAME_MAX_LENGTH} characters")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text) or "/" in text or "\\" in text:
        raise ValidationFailed("filename", "must not contain '/', '\\' or control characters")
    if text in {".", ".."}:
        raise ValidationFailed("filename", "must be a file name")
    return text


def validate_content_type(value: object) -> str:
    """A media type such as ``image/png`` (parameters allowed)."""
    if not isinstance(value, str) or not _CONTENT_TYPE.match(value):
        raise ValidationFailed("content_type", "must be a media type such as 'image/png'")
    return value


def storage_key(owner: UserId, quest_id: QuestId, attachment_id: AttachmentId) -> str:
    """Where an attachment's bytes are stored."""
    return f"attachments/{owner}/{quest_id}/{attachment_id}"


@dataclass(slots=True, eq=False)
class Attachment:
    """A file on a quest. ``size`` is the declared limit while pending, the real size once
    stored."""

    id: AttachmentId
    owner: UserId
    quest_id: QuestId
    filename: str
    content_type: str
    size: int
    state: AttachmentState
    created_at: datetime
    stored_at: datetime | None = None

    @classmethod
    def create(
        cls,
        *,
        id: AttachmentId,
        owner: UserId,
        quest_id: QuestId,
        filename: object,
        content_type: object,
        size: int,
        at: datetime,
        stored: bool,
    ) -> Attachment:
        """A validated attachment, ``stored`` (direct upload) or ``pending`` (presigned)."""
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValidationFailed("size", "must be a whole number of bytes")
        return cls(
            id=id,
            owner=owner,
            quest_id=quest_id,
            filename=validate_filename(filename),
            content_type=validate_content_type(content_type),
            size=size,
            state=AttachmentState.STORED if stored else AttachmentState.PENDING,
            created_at=at,
            stored_at=at if stored else None,
        )

    @property
    def key(self) -> str:
        """The storage key of the bytes."""
        return storage_key(self.owner, self.quest_id, self.id)

    def mark_stored(self, size: int, at: datetime) -> None:
        """The bytes arrived (size measured in storage)."""
        self.size = size
        self.state = AttachmentState.STORED
        self.stored_at = at
