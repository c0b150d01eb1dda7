"""Identifiers used across the domain.

Ids are UUIDs minted by an :class:`~questlog_core.ports.IdFactory` so tests stay
deterministic. ``NewType`` keeps a quest id from being passed where a user id is expected.
"""

from __future__ import annotations

from typing import NewType
from uuid import UUID

UserId = NewType("UserId", UUID)
QuestId = NewType("QuestId", UUID)
TemplateId = NewType("TemplateId", UUID)
CategoryId = NewType("CategoryId", UUID)
EventId = NewType("EventId", UUID)
AttachmentId = NewType("AttachmentId", UUID)

__all__ = ["AttachmentId", "CategoryId", "EventId", "QuestId", "TemplateId", "UserId"]
