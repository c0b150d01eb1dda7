"""The notification context's commands and queries as messages for the bus, and the handler of
each.

Sending, scheduling and registering a device are the use cases' own command structs
(re-exported here); the rest wrap the use cases that take plain arguments. :func:`handlers`
binds each message to its use case with the clock and the id factory injected at bootstrap
(see :mod:`questlog_core.notifications.bootstrap`). The names a controller needs to build a
message (kinds, drafts, the history query) are re-exported here, so a controller needs nothing
deeper than this module. Reacting to other contexts' events and delivering queued messages are
the workers' (:mod:`.use_cases.consuming`, :mod:`.use_cases.delivery`), not HTTP messages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import msgspec

from questlog_core.ids import UserId
from questlog_core.notifications.model import Device, Kind
from questlog_core.notifications.ports import HistoryQuery, NotificationUnitOfWork
from questlog_core.notifications.preferences import Preferences
from questlog_core.notifications.unsubscribe import Unsubscribe
from questlog_core.notifications.use_cases import (
    Draft,
    HistoryPage,
    NotificationData,
    RegisterDevice,
    ScheduleNotification,
    SendNotification,
    Sent,
    devices_of,
    export_notifications,
    history,
    mark_read,
    preferences_of,
    register_device,
    remove_device,
    schedule_notification,
    send_notification,
    set_preferences,
    unsubscribe,
)
from questlog_core.ports.platform import Clock, IdFactory

__all__ = [
    "QUERIES",
    "Draft",
    "ExportNotifications",
    "GetHistory",
    "GetPreferences",
    "HistoryPage",
    "HistoryQuery",
    "Kind",
    "ListDevices",
    "MarkRead",
    "NotificationData",
    "NotificationUnitOfWork",
    "RegisterDevice",
    "RemoveDevice",
    "ScheduleNotification",
    "SendNotification",
    "Sent",
    "SetPreferences",
    "UnsubscribeByLink",
    "handlers",
]


class GetHistory(msgspec.Struct, frozen=True, kw_only=True):
    """A page of ``user``'s in-app notifications, newest first, with their deliveries."""

    user: UserId
    query: HistoryQuery


class MarkRead(msgspec.Struct, frozen=True, kw_only=True):
    """Mark some (``ids``) or all (``None``) of ``user``'s notifications read; answers how many
    were unread (another user's id is not found, and nothing is marked)."""

    user: UserId
    ids: tuple[UUID, ...] | None = None


class GetPreferences(msgspec.Struct, frozen=True, kw_only=True):
    """``user``'s preferences (the defaults until they change them)."""

    user: UserId


class SetPreferences(msgspec.Struct, frozen=True, kw_only=True):
    """Replace ``user``'s preferences."""

    user: UserId
    preferences: Preferences


class UnsubscribeByLink(msgspec.Struct, frozen=True, kw_only=True):
    """Turn off what a verified unsubscribe link names (one kind on one channel)."""

    link: Unsubscribe


class ListDevices(msgspec.Struct, frozen=True, kw_only=True):
    """``user``'s push devices, oldest first."""

    user: UserId


class RemoveDevice(msgspec.Struct, frozen=True, kw_only=True):
    """Forget one of ``user``'s devices (another user's device is not found)."""

    user: UserId
    device_id: UUID


class ExportNotifications(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the notification service keeps of ``user`` (answers a
    :class:`NotificationData`)."""

    user: UserId


#: the notification messages that only read
QUERIES: frozenset[type[msgspec.Struct]] = frozenset(
    {GetHistory, GetPreferences, ListDevices, ExportNotifications}
)

Handler = Callable[[Any, NotificationUnitOfWork], Awaitable[Any]]


def handlers(
    *, clock: Callable[[], Clock], ids: Callable[[], IdFactory]
) -> dict[type[msgspec.Struct], Handler]:
    """Every notification message mapped to its use case. The clock and the id factory are
    asked for on every message (the container's providers), so one a test replaced is used."""

    async def send(c: SendNotification, uow: NotificationUnitOfWork) -> Sent:
        return await send_notification(c, uow, clock(), ids())

    async def schedule(c: ScheduleNotification, uow: NotificationUnitOfWork) -> Sent:
        return await schedule_notification(c, uow, clock(), ids())

    async def page(q: GetHistory, uow: NotificationUnitOfWork) -> HistoryPage:
        return await history(q.user, q.query, uow)

    async def read(c: MarkRead, uow: NotificationUnitOfWork) -> int:
        return await mark_read(c.user, c.ids, uow, clock(), ids())

    async def preferences(q: GetPreferences, uow: NotificationUnitOfWork) -> Preferences:
        return await preferences_of(q.user, uow)

    async def choose(c: SetPreferences, uow: NotificationUnitOfWork) -> Preferences:
        return await set_preferences(c.user, c.preferences, uow)

    async def opt_out(c: UnsubscribeByLink, uow: NotificationUnitOfWork) -> Preferences:
        return await unsubscribe(c.link, uow)

    async def register(c: RegisterDevice, uow: NotificationUnitOfWork) -> tuple[Device, bool]:
        return await register_device(c, uow, clock(), ids())

    async def devices(q: ListDevices, uow: NotificationUnitOfWork) -> list[Device]:
        return await devices_of(q.user, uow)

    async def remove(c: RemoveDevice, uow: NotificationUnitOfWork) -> None:
        await remove_device(c.user, c.device_id, uow)

    async def export(q: ExportNotifications, uow: NotificationUnitOfWork) -> NotificationData:
        return await export_notifications(q.user, uow)

    return {
        SendNotification: send,
        ScheduleNotification: schedule,
        GetHistory: page,
        MarkRead: read,
        GetPreferences: preferences,
        SetPreferences: choose,
        UnsubscribeByLink: opt_out,
        RegisterDevice: register,
        ListDevices: devices,
        RemoveDevice: remove,
        ExportNotifications: export,
    }
