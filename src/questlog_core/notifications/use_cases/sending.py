"""Creating notifications: now (``send``), later (``schedule``), and when schedules fall due.

:func:`notify` is the one place a notification comes to be: it applies the user's
preferences (which channels, quiet hours, global opt-out), stores the in-app record under its
unique key and queues one delivery per other channel. A second call with the same key changes
nothing, which is what makes consumers, retries and the periodic dispatcher safe to repeat.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from questlog_core.errors import ValidationFailed
from questlog_core.ids import UserId
from questlog_core.notifications.model import (
    Channel,
    Delivery,
    DeliveryState,
    Kind,
    Notification,
    ScheduledNotification,
    ScheduleState,
)
from questlog_core.notifications.ports import NotificationUnitOfWork
from questlog_core.ports.platform import Clock, IdFactory

#: recipients one transaction of a broadcast reaches
BROADCAST_BATCH = 200
MAX_TITLE = 200
MAX_BODY = 4000
MAX_KEY = 200
MAX_DATA_ENTRIES = 20
MAX_DATA_KEY = 64
MAX_DATA_VALUE = 500


class Draft(msgspec.Struct, frozen=True, kw_only=True):
    """What a notification says."""

    kind: Kind
    title: str
    body: str = ""
    data: dict[str, str] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.title.strip() or len(self.title) > MAX_TITLE:
            raise ValidationFailed("title", f"1 to {MAX_TITLE} characters")
        if len(self.body) > MAX_BODY:
            raise ValidationFailed("body", f"at most {MAX_BODY} characters")
        if len(self.data) > MAX_DATA_ENTRIES or any(
            len(k) > MAX_DATA_KEY or len(v) > MAX_DATA_VALUE for k, v in self.data.items()
        ):
            raise ValidationFailed(
                "data",
                f"at most {MAX_DATA_ENTRIES} entries, keys up to {MAX_DATA_KEY} and values up "
                f"to {MAX_DATA_VALUE} characters",
            )


async def notify(
    uow: NotificationUnitOfWork,
    user: UserId,
    key: str,
    draft: Draft,
    now: datetime,
    ids: IdFactory,
) -> Notification | None:
    """Store ``draft`` for ``user`` under ``key`` and queue its email/push deliveries, inside
    the caller's unit of work. ``None`` if ``user`` already has a notification with ``key``."""
    preferences = await uow.preferences.get(user)
    channels = preferences.channels_for(draft.kind)
    notification = Notification(
        id=ids.new_id(),
        user=user,
        kind=draft.kind,
        key=key,
        title=draft.title,
        body=draft.body,
        data=dict(draft.data),
        created_at=now,
        in_app=Channel.IN_APP in channels,
    )
    if not await uow.notifications.add(notification):
        return None
    recipient = await uow.recipients.get(user)
    hold = preferences.hold_until(now, recipient.timezone if recipient else "UTC")
    targets: list[tuple[Channel, str]] = []
    if Channel.EMAIL in channels and recipient is not None and recipient.email_active:
        targets.append((Channel.EMAIL, recipient.email))
    if Channel.PUSH in channels:
        targets += [
            (Channel.PUSH, str(d.id)) for d in await uow.devices.of_user(user, active_only=True)
        ]
    for channel, target in targets:
        await uow.deliveries.add(
            Delivery(
                id=ids.new_id(),
                notification_id=notification.id,
                user=user,
                channel=channel,
                target=target,
                state=DeliveryState.QUEUED,
                created_at=now,
                next_attempt_at=hold,
            )
        )
    return notification


class SendNotification(msgspec.Struct, frozen=True, kw_only=True):
    """Send ``draft`` now to ``user``, or to every user when ``user`` is ``None`` (in batches).

    ``key`` makes the send idempotent: a key used before for that user sends nothing again.
    """

    draft: Draft
    user: UserId | None = None
    key: str | None = None


class Sent(msgspec.Struct, frozen=True, kw_only=True):
    """What a send did: the notification made (one user), or the broadcast scheduled."""

    created: bool
    notification_id: str | None = None
    scheduled_id: str | None = None


def _check_key(key: str) -> str:
    if not key.strip() or len(key) > MAX_KEY:
        raise ValidationFailed("key", f"1 to {MAX_KEY} characters")
    return key


async def send_notification(
    cmd: SendNotification, uow: NotificationUnitOfWork, clock: Clock, ids: IdFactory
) -> Sent:
    """Operators and internal services: notify one user now, or schedule a broadcast for now
    (the dispatcher sends it in batches of :data:`BROADCAST_BATCH`)."""
    now = clock.now()
    if cmd.user is None:
        return await schedule_notification(
            ScheduleNotification(draft=cmd.draft, due_at=now, key=cmd.key), uow, clock, ids
        )
    key = _check_key(cmd.key) if cmd.key is not None else f"send:{ids.new_id()}"
    async with uow:
        made = await notify(uow, cmd.user, key, cmd.draft, now, ids)
        await uow.commit()
    return Sent(created=made is not None, notification_id=str(made.id) if made else None)


class ScheduleNotification(msgspec.Struct, frozen=True, kw_only=True):
    """Send ``draft`` at ``due_at`` to ``user`` (``None``: everyone, in batches)."""

    draft: Draft
    due_at: datetime
    user: UserId | None = None
    key: str | None = None


async def schedule_notification(
    cmd: ScheduleNotification, uow: NotificationUnitOfWork, clock: Clock, ids: IdFactory
) -> Sent:
    """Store a schedule; the periodic dispatcher sends it once it is due."""
    if cmd.due_at.tzinfo is None:
        raise ValidationFailed("due_at", "give a time with its UTC offset")
    scheduled_id = ids.new_id()
    key = _check_key(cmd.key) if cmd.key is not None else f"scheduled:{scheduled_id}"
    scheduled = ScheduledNotification(
        id=scheduled_id,
        user=cmd.user,
        kind=cmd.draft.kind,
        key=key,
        title=cmd.draft.title,
        body=cmd.draft.body,
        data=dict(cmd.draft.data),
        due_at=cmd.due_at,
        created_at=clock.now(),
    )
    async with uow:
        added = await uow.schedules.add(scheduled)
        await uow.commit()
    return Sent(created=added, scheduled_id=str(scheduled_id) if added else None)


async def dispatch_due(
    uow: NotificationUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    *,
    limit: int = 100,
    batch: int = BROADCAST_BATCH,
) -> int:
    """Turn schedules due now into notifications, in one transaction; how many notifications
    were made. A broadcast advances by ``batch`` recipients per call and stays pending until
    it has reached everyone; call again while it returns more than zero."""
    now = clock.now()
    made = 0
    async with uow:
        for scheduled in await uow.schedules.due(now, limit):
            draft = Draft(
                kind=scheduled.kind,
                title=scheduled.title,
                body=scheduled.body,
                data=scheduled.data,
            )
            if scheduled.user is not None:
                made += (
                    await notify(uow, scheduled.user, scheduled.key, draft, now, ids) is not None
                )
                finished = True
            else:
                recipients = await uow.recipients.after(scheduled.cursor, batch)
                for recipient in recipients:
                    made += (
                        await notify(uow, recipient.user, scheduled.key, draft, now, ids)
                        is not None
                    )
                finished = len(recipients) < batch
                if recipients:
                    scheduled.cursor = recipients[-1].user
            if finished:
                scheduled.state = ScheduleState.DISPATCHED
                scheduled.dispatched_at = now
            await uow.schedules.save(scheduled)
        await uow.commit()
    return made


__all__ = [
    "BROADCAST_BATCH",
    "Draft",
    "ScheduleNotification",
    "SendNotification",
    "Sent",
    "dispatch_due",
    "notify",
    "schedule_notification",
    "send_notification",
]
