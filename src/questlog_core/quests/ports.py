"""Ports of the quest context: repositories and the unit of work (the kernel's shape).

Every query is scoped by owner *at the port*: a quest, template or category of another owner is
simply not found. Adapters (``adapters.memory``, ``adapters.sql``) implement these protocols
and pass the same contract tests; :mod:`adapters.memory.quests` is the reference.

Transactions: a :class:`QuestUnitOfWork` is an async context manager. Changes made through its
repositories become visible to others only on :meth:`~QuestUnitOfWork.commit`; leaving the block
without committing (or with an exception) rolls everything back. On commit the unit of work
pulls the events recorded by every aggregate it handed out or was given (quests, templates,
categories) plus those passed to :meth:`~QuestUnitOfWork.record`, and writes them to the outbox
*in the same transaction* (the transactional outbox): a state change and its events are stored
together or not at all.

Listing (:class:`QuestQuery`) uses keyset ("cursor") pagination. The order is fixed by
:func:`scan_key`: ``(nulls_last_flag, sort value, quest id as integer)``, each ascending, or
with the sort value and id both descending when ``descending`` is set; missing due dates always
sort last. A cursor names the last quest of a page by that key; the next page holds the quests
strictly after it. :func:`encode_cursor`/:func:`decode_cursor` are shared by all adapters so a
cursor means the same thing everywhere.

A page can also come back in the caller's own shape (:meth:`QuestRepository.list_as`): the
same quests, order and cursor as :meth:`QuestRepository.list`, each decoded straight into a
msgspec Struct whose fields are named as :class:`~questlog_core.quests.model.Quest`'s, so a
read-only listing need not build a domain object per row.
"""

from __future__ import annotations

import base64
import binascii
import builtins
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final, Generic, Protocol, TypeVar
from uuid import UUID

import msgspec

from questlog_core.errors import ValidationFailed
from questlog_core.kernel.ids import AttachmentId, CategoryId, QuestId, TemplateId, UserId
from questlog_core.kernel.messaging import Inbox, Outbox, OutboxRecord
from questlog_core.kernel.unit_of_work import UnitOfWork
from questlog_core.quests.attachments import Attachment
from questlog_core.quests.dependencies import DependencyGraph
from questlog_core.quests.model import Quest, QuestStatus
from questlog_core.quests.templates import Category, QuestTemplate

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "AttachmentRepository",
    "CategoryRepository",
    "DependencyRepository",
    "Inbox",
    "Listed",
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

T = TypeVar("T")
#: a caller's shape of a listed quest (see :meth:`QuestRepository.list_as`)
S = TypeVar("S", bound=msgspec.Struct)

DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 200
TEXT_QUERY_MAX_LENGTH: Final = 200


class QuestSort(StrEnum):
    """What a quest list is ordered by (then by id, for a total order)."""

    CREATED = "created"
    UPDATED = "updated"
    DUE = "due"
    PRIORITY = "priority"


class QuestQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters, order and page of a quest listing. Every filter given must match.

    - ``status``: any of these statuses (empty: every status, archived included).
    - ``category``: exact category name. ``tag``: has this tag (exact).
    - ``due_after`` (inclusive) / ``due_before`` (exclusive): due date range; quests without a
      due date never match a range.
    - ``blocked``: ``True`` only quests with at least one prerequisite whose status is open
      (todo/active), ``False`` only quests without one.
    - ``text``: case-insensitive substring of the title or the notes.
    - ``parent_id``: direct sub-quests of this quest.
    - ``limit`` is clamped to 1..:data:`MAX_PAGE_SIZE` (see :func:`clamp_limit`).
    """

    status: tuple[QuestStatus, ...] = ()
    category: str | None = None
    tag: str | None = None
    due_after: datetime | None = None
    due_before: datetime | None = None
    blocked: bool | None = None
    text: str | None = None
    parent_id: QuestId | None = None
    sort: QuestSort = QuestSort.CREATED
    descending: bool = False
    cursor: str | None = None
    limit: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results; ``next_cursor`` is ``None`` on the last page."""

    items: list[T]
    next_cursor: str | None = None


def clamp_limit(limit: int) -> int:
    """A page size within 1..:data:`MAX_PAGE_SIZE` (a silly size is clamped, not refused)."""
    return max(1, min(int(limit), MAX_PAGE_SIZE))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


class Listed(Protocol):
    """What a listing's order reads of a quest: a :class:`Quest`, or any shape of it."""

    @property
    def id(self) -> UUID: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def due(self) -> datetime | None: ...
    @property
    def priority(self) -> int: ...


def sort_value(quest: Listed, sort: QuestSort) -> tuple[int, int]:
    """``(nulls_last_flag, value)`` of a quest for a sort: times as integer microseconds since
    the epoch (exact, unlike floats), priority as its number; a missing due date is ``(1, 0)``."""
    if sort is QuestSort.CREATED:
        return 0, _micros(quest.created_at)
    if sort is QuestSort.UPDATED:
        return 0, _micros(quest.updated_at)
    if sort is QuestSort.DUE:
        return (1, 0) if quest.due is None else (0, _micros(quest.due))
    return 0, int(quest.priority)


def scan_key(quest: Listed, sort: QuestSort, descending: bool) -> tuple[int, int, int]:
    """The position of a quest in a listing: sorting by this key ascending gives the order."""
    null, value = sort_value(quest, sort)
    ident = quest.id.int
    return (null, -value, -ident) if descending else (null, value, ident)


class _Cursor(msgspec.Struct, frozen=True, array_like=True):
    sort: QuestSort
    descending: bool
    null: int
    value: int
    id: UUID


_cursor_decoder = msgspec.json.Decoder(_Cursor)


def encode_cursor(quest: Listed, sort: QuestSort, descending: bool) -> str:
    """An opaque cursor pointing just after ``quest`` in the given order."""
    null, value = sort_value(quest, sort)
    raw = msgspec.json.encode(_Cursor(sort, descending, null, value, quest.id))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: QuestSort, descending: bool) -> tuple[int, int, int]:
    """The :func:`scan_key` position a cursor points after.

    Raises:
        ValidationFailed: field ``cursor`` when it is malformed or made for another order.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parsed = _cursor_decoder.decode(raw)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise ValidationFailed("cursor", "is not a cursor from this listing") from None
    if parsed.sort is not sort or parsed.descending != descending:
        raise ValidationFailed("cursor", "was made for a different sort order")
    ident = parsed.id.int
    return (
        (parsed.null, -parsed.value, -ident) if descending else (parsed.null, parsed.value, ident)
    )


class QuestRepository(Protocol):
    """Quests, always scoped to one owner."""

    async def get(self, owner: UserId, quest_id: QuestId) -> Quest:
        """The quest; raises ``QuestNotFound`` if absent or another owner's."""
        ...

    async def add(self, quest: Quest) -> None:
        """Store a new quest. Raises ``AlreadyExists`` when its id, or its
        ``(owner, series_id, occurrence)`` for a recurring quest, is taken."""
        ...

    async def update(self, quest: Quest, expected_version: int) -> None:
        """Store changes if the stored version is still ``expected_version``, then set
        ``quest.version`` to ``expected_version + 1``. Raises ``ConcurrencyConflict`` otherwise
        and ``QuestNotFound`` if it is gone."""
        ...

    async def delete(self, owner: UserId, quest_id: QuestId) -> None:
        """Remove the quest; raises ``QuestNotFound``. (Its edges are removed separately
        through :meth:`DependencyRepository.remove_quest`.)"""
        ...

    async def list(self, owner: UserId, query: QuestQuery) -> Page[Quest]:
        """One page of the owner's quests matching ``query`` (see :class:`QuestQuery`).

        Raises ``ValidationFailed`` (field ``cursor``) for a foreign or malformed cursor."""
        ...

    async def list_as(self, owner: UserId, query: QuestQuery, shape: type[S]) -> Page[S]:
        """:meth:`list`'s page (same quests, order, cursor and errors), each quest as
        ``shape``: a msgspec Struct whose fields are among :class:`Quest`'s, typed as Quest's
        JSON form (enums by value, tuples as lists, the recurrence and checklist items as
        objects). Adapters decode rows straight into ``shape`` where they can."""
        ...

    async def statuses(
        self, owner: UserId, quest_ids: Collection[QuestId]
    ) -> dict[QuestId, QuestStatus]:
        """Status of each of the owner's quests among ``quest_ids`` (others are left out)."""
        ...

    async def children(self, owner: UserId, parent_id: QuestId) -> builtins.list[Quest]:
        """Every direct sub-quest of ``parent_id``, oldest first."""
        ...

    async def get_occurrence(
        self, owner: UserId, series_id: QuestId, occurrence: int
    ) -> Quest | None:
        """The ``occurrence``-th quest of a recurring series, if it exists."""
        ...


class DependencyRepository(Protocol):
    """The owner's dependency edges ``(prerequisite, dependent)``."""

    async def graph_of(self, owner: UserId, *, for_update: bool = False) -> DependencyGraph:
        """The owner's whole graph. With ``for_update`` the adapter serialises the owner's
        edge writers until the transaction ends (SQL: a row lock), so two concurrent additions
        cannot close a cycle together."""
        ...

    async def add(self, owner: UserId, prerequisite: QuestId, dependent: QuestId) -> None:
        """Store an edge (a duplicate is a no-op). The caller has checked both quests belong
        to ``owner`` and that the edge keeps the graph acyclic."""
        ...

    async def remove(self, owner: UserId, prerequisite: QuestId, dependent: QuestId) -> bool:
        """Delete an edge; ``False`` if there was none."""
        ...

    async def remove_quest(
        self, owner: UserId, quest_id: QuestId
    ) -> builtins.list[tuple[QuestId, QuestId]]:
        """Delete every edge touching ``quest_id``; returns the removed edges."""
        ...


class TemplateRepository(Protocol):
    """Quest templates, scoped to one owner."""

    async def get(self, owner: UserId, template_id: TemplateId) -> QuestTemplate:
        """The template; raises ``TemplateNotFound``."""
        ...

    async def add(self, template: QuestTemplate) -> None:
        """Store a new template; raises ``AlreadyExists`` for a taken id."""
        ...

    async def list(self, owner: UserId) -> builtins.list[QuestTemplate]:
        """Every template of the owner, by name (case-insensitive) then id."""
        ...

    async def update(self, template: QuestTemplate) -> None:
        """Store a changed template (same id and owner); raises ``TemplateNotFound``."""
        ...

    async def delete(self, owner: UserId, template_id: TemplateId) -> None:
        """Remove the template; raises ``TemplateNotFound``. Quests made from it stay."""
        ...


class CategoryRepository(Protocol):
    """Categories, scoped to one owner; names are unique per owner, case-insensitively."""

    async def get(self, owner: UserId, category_id: CategoryId) -> Category:
        """The category; raises ``CategoryNotFound``."""
        ...

    async def add(self, category: Category) -> None:
        """Store a new category; raises ``AlreadyExists`` when the owner has that name."""
        ...

    async def list(self, owner: UserId) -> builtins.list[Category]:
        """Every category of the owner, by name (case-insensitive)."""
        ...

    async def update(self, category: Category) -> None:
        """Store a changed category (same id and owner); raises ``CategoryNotFound``, or
        ``AlreadyExists`` when the new name is another of the owner's categories."""
        ...

    async def delete(self, owner: UserId, category_id: CategoryId) -> None:
        """Remove the category; raises ``CategoryNotFound``."""
        ...


class AttachmentRepository(Protocol):
    """Metadata of files attached to quests, scoped to one owner (the bytes live behind the
    ``FileStorage`` port)."""

    async def get(
        self, owner: UserId, quest_id: QuestId, attachment_id: AttachmentId
    ) -> Attachment:
        """The attachment; raises ``AttachmentNotFound`` if absent, on another quest or
        another owner's."""
        ...

    async def add(self, attachment: Attachment) -> None:
        """Store a new attachment; raises ``AlreadyExists`` for a taken id."""
        ...

    async def update(self, attachment: Attachment) -> None:
        """Store a changed attachment; raises ``AttachmentNotFound``."""
        ...

    async def delete(self, owner: UserId, quest_id: QuestId, attachment_id: AttachmentId) -> None:
        """Remove the attachment; raises ``AttachmentNotFound``."""
        ...

    async def list(self, owner: UserId, quest_id: QuestId) -> builtins.list[Attachment]:
        """The quest's attachments, oldest first (then by id)."""
        ...

    async def remove_quest(self, owner: UserId, quest_id: QuestId) -> builtins.list[Attachment]:
        """Remove every attachment of a quest (it is being deleted); returns them."""
        ...


class QuestUnitOfWork(UnitOfWork, Protocol):
    """One transaction over the quest context's state, outbox and inbox: the kernel's
    :class:`~questlog_core.kernel.unit_of_work.UnitOfWork` with the quest repositories."""

    @property
    def quests(self) -> QuestRepository: ...
    @property
    def dependencies(self) -> DependencyRepository: ...
    @property
    def templates(self) -> TemplateRepository: ...
    @property
    def categories(self) -> CategoryRepository: ...
    @property
    def attachments(self) -> AttachmentRepository: ...
