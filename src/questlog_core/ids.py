"""Identifiers used across the domain: moved to :mod:`questlog_core.kernel.ids`.

This path keeps working (it re-exports the same objects).
"""

from questlog_core.kernel.ids import (
    AttachmentId,
    CategoryId,
    EventId,
    QuestId,
    TemplateId,
    UserId,
)

__all__ = ["AttachmentId", "CategoryId", "EventId", "QuestId", "TemplateId", "UserId"]
