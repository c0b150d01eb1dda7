"""What a user does with their own notifications: read the history, mark read, choose
preferences, register push devices, unsubscribe through a signed link."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import msgspec

from questlog_core.errors import NotFound, ValidationFailed
from questlog_core.ids import EventId, UserId
from questlog_core.notifications.events import NotificationsRead
from questlog_core.notifications.model import Delivery, Device, DevicePlatform, Notification
from questlog_core.notifications.ports import HistoryQuery, NotificationUnitOfWork
from questlog_core.notifications.preferences import Preferences
from questlog_core.notifications.unsubscribe import Unsubscribe
from questlog_core.ports.platform import Clock, IdFactory

MAX_PAGE = 100
#: push devices one user may register
MAX_DEVICES = 20
MAX_DEVICE_TOKEN = 4096


class HistoryItem(msgspec.Struct, frozen=True, kw_only=True):
    notification: Notification
    deliveries: list[Delivery]


class HistoryPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[HistoryItem]
    unread: int
    #: pass as ``after`` for the next page (``None``: this was the last)
    next_after: tuple[str, str] | None


async def history(user: UserId, query: HistoryQuery, uow: NotificationUnitOfWork) -> HistoryPage:
    """A page of the user's in-app notifications, newest first, with each one's deliveries."""
    if not 1 <= query.limit <= MAX_PAGE:
        raise ValidationFailed("limit", f"1 to {MAX_PAGE}")
    async with uow:
        found = await uow.notifications.history(
            user, msgspec.structs.replace(query, limit=query.limit + 1)
        )
        page = found[: query.limit]
        items = [
            HistoryItem(notification=n, deliveries=await uow.deliveries.of_notification(user, n.id))
            for n in page
        ]
        unread = await uow.notifications.unread_count(user)
    last = page[-1] if len(found) > query.limit else None
    return HistoryPage(
        items=items,
        unread=unread,
        next_after=(last.created_at.isoformat(), str(last.id)) if last else None,
    )


async def mark_read(
    user: UserId,
    ids: Sequence[UUID] | None,
    uow: NotificationUnitOfWork,
    clock: Clock,
    id_factory: IdFactory | None = None,
) -> int:
    """Mark some (``ids``) or all (``None``) of the user's notifications read; how many were
    unread. Another user's ids are not found (404), and nothing is marked. When some were
    unread and ``id_factory`` is given, :class:`NotificationsRead` goes to the outbox in the
    same transaction (what product analytics counts as notifications opened)."""
    async with uow:
        if ids is not None:
            for notification_id in ids:
                if await uow.notifications.get(user, notification_id) is None:
                    raise NotFound("notification", notification_id)
        now = clock.now()
        changed = await uow.notifications.mark_read(user, ids, now)
        if changed and id_factory is not None:
            uow.record(
                NotificationsRead(
                    event_id=EventId(id_factory.new_id()),
                    occurred_at=now,
                    owner=user,
                    count=changed,
                    notification_ids=tuple(ids or ()),
                    all_of_them=ids is None,
                )
            )
        await uow.commit()
    return changed


async def preferences_of(user: UserId, uow: NotificationUnitOfWork) -> Preferences:
    async with uow:
        return await uow.preferences.get(user)


async def set_preferences(
    user: UserId, preferences: Preferences, uow: NotificationUnitOfWork
) -> Preferences:
    """Replace the user's preferences (``preferences.version`` is the one read: a concurrent
    change in between is a ``ConcurrencyConflict``)."""
    async with uow:
        current = await uow.preferences.get(user)
        chosen = msgspec.structs.replace(preferences, version=current.version)
        await uow.preferences.save(user, chosen)
        await uow.commit()
    return msgspec.structs.replace(chosen, version=current.version + 1)


async def unsubscribe(link: Unsubscribe, uow: NotificationUnitOfWork) -> Preferences:
    """Turn off what a verified unsubscribe link names (one kind on one channel)."""
    async with uow:
        current = await uow.preferences.get(link.user)
        changed = current.without(link.kind, link.channel)
        await uow.preferences.save(link.user, changed)
        await uow.commit()
    return msgspec.structs.replace(changed, version=current.version + 1)


class RegisterDevice(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    platform: DevicePlatform
    token: str
    label: str = ""

    def __post_init__(self) -> None:
        if not self.token.strip() or len(self.token) > MAX_DEVICE_TOKEN:
            raise ValidationFailed("token", f"1 to {MAX_DEVICE_TOKEN} characters")
        if len(self.label) > 100:
            raise ValidationFailed("label", "at most 100 characters")


async def register_device(
    cmd: RegisterDevice, uow: NotificationUnitOfWork, clock: Clock, ids: IdFactory
) -> tuple[Device, bool]:
    """Register a push endpoint; ``(device, created)`` (``False``: the token was known and is
    active again)."""
    async with uow:
        existing = await uow.devices.of_user(cmd.user)
        known = [d for d in existing if d.token == cmd.token]
        if not known and len(existing) >= MAX_DEVICES:
            raise ValidationFailed("token", f"at most {MAX_DEVICES} devices per user")
        device = await uow.devices.add(
            Device(
                id=ids.new_id(),
                user=cmd.user,
                platform=cmd.platform,
                token=cmd.token,
                label=cmd.label,
                created_at=clock.now(),
            )
        )
        await uow.commit()
    return device, not known


async def devices_of(user: UserId, uow: NotificationUnitOfWork) -> list[Device]:
    async with uow:
        return await uow.devices.of_user(user)


async def remove_device(user: UserId, device_id: UUID, uow: NotificationUnitOfWork) -> None:
    """Forget a device (another user's device is not found)."""
    async with uow:
        if not await uow.devices.remove(user, device_id):
            raise NotFound("device", device_id)
        await uow.commit()


__all__ = [
    "HistoryItem",
    "HistoryPage",
    "RegisterDevice",
    "devices_of",
    "history",
    "mark_read",
    "preferences_of",
    "register_device",
    "remove_device",
    "set_preferences",
    "unsubscribe",
]
