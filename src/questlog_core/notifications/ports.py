"""Ports of the notification service: its repositories and its unit of work.

Every query is scoped by user at the port, so another user's notifications or devices cannot
be fetched by accident. Adapters: :mod:`adapters.memory.notifications` (reference semantics)
and :mod:`adapters.sql.notifications`; ``tests/contract/test_notification_store.py`` holds
both to the same behaviour. The unit of work follows the game's: nothing is visible to others
until ``commit``; leaving the ``async with`` block without committing discards every change,
inbox claims and recorded events included.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

import msgspec

from questlog_core.ids import UserId
from questlog_core.kernel.unit_of_work import UnitOfWork
from questlog_core.notifications.model import (
    Delivery,
    Device,
    Kind,
    Notification,
    Recipient,
    ScheduledNotification,
)
from questlog_core.notifications.preferences import Preferences


class HistoryQuery(msgspec.Struct, frozen=True, kw_only=True):
    """A page of one user's in-app notifications, newest first."""

    kind: Kind | None = None
    #: ``True`` only read ones, ``False`` only unread ones, ``None`` both
    read: bool | None = None
    limit: int = 50
    #: the ``(created_at, id)`` of the last item of the previous page
    after: tuple[datetime, UUID] | None = None


class NotificationRepository(Protocol):
    async def add(self, notification: Notification) -> bool:
        """Store ``notification``; ``False`` (and nothing stored) when the user already has
        one with its ``key``: the same fact never becomes two notifications."""
        ...

    async def get(self, user: UserId, notification_id: UUID) -> Notification | None: ...

    async def history(self, user: UserId, query: HistoryQuery) -> list[Notification]:
        """In-app notifications of ``user`` matching ``query``, newest first."""
        ...

    async def mark_read(self, user: UserId, ids: Sequence[UUID] | None, at: datetime) -> int:
        """Mark ``ids`` (``None``: every unread one) of ``user`` read; how many changed.
        Ids of other users' notifications change nothing."""
        ...

    async def unread_count(self, user: UserId) -> int: ...

    async def of_user(self, user: UserId) -> list[Notification]:
        """Every notification of ``user``, in-app or not, read or not, oldest first (what a
        data export holds)."""
        ...


class DeliveryRepository(Protocol):
    async def add(self, delivery: Delivery) -> bool:
        """Store ``delivery``; ``False`` if its notification already has one on that channel
        to that target (never delivered twice)."""
        ...

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        """Queued deliveries due at ``now`` (oldest first), each leased until ``until``
        (their ``next_attempt_at`` moves there) so no other dispatcher takes them meanwhile."""
        ...

    async def save(self, delivery: Delivery) -> None:
        """Store the outcome of an attempt (state, attempts, times, reason)."""
        ...

    async def of_notification(self, user: UserId, notification_id: UUID) -> list[Delivery]: ...

    async def of_user(self, user: UserId) -> list[Delivery]:
        """Every delivery of ``user``'s notifications, by notification then channel and
        target (what a data export holds)."""
        ...


class ScheduleRepository(Protocol):
    async def add(self, scheduled: ScheduledNotification) -> bool:
        """Store ``scheduled``; ``False`` if one with its ``key`` (and user) exists."""
        ...

    async def due(self, now: datetime, limit: int) -> list[ScheduledNotification]:
        """Pending schedules due at ``now``, oldest first (locked for this transaction where
        the database can, so two dispatchers never work on one)."""
        ...

    async def save(self, scheduled: ScheduledNotification) -> None: ...

    async def cancel_subject(self, user: UserId, subject: str) -> int:
        """Cancel the pending schedules of ``user`` about ``subject``; how many."""
        ...

    async def cancel_key(self, user: UserId, key: str) -> bool:
        """Cancel ``user``'s pending schedule with ``key``; whether there was one."""
        ...

    async def pending_of(self, user: UserId) -> list[ScheduledNotification]:
        """``user``'s pending schedules, soonest first."""
        ...


class PreferenceRepository(Protocol):
    async def get(self, user: UserId) -> Preferences:
        """The user's preferences (the defaults if they never changed them)."""
        ...

    async def save(self, user: UserId, preferences: Preferences) -> None:
        """Store ``preferences`` if nobody saved since its ``version`` was read (then bump
        it); ``ConcurrencyConflict`` otherwise."""
        ...


class RecipientRepository(Protocol):
    async def get(self, user: UserId) -> Recipient | None: ...

    async def put(self, recipient: Recipient) -> None:
        """Store ``recipient`` (insert or replace)."""
        ...

    async def after(self, user: UUID | None, limit: int) -> list[Recipient]:
        """Up to ``limit`` recipients with ids after ``user`` (``None``: from the first), in id
        order: how a broadcast walks everyone in batches."""
        ...


class DeviceRepository(Protocol):
    async def add(self, device: Device) -> Device:
        """Register ``device``; registering a token the user already has returns (and
        reactivates) the stored device instead of a second one."""
        ...

    async def get(self, user: UserId, device_id: UUID) -> Device | None: ...

    async def of_user(self, user: UserId, *, active_only: bool = False) -> list[Device]: ...

    async def remove(self, user: UserId, device_id: UUID) -> bool: ...

    async def save(self, device: Device) -> None: ...


class NotificationUnitOfWork(UnitOfWork, Protocol):
    """One transaction over the notification service's state, inbox and outbox: the kernel's
    :class:`~questlog_core.kernel.unit_of_work.UnitOfWork` with the service's repositories."""

    notifications: NotificationRepository
    deliveries: DeliveryRepository
    schedules: ScheduleRepository
    preferences: PreferenceRepository
    recipients: RecipientRepository
    devices: DeviceRepository


__all__ = [
    "DeliveryRepository",
    "DeviceRepository",
    "HistoryQuery",
    "NotificationRepository",
    "NotificationUnitOfWork",
    "PreferenceRepository",
    "RecipientRepository",
    "ScheduleRepository",
]
