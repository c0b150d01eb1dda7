"""SQL repositories and unit of work of the notification service.

Same semantics as :mod:`adapters.memory.notifications` (the contract tests hold both to them),
with the database keeping the promises: unique keys refuse a second notification of one fact,
a second delivery of one notification to one target and a second schedule of one key
(``ON CONFLICT DO NOTHING``, so a refusal is ``False``, not an aborted transaction); due
deliveries and schedules are claimed ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent
dispatchers never take the same row (SQLite has one writer at a time anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.memory.notifications import token_digest
from adapters.sql import dialects
from adapters.sql.tables import notification as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.errors import ConcurrencyConflict
from questlog_core.ids import UserId
from questlog_core.notifications.model import (
    Channel,
    Delivery,
    DeliveryState,
    Device,
    DevicePlatform,
    Kind,
    Notification,
    Recipient,
    ScheduledNotification,
    ScheduleState,
)
from questlog_core.notifications.ports import (
    DeliveryRepository,
    DeviceRepository,
    HistoryQuery,
    NotificationRepository,
    PreferenceRepository,
    RecipientRepository,
    ScheduleRepository,
)
from questlog_core.notifications.preferences import Preferences
from questlog_core.ports.platform import Clock

if TYPE_CHECKING:
    from questlog_core.notifications.ports import NotificationUnitOfWork

BROADCAST = "*"


class _Repository:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _c(self) -> AsyncConnection:
        return self._uow.connection


def _notification(row: Any) -> Notification:
    return Notification(
        id=row.id,
        user=UserId(row.user_id),
        kind=Kind(row.kind),
        key=row.key,
        title=row.title,
        body=row.body,
        data=dict(row.data),
        in_app=row.in_app,
        created_at=row.created_at,
        read_at=row.read_at,
    )


class SqlNotifications(_Repository):
    async def add(self, notification: Notification) -> bool:
        return await dialects.insert_if_absent(
            self._c,
            t.notifications,
            {
                "id": notification.id,
                "user_id": notification.user,
                "kind": notification.kind.value,
                "key": notification.key,
                "title": notification.title,
                "body": notification.body,
                "data": notification.data,
                "in_app": notification.in_app,
                "created_at": notification.created_at,
                "read_at": notification.read_at,
            },
        )

    async def get(self, user: UserId, notification_id: UUID) -> Notification | None:
        n = t.notifications
        row = (
            await self._c.execute(select(n).where(n.c.user_id == user, n.c.id == notification_id))
        ).first()
        return None if row is None else _notification(row)

    async def history(self, user: UserId, query: HistoryQuery) -> list[Notification]:
        n = t.notifications
        statement = select(n).where(n.c.user_id == user, n.c.in_app.is_(True))
        if query.kind is not None:
            statement = statement.where(n.c.kind == query.kind.value)
        if query.read is not None:
            statement = statement.where(
                n.c.read_at.is_not(None) if query.read else n.c.read_at.is_(None)
            )
        if query.after is not None:
            at, last_id = query.after
            statement = statement.where(
                or_(n.c.created_at < at, and_(n.c.created_at == at, n.c.id < last_id))
            )
        statement = statement.order_by(n.c.created_at.desc(), n.c.id.desc()).limit(query.limit)
        return [_notification(r) for r in (await self._c.execute(statement)).all()]

    async def mark_read(self, user: UserId, ids: Sequence[UUID] | None, at: datetime) -> int:
        n = t.notifications
        statement = update(n).where(n.c.user_id == user, n.c.read_at.is_(None))
        if ids is not None:
            if not ids:
                return 0
            statement = statement.where(n.c.id.in_(list(ids)))
        changed = await self._c.execute(statement.values(read_at=at).returning(n.c.id))
        return len(changed.all())

    async def unread_count(self, user: UserId) -> int:
        n = t.notifications
        statement = select(func.count()).where(
            n.c.user_id == user, n.c.in_app.is_(True), n.c.read_at.is_(None)
        )
        return int((await self._c.execute(statement)).scalar_one())

    async def of_user(self, user: UserId) -> list[Notification]:
        n = t.notifications
        statement = select(n).where(n.c.user_id == user).order_by(n.c.created_at, n.c.id)
        return [_notification(r) for r in (await self._c.execute(statement)).all()]


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        notification_id=row.notification_id,
        user=UserId(row.user_id),
        channel=Channel(row.channel),
        target=row.target,
        state=DeliveryState(row.state),
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        reason=row.reason,
    )


def _delivery_values(delivery: Delivery) -> dict[str, Any]:
    return {
        "state": delivery.state.value,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "sent_at": delivery.sent_at,
        "reason": delivery.reason,
    }


class SqlDeliveries(_Repository):
    async def add(self, delivery: Delivery) -> bool:
        return await dialects.insert_if_absent(
            self._c,
            t.deliveries,
            {
                "id": delivery.id,
                "notification_id": delivery.notification_id,
                "user_id": delivery.user,
                "channel": delivery.channel.value,
                "target": delivery.target,
                "created_at": delivery.created_at,
                **_delivery_values(delivery),
            },
        )

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        d = t.deliveries
        due = (
            select(d)
            .where(d.c.state == DeliveryState.QUEUED.value, d.c.next_attempt_at <= now)
            .order_by(d.c.next_attempt_at, d.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = (await self._c.execute(due)).all()
        if not rows:
            return []
        await self._c.execute(
            update(d).where(d.c.id.in_([r.id for r in rows])).values(next_attempt_at=until)
        )
        return [msgspec.structs.replace(_delivery(r), next_attempt_at=until) for r in rows]

    async def save(self, delivery: Delivery) -> None:
        d = t.deliveries
        await self._c.execute(
            update(d).where(d.c.id == delivery.id).values(_delivery_values(delivery))
        )

    async def of_notification(self, user: UserId, notification_id: UUID) -> list[Delivery]:
        d = t.deliveries
        statement = (
            select(d)
            .where(d.c.user_id == user, d.c.notification_id == notification_id)
            .order_by(d.c.channel, d.c.target)
        )
        return [_delivery(r) for r in (await self._c.execute(statement)).all()]

    async def of_user(self, user: UserId) -> list[Delivery]:
        d = t.deliveries
        statement = (
            select(d)
            .where(d.c.user_id == user)
            .order_by(d.c.notification_id, d.c.channel, d.c.target)
        )
        return [_delivery(r) for r in (await self._c.execute(statement)).all()]


def _scheduled(row: Any) -> ScheduledNotification:
    return ScheduledNotification(
        id=row.id,
        user=UserId(row.user_id) if row.user_id is not None else None,
        kind=Kind(row.kind),
        key=row.key,
        title=row.title,
        body=row.body,
        data=dict(row.data),
        due_at=row.due_at,
        created_at=row.created_at,
        subject=row.subject,
        state=ScheduleState(row.state),
        cursor=row.cursor,
        dispatched_at=row.dispatched_at,
    )


class SqlSchedules(_Repository):
    async def add(self, scheduled: ScheduledNotification) -> bool:
        return await dialects.insert_if_absent(
            self._c,
            t.schedules,
            {
                "id": scheduled.id,
                "audience": str(scheduled.user) if scheduled.user is not None else BROADCAST,
                "user_id": scheduled.user,
                "kind": scheduled.kind.value,
                "key": scheduled.key,
                "title": scheduled.title,
                "body": scheduled.body,
                "data": scheduled.data,
                "due_at": scheduled.due_at,
                "created_at": scheduled.created_at,
                "subject": scheduled.subject,
                "state": scheduled.state.value,
                "cursor": scheduled.cursor,
                "dispatched_at": scheduled.dispatched_at,
            },
        )

    async def due(self, now: datetime, limit: int) -> list[ScheduledNotification]:
        s = t.schedules
        statement = (
            select(s)
            .where(s.c.state == ScheduleState.PENDING.value, s.c.due_at <= now)
            .order_by(s.c.due_at, s.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_scheduled(r) for r in (await self._c.execute(statement)).all()]

    async def save(self, scheduled: ScheduledNotification) -> None:
        s = t.schedules
        await self._c.execute(
            update(s)
            .where(s.c.id == scheduled.id)
            .values(
                state=scheduled.state.value,
                cursor=scheduled.cursor,
                dispatched_at=scheduled.dispatched_at,
            )
        )

    async def cancel_subject(self, user: UserId, subject: str) -> int:
        s = t.schedules
        result = await self._c.execute(
            update(s)
            .where(
                s.c.user_id == user,
                s.c.subject == subject,
                s.c.state == ScheduleState.PENDING.value,
            )
            .values(state=ScheduleState.CANCELLED.value)
            .returning(s.c.id)
        )
        return len(result.all())

    async def cancel_key(self, user: UserId, key: str) -> bool:
        s = t.schedules
        where = (s.c.audience == str(user), s.c.key == key)
        await self._c.execute(
            update(s)
            .where(*where, s.c.state == ScheduleState.PENDING.value)
            .values(state=ScheduleState.CANCELLED.value)
        )
        found = await self._c.execute(select(s.c.id).where(*where))
        return found.first() is not None

    async def pending_of(self, user: UserId) -> list[ScheduledNotification]:
        s = t.schedules
        statement = (
            select(s)
            .where(s.c.user_id == user, s.c.state == ScheduleState.PENDING.value)
            .order_by(s.c.due_at, s.c.id)
        )
        return [_scheduled(r) for r in (await self._c.execute(statement)).all()]


class SqlPreferences(_Repository):
    async def get(self, user: UserId) -> Preferences:
        p = t.preferences
        row = (await self._c.execute(select(p).where(p.c.user_id == user))).first()
        if row is None:
            return Preferences()
        stored = msgspec.convert(row.document, Preferences)
        return msgspec.structs.replace(stored, version=row.version)

    async def save(self, user: UserId, preferences: Preferences) -> None:
        p = t.preferences
        document = msgspec.to_builtins(msgspec.structs.replace(preferences, version=0))
        if preferences.version == 0:
            inserted = await dialects.insert_if_absent(
                self._c, p, {"user_id": user, "document": document, "version": 1}
            )
            if inserted:
                return
            raise ConcurrencyConflict("preferences", user, 0, 1)
        changed = await self._c.execute(
            update(p)
            .where(p.c.user_id == user, p.c.version == preferences.version)
            .values(document=document, version=preferences.version + 1)
            .returning(p.c.user_id)
        )
        if changed.first() is None:
            raise ConcurrencyConflict("preferences", user, preferences.version, None)


def _recipient(row: Any) -> Recipient:
    return Recipient(
        user=UserId(row.user_id),
        email=row.email,
        timezone=row.timezone,
        email_active=row.email_active,
        deactivated_reason=row.deactivated_reason,
    )


class SqlRecipients(_Repository):
    async def get(self, user: UserId) -> Recipient | None:
        r = t.recipients
        row = (await self._c.execute(select(r).where(r.c.user_id == user))).first()
        return None if row is None else _recipient(row)

    async def put(self, recipient: Recipient) -> None:
        r = t.recipients
        values = {
            "email": recipient.email,
            "timezone": recipient.timezone,
            "email_active": recipient.email_active,
            "deactivated_reason": recipient.deactivated_reason,
        }
        statement = (
            dialects.insert(self._c, r)
            .values(user_id=recipient.user, **values)
            .on_conflict_do_update(index_elements=[r.c.user_id], set_=values)
        )
        await self._c.execute(statement)

    async def after(self, user: UUID | None, limit: int) -> list[Recipient]:
        r = t.recipients
        statement = select(r).order_by(r.c.user_id).limit(limit)
        if user is not None:
            statement = statement.where(r.c.user_id > user)
        return [_recipient(row) for row in (await self._c.execute(statement)).all()]


def _device(row: Any) -> Device:
    return Device(
        id=row.id,
        user=UserId(row.user_id),
        platform=DevicePlatform(row.platform),
        token=row.token,
        label=row.label,
        created_at=row.created_at,
        active=row.active,
        deactivated_reason=row.deactivated_reason,
    )


class SqlDevices(_Repository):
    async def add(self, device: Device) -> Device:
        d = t.devices
        digest = token_digest(device.token)
        await dialects.insert_if_absent(
            self._c,
            d,
            {
                "id": device.id,
                "user_id": device.user,
                "platform": device.platform.value,
                "token": device.token,
                "token_sha256": digest,
                "label": device.label,
                "created_at": device.created_at,
                "active": True,
                "deactivated_reason": None,
            },
        )
        row = (
            await self._c.execute(
                update(d)
                .where(d.c.user_id == device.user, d.c.token_sha256 == digest)
                .values(active=True, deactivated_reason=None)
                .returning(*d.c)
            )
        ).one()
        return _device(row)

    async def get(self, user: UserId, device_id: UUID) -> Device | None:
        d = t.devices
        row = (
            await self._c.execute(select(d).where(d.c.user_id == user, d.c.id == device_id))
        ).first()
        return None if row is None else _device(row)

    async def of_user(self, user: UserId, *, active_only: bool = False) -> list[Device]:
        d = t.devices
        statement = select(d).where(d.c.user_id == user).order_by(d.c.created_at, d.c.id)
        if active_only:
            statement = statement.where(d.c.active.is_(True))
        return [_device(r) for r in (await self._c.execute(statement)).all()]

    async def remove(self, user: UserId, device_id: UUID) -> bool:
        d = t.devices
        result = await self._c.execute(
            delete(d).where(d.c.user_id == user, d.c.id == device_id).returning(d.c.id)
        )
        return result.first() is not None

    async def save(self, device: Device) -> None:
        d = t.devices
        await self._c.execute(
            update(d)
            .where(d.c.user_id == device.user, d.c.id == device.id)
            .values(
                active=device.active,
                deactivated_reason=device.deactivated_reason,
                label=device.label,
            )
        )


class SqlNotificationUnitOfWork(SqlUnitOfWork):
    """One transaction over the notification tables, inbox and outbox."""

    service = "notification"

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        super().__init__(engine, clock)
        self.notifications: NotificationRepository = SqlNotifications(self)
        self.deliveries: DeliveryRepository = SqlDeliveries(self)
        self.schedules: ScheduleRepository = SqlSchedules(self)
        self.preferences: PreferenceRepository = SqlPreferences(self)
        self.recipients: RecipientRepository = SqlRecipients(self)
        self.devices: DeviceRepository = SqlDevices(self)


__all__ = ["SqlNotificationUnitOfWork"]


if TYPE_CHECKING:  # the adapter satisfies the port (checked by mypy, free at runtime)

    def _satisfies_port(engine: AsyncEngine) -> NotificationUnitOfWork:
        return SqlNotificationUnitOfWork(engine)
