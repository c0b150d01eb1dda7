"""What a notification is: its kind, the channels it travels on, and the states of a delivery.

A :class:`Notification` is the in-app record (what ``/history`` lists); each email or push it
causes is a :class:`Delivery` of its own, with its state, attempts and the reason it failed.
A :class:`ScheduledNotification` waits in the database until it falls due; the periodic
dispatcher turns it into notifications (one per recipient; a broadcast in batches).
Every notification has a ``key`` unique per user: the same fact (the reminder of one quest's
due date at one offset, the unlock of one achievement) can never become two notifications.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from questlog_core.ids import UserId


class Kind(StrEnum):
    """What a notification is about."""

    #: a quest is due soon (one per configured offset before its due time)
    REMINDER = "reminder"
    #: a quest's due time passed while it was still open
    DEADLINE_PASSED = "deadline_passed"
    ACHIEVEMENT_UNLOCKED = "achievement_unlocked"
    LEVEL_UP = "level_up"
    #: the player has a streak and has not completed anything yet today (their evening)
    STREAK_AT_RISK = "streak_at_risk"
    #: a suggestion from the AI service (sent through ``POST /send``)
    AI_SUGGESTION = "ai_suggestion"
    #: a message from the operators to everyone or to one player
    SYSTEM_ANNOUNCEMENT = "system_announcement"


class Channel(StrEnum):
    """Where a notification is shown or sent."""

    IN_APP = "in_app"
    EMAIL = "email"
    PUSH = "push"


class DeliveryState(StrEnum):
    """Where a delivery stands. ``read`` applies to the in-app channel only."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    READ = "read"


class Notification(msgspec.Struct, kw_only=True):
    """One notification of one user: the in-app record every channel's delivery points to."""

    id: UUID
    user: UserId
    kind: Kind
    #: unique per user: the fact this notification reports (dedupe key)
    key: str
    title: str
    body: str
    created_at: datetime
    #: extra facts for clients (quest id, achievement key, level ...)
    data: dict[str, str] = msgspec.field(default_factory=dict)
    #: whether ``/history`` lists it (the user's preferences allow the in-app channel)
    in_app: bool = True
    read_at: datetime | None = None

    @property
    def read(self) -> bool:
        return self.read_at is not None


class Delivery(msgspec.Struct, kw_only=True):
    """One attempt-tracked send of a notification on the email or push channel."""

    id: UUID
    notification_id: UUID
    user: UserId
    channel: Channel
    #: the email address, or the device id for push
    target: str
    state: DeliveryState
    created_at: datetime
    #: when the next attempt may run (after quiet hours, after a backoff, after a lease)
    next_attempt_at: datetime
    attempts: int = 0
    sent_at: datetime | None = None
    #: why the last attempt failed (kept when the delivery is ``failed``)
    reason: str | None = None


class DevicePlatform(StrEnum):
    """What kind of push endpoint a device is."""

    FCM = "fcm"
    WEBPUSH = "webpush"


class Device(msgspec.Struct, kw_only=True):
    """A push endpoint a user registered (an FCM registration token, a Web Push subscription)."""

    id: UUID
    user: UserId
    platform: DevicePlatform
    #: the FCM token, or the Web Push subscription as JSON
    token: str
    label: str
    created_at: datetime
    active: bool = True
    #: why the device was deactivated (the provider's permanent error)
    deactivated_reason: str | None = None


class Recipient(msgspec.Struct, kw_only=True):
    """What the notification service knows of a user, learned from identity events."""

    user: UserId
    email: str
    timezone: str = "UTC"
    #: false once a provider said the address is permanently undeliverable, or the account
    #: was disabled
    email_active: bool = True
    deactivated_reason: str | None = None


class ScheduleState(StrEnum):
    PENDING = "pending"
    DISPATCHED = "dispatched"
    CANCELLED = "cancelled"


class ScheduledNotification(msgspec.Struct, kw_only=True):
    """A notification waiting in the database until ``due_at``.

    ``user`` ``None`` is a broadcast to every known recipient: the dispatcher walks them in
    batches, remembering the last user it reached in ``cursor``. ``subject`` groups the
    schedules of one thing (a quest) so they can be cancelled together.
    """

    id: UUID
    kind: Kind
    key: str
    title: str
    body: str
    due_at: datetime
    created_at: datetime
    user: UserId | None = None
    subject: str | None = None
    data: dict[str, str] = msgspec.field(default_factory=dict)
    state: ScheduleState = ScheduleState.PENDING
    cursor: UUID | None = None
    dispatched_at: datetime | None = None


__all__ = [
    "Channel",
    "Delivery",
    "DeliveryState",
    "Device",
    "DevicePlatform",
    "Kind",
    "Notification",
    "Recipient",
    "ScheduleState",
    "ScheduledNotification",
]
