"""In-memory notification storage: the reference semantics of the notification ports.

A unit of work works on a private copy of the store (rows are copied as they are read, so a
change is invisible until committed) and remembers which rows it wrote. ``commit`` first
checks that none of its new unique keys (notification keys, delivery targets, schedule keys,
inbox claims) was taken meanwhile by another commit, then applies its rows; leaving without
a commit discards them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

import msgspec

from questlog_core.errors import ConcurrencyConflict
from questlog_core.events import DomainEvent
from questlog_core.ids import EventId, UserId
from questlog_core.notifications.model import (
    Delivery,
    DeliveryState,
    Device,
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


def token_digest(token: str) -> str:
    """How a device token is compared (and indexed by the SQL adapter)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class _State:
    notifications: dict[UUID, Notification] = field(default_factory=dict)
    deliveries: dict[UUID, Delivery] = field(default_factory=dict)
    schedules: dict[UUID, ScheduledNotification] = field(default_factory=dict)
    preferences: dict[UserId, Preferences] = field(default_factory=dict)
    recipients: dict[UserId, Recipient] = field(default_factory=dict)
    devices: dict[UUID, Device] = field(default_factory=dict)
    inbox: set[tuple[str, EventId]] = field(default_factory=set)

    def copy(self) -> _State:
        return _State(
            notifications=dict(self.notifications),
            deliveries=dict(self.deliveries),
            schedules=dict(self.schedules),
            preferences=dict(self.preferences),
            recipients=dict(self.recipients),
            devices=dict(self.devices),
            inbox=set(self.inbox),
        )


_Row = TypeVar("_Row", bound=msgspec.Struct)


def _copy(row: _Row) -> _Row:
    return msgspec.structs.replace(row)


class InMemoryNotificationStore:
    """The committed state, and the outbox of committed events."""

    def __init__(self) -> None:
        self.state = _State()
        self.outbox: list[DomainEvent] = []

    def unit_of_work(self) -> InMemoryNotificationUnitOfWork:
        return InMemoryNotificationUnitOfWork(self)


class _Repository:
    def __init__(self, uow: InMemoryNotificationUnitOfWork) -> None:
        self._uow = uow

    @property
    def _s(self) -> _State:
        return self._uow.work

    def _wrote(self, table: str, key: Any) -> None:
        self._uow.written.add((table, key))


class InMemoryNotifications(_Repository):
    async def add(self, notification: Notification) -> bool:
        if any(
            n.user == notification.user and n.key == notification.key
            for n in self._s.notifications.values()
        ):
            return False
        self._s.notifications[notification.id] = _copy(notification)
        self._wrote("notifications", notification.id)
        self._uow.new_keys.append(("notification", notification.user, notification.key))
        return True

    async def get(self, user: UserId, notification_id: UUID) -> Notification | None:
        found = self._s.notifications.get(notification_id)
        return _copy(found) if found is not None and found.user == user else None

    async def history(self, user: UserId, query: HistoryQuery) -> list[Notification]:
        rows = [
            n
            for n in self._s.notifications.values()
            if n.user == user
            and n.in_app
            and (query.kind is None or n.kind == query.kind)
            and (query.read is None or n.read == query.read)
            and (query.after is None or (n.created_at, n.id) < query.after)
        ]
        rows.sort(key=lambda n: (n.created_at, n.id), reverse=True)
        return [_copy(n) for n in rows[: query.limit]]

    async def mark_read(self, user: UserId, ids: Sequence[UUID] | None, at: datetime) -> int:
        wanted = None if ids is None else set(ids)
        changed = 0
        for n in list(self._s.notifications.values()):
            if n.user == user and n.read_at is None and (wanted is None or n.id in wanted):
                self._s.notifications[n.id] = msgspec.structs.replace(n, read_at=at)
                self._wrote("notifications", n.id)
                changed += 1
        return changed

    async def unread_count(self, user: UserId) -> int:
        return sum(
            1 for n in self._s.notifications.values() if n.user == user and n.in_app and not n.read
        )

    async def of_user(self, user: UserId) -> list[Notification]:
        rows = [n for n in self._s.notifications.values() if n.user == user]
        return [_copy(n) for n in sorted(rows, key=lambda n: (n.created_at, n.id))]


class InMemoryDeliveries(_Repository):
    async def add(self, delivery: Delivery) -> bool:
        key = (delivery.notification_id, delivery.channel, delivery.target)
        if any(
            (d.notification_id, d.channel, d.target) == key for d in self._s.deliveries.values()
        ):
            return False
        self._s.deliveries[delivery.id] = _copy(delivery)
        self._wrote("deliveries", delivery.id)
        self._uow.new_keys.append(("delivery", *key))
        return True

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        due = sorted(
            (
                d
                for d in self._s.deliveries.values()
                if d.state is DeliveryState.QUEUED and d.next_attempt_at <= now
            ),
            key=lambda d: (d.next_attempt_at, d.id),
        )[:limit]
        claimed = []
        for d in due:
            leased = msgspec.structs.replace(d, next_attempt_at=until)
            self._s.deliveries[d.id] = leased
            self._wrote("deliveries", d.id)
            # A claim is a write another dispatcher's claim of the same row conflicts with.
            self._uow.expected["deliveries", d.id] = d.next_attempt_at
            claimed.append(_copy(leased))
        return claimed

    async def save(self, delivery: Delivery) -> None:
        self._s.deliveries[delivery.id] = _copy(delivery)
        self._wrote("deliveries", delivery.id)

    async def of_notification(self, user: UserId, notification_id: UUID) -> list[Delivery]:
        rows = [
            d
            for d in self._s.deliveries.values()
            if d.user == user and d.notification_id == notification_id
        ]
        return [_copy(d) for d in sorted(rows, key=lambda d: (d.channel, d.target))]

    async def of_user(self, user: UserId) -> list[Delivery]:
        rows = [d for d in self._s.deliveries.values() if d.user == user]
        rows.sort(key=lambda d: (d.notification_id, d.channel, d.target))
        return [_copy(d) for d in rows]


class InMemorySchedules(_Repository):
    async def add(self, scheduled: ScheduledNotification) -> bool:
        if any(
            s.user == scheduled.user and s.key == scheduled.key for s in self._s.schedules.values()
        ):
            return False
        self._s.schedules[scheduled.id] = _copy(scheduled)
        self._wrote("schedules", scheduled.id)
        self._uow.new_keys.append(("schedule", scheduled.user, scheduled.key))
        return True

    async def due(self, now: datetime, limit: int) -> list[ScheduledNotification]:
        rows = sorted(
            (
                s
                for s in self._s.schedules.values()
                if s.state is ScheduleState.PENDING and s.due_at <= now
            ),
            key=lambda s: (s.due_at, s.id),
        )
        return [_copy(s) for s in rows[:limit]]

    async def save(self, scheduled: ScheduledNotification) -> None:
        self._s.schedules[scheduled.id] = _copy(scheduled)
        self._wrote("schedules", scheduled.id)

    def _cancel(self, rows: list[ScheduledNotification]) -> int:
        for s in rows:
            self._s.schedules[s.id] = msgspec.structs.replace(s, state=ScheduleState.CANCELLED)
            self._wrote("schedules", s.id)
        return len(rows)

    async def cancel_subject(self, user: UserId, subject: str) -> int:
        return self._cancel(
            [
                s
                for s in self._s.schedules.values()
                if s.user == user and s.subject == subject and s.state is ScheduleState.PENDING
            ]
        )

    async def cancel_key(self, user: UserId, key: str) -> bool:
        rows = [
            s
            for s in self._s.schedules.values()
            if s.user == user and s.key == key and s.state is ScheduleState.PENDING
        ]
        exists = any(s.user == user and s.key == key for s in self._s.schedules.values())
        self._cancel(rows)
        return exists

    async def pending_of(self, user: UserId) -> list[ScheduledNotification]:
        rows = [
            s
            for s in self._s.schedules.values()
            if s.user == user and s.state is ScheduleState.PENDING
        ]
        return [_copy(s) for s in sorted(rows, key=lambda s: (s.due_at, s.id))]


class InMemoryPreferences(_Repository):
    async def get(self, user: UserId) -> Preferences:
        return self._s.preferences.get(user) or Preferences()

    async def save(self, user: UserId, preferences: Preferences) -> None:
        current = self._s.preferences.get(user)
        actual = current.version if current is not None else 0
        if actual != preferences.version:
            raise ConcurrencyConflict("preferences", user, preferences.version, actual)
        self._s.preferences[user] = msgspec.structs.replace(
            preferences, version=preferences.version + 1
        )
        self._wrote("preferences", user)
        self._uow.expected["preferences", user] = actual


class InMemoryRecipients(_Repository):
    async def get(self, user: UserId) -> Recipient | None:
        found = self._s.recipients.get(user)
        return _copy(found) if found is not None else None

    async def put(self, recipient: Recipient) -> None:
        self._s.recipients[recipient.user] = _copy(recipient)
        self._wrote("recipients", recipient.user)

    async def after(self, user: UUID | None, limit: int) -> list[Recipient]:
        rows = sorted(
            (r for r in self._s.recipients.values() if user is None or r.user > user),
            key=lambda r: r.user,
        )
        return [_copy(r) for r in rows[:limit]]


class InMemoryDevices(_Repository):
    async def add(self, device: Device) -> Device:
        digest = token_digest(device.token)
        for known in self._s.devices.values():
            if known.user == device.user and token_digest(known.token) == digest:
                revived = msgspec.structs.replace(known, active=True, deactivated_reason=None)
                self._s.devices[known.id] = revived
                self._wrote("devices", known.id)
                return _copy(revived)
        self._s.devices[device.id] = _copy(device)
        self._wrote("devices", device.id)
        self._uow.new_keys.append(("device", device.user, digest))
        return _copy(device)

    async def get(self, user: UserId, device_id: UUID) -> Device | None:
        found = self._s.devices.get(device_id)
        return _copy(found) if found is not None and found.user == user else None

    async def of_user(self, user: UserId, *, active_only: bool = False) -> list[Device]:
        rows = [
            d for d in self._s.devices.values() if d.user == user and (d.active or not active_only)
        ]
        return [_copy(d) for d in sorted(rows, key=lambda d: (d.created_at, d.id))]

    async def remove(self, user: UserId, device_id: UUID) -> bool:
        found = self._s.devices.get(device_id)
        if found is None or found.user != user:
            return False
        del self._s.devices[device_id]
        self._wrote("devices", device_id)
        return True

    async def save(self, device: Device) -> None:
        if device.id in self._s.devices:
            self._s.devices[device.id] = _copy(device)
            self._wrote("devices", device.id)


class InMemoryNotificationInbox:
    """The inbox of one :class:`InMemoryNotificationUnitOfWork` (claims commit with it)."""

    def __init__(self, uow: InMemoryNotificationUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        key = (consumer, event_id)
        if key in self._uow.work.inbox:
            return False
        self._uow.work.inbox.add(key)
        self._uow._claims.append(key)
        return True


class InMemoryNotificationUnitOfWork:
    """A transaction over an :class:`InMemoryNotificationStore`."""

    def __init__(self, store: InMemoryNotificationStore) -> None:
        self._store = store
        self.work = _State()
        self.written: set[tuple[str, Any]] = set()
        self.new_keys: list[tuple[Any, ...]] = []
        self.expected: dict[tuple[str, Any], Any] = {}
        self._claims: list[tuple[str, EventId]] = []
        self._events: list[DomainEvent] = []
        self._last_committed: tuple[DomainEvent, ...] = ()
        self.committed = False
        self.inbox = InMemoryNotificationInbox(self)
        self.notifications: NotificationRepository = InMemoryNotifications(self)
        self.deliveries: DeliveryRepository = InMemoryDeliveries(self)
        self.schedules: ScheduleRepository = InMemorySchedules(self)
        self.preferences: PreferenceRepository = InMemoryPreferences(self)
        self.recipients: RecipientRepository = InMemoryRecipients(self)
        self.devices: DeviceRepository = InMemoryDevices(self)

    def _reset(self) -> None:
        self.work = self._store.state.copy()
        self.written, self.new_keys, self.expected = set(), [], {}
        self._claims, self._events = [], []

    async def __aenter__(self) -> Self:
        self._reset()
        self.committed = False
        self._last_committed = ()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if not self.committed:
            self.work = _State()
            self.written, self.new_keys, self.expected = set(), [], {}
            self._claims, self._events = [], []

    async def rollback(self) -> None:
        """Discard every change, claim and recorded event; the unit of work goes on."""
        self._reset()
        self._last_committed = ()

    def record(self, *events: DomainEvent) -> None:
        self._events.extend(events)

    def collect(self, *events: DomainEvent) -> None:
        """Deprecated alias of :meth:`record`."""
        self._events.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        return list(self._last_committed)

    @property
    def collected(self) -> Sequence[DomainEvent]:
        return tuple(self._events)

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        """Deprecated alias of ``inbox.claim``."""
        return await self.inbox.claim(consumer, event_id)

    def _taken(self, live: _State, key: tuple[Any, ...]) -> bool:
        kind, *rest = key
        if kind == "notification":
            return any((n.user, n.key) == tuple(rest) for n in live.notifications.values())
        if kind == "delivery":
            return any(
                (d.notification_id, d.channel, d.target) == tuple(rest)
                for d in live.deliveries.values()
            )
        if kind == "schedule":
            return any((s.user, s.key) == tuple(rest) for s in live.schedules.values())
        return any((d.user, token_digest(d.token)) == tuple(rest) for d in live.devices.values())

    async def commit(self) -> None:
        live = self._store.state
        # Check everything first, so a conflict leaves the store untouched.
        for claim in self._claims:
            if claim in live.inbox:
                raise ConcurrencyConflict("inbox", claim[1], 0, 1)
        for key in self.new_keys:
            if self._taken(live, key):
                raise ConcurrencyConflict(str(key[0]), key[-1], 0, 1)
        for (table, row_id), expected in self.expected.items():
            row = getattr(live, table).get(row_id)
            actual = (
                (row.version if row is not None else 0)
                if table == "preferences"
                else (row.next_attempt_at if row is not None else None)
            )
            if actual != expected:
                raise ConcurrencyConflict(table, row_id, expected, actual)
        for table, row_id in self.written:
            source, target = getattr(self.work, table), getattr(live, table)
            if row_id in source:
                target[row_id] = source[row_id]
            else:
                target.pop(row_id, None)
        live.inbox |= set(self._claims)
        self._store.outbox.extend(self._events)
        self._last_committed = tuple(self._events)
        self._claims, self._events = [], []
        self.written, self.new_keys, self.expected = set(), [], {}
        self.committed = True


__all__ = [
    "InMemoryNotificationInbox",
    "InMemoryNotificationStore",
    "InMemoryNotificationUnitOfWork",
    "token_digest",
]


if TYPE_CHECKING:  # the adapter satisfies the port (checked by mypy, free at runtime)
    from questlog_core.notifications.ports import NotificationUnitOfWork

    def _satisfies_port(store: InMemoryNotificationStore) -> NotificationUnitOfWork:
        return InMemoryNotificationUnitOfWork(store)
