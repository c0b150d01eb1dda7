"""Moved to :mod:`questlog_core.quests.ports`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.events import DomainEvent as DomainEvent
from questlog_core.kernel.ids import AttachmentId as AttachmentId
from questlog_core.kernel.ids import CategoryId as CategoryId
from questlog_core.kernel.ids import QuestId as QuestId
from questlog_core.kernel.ids import TemplateId as TemplateId
from questlog_core.kernel.ids import UserId as UserId
from questlog_core.kernel.messaging import Inbox as Inbox
from questlog_core.kernel.messaging import Outbox as Outbox
from questlog_core.kernel.messaging import OutboxRecord as OutboxRecord
from questlog_core.quests.attachments import Attachment as Attachment
from questlog_core.quests.dependencies import DependencyGraph as DependencyGraph
from questlog_core.quests.model.quest import Quest as Quest
from questlog_core.quests.model.status import QuestStatus as QuestStatus
from questlog_core.quests.ports import DEFAULT_PAGE_SIZE as DEFAULT_PAGE_SIZE
from questlog_core.quests.ports import MAX_PAGE_SIZE as MAX_PAGE_SIZE
from questlog_core.quests.ports import TEXT_QUERY_MAX_LENGTH as TEXT_QUERY_MAX_LENGTH
from questlog_core.quests.ports import AttachmentRepository as AttachmentRepository
from questlog_core.quests.ports import CategoryRepository as CategoryRepository
from questlog_core.quests.ports import DependencyRepository as DependencyRepository
from questlog_core.quests.ports import Page as Page
from questlog_core.quests.ports import QuestQuery as QuestQuery
from questlog_core.quests.ports import QuestRepository as QuestRepository
from questlog_core.quests.ports import QuestSort as QuestSort
from questlog_core.quests.ports import QuestUnitOfWork as QuestUnitOfWork
from questlog_core.quests.ports import T as T
from questlog_core.quests.ports import TemplateRepository as TemplateRepository
from questlog_core.quests.ports import clamp_limit as clamp_limit
from questlog_core.quests.ports import decode_cursor as decode_cursor
from questlog_core.quests.ports import encode_cursor as encode_cursor
from questlog_core.quests.ports import scan_key as scan_key
from questlog_core.quests.ports import sort_value as sort_value
from questlog_core.quests.templates import Category as Category
from questlog_core.quests.templates import QuestTemplate as QuestTemplate

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "AttachmentRepository",
    "CategoryRepository",
    "DependencyRepository",
    "Inbox",
    "Outbox",
    "OutboxRecord",
    "Page",
    "QuestQuery",
    "QuestRepository",
    "QuestSort",
    "QuestUnitOfWork",
    "TemplateRepository",
    "clamp_limit",
    "decode_cursor",
    "encode_cursor",
    "scan_key",
]
