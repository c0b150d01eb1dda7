"""Moving out: everything the notification service keeps of one user, in one read."""

from __future__ import annotations

from uuid import UUID

import msgspec

from questlog_core.ids import UserId
from questlog_core.notifications.model import Delivery, Device, Recipient, ScheduledNotification
from questlog_core.notifications.ports import NotificationUnitOfWork
from questlog_core.notifications.preferences import Preferences
from questlog_core.notifications.use_cases.reading import HistoryItem


class NotificationData(msgspec.Struct, frozen=True, kw_only=True):
    """What the notification service keeps of one user.

    ``notifications`` are all of them, oldest first: in-app or email/push only, read or not,
    each with its deliveries. ``scheduled`` are the user's own schedules still waiting (those
    already dispatched are in ``notifications``; broadcasts belong to nobody). ``recipient``
    is what the service learned from identity to reach the user (``None`` before it heard).
    """

    recipient: Recipient | None
    preferences: Preferences
    notifications: list[HistoryItem]
    scheduled: list[ScheduledNotification]
    devices: list[Device]


async def export_notifications(user: UserId, uow: NotificationUnitOfWork) -> NotificationData:
    """Everything of ``user``'s, read in one transaction so the parts agree."""
    async with uow:
        recipient = await uow.recipients.get(user)
        preferences = await uow.preferences.get(user)
        notifications = await uow.notifications.of_user(user)
        deliveries = await uow.deliveries.of_user(user)
        scheduled = await uow.schedules.pending_of(user)
        devices = await uow.devices.of_user(user)
    by_notification: dict[UUID, list[Delivery]] = {n.id: [] for n in notifications}
    for delivery in deliveries:
        if delivery.notification_id in by_notification:
            by_notification[delivery.notification_id].append(delivery)
    return NotificationData(
        recipient=recipient,
        preferences=preferences,
        notifications=[
            HistoryItem(notification=n, deliveries=by_notification[n.id]) for n in notifications
        ],
        scheduled=scheduled,
        devices=devices,
    )


__all__ = ["NotificationData", "export_notifications"]
