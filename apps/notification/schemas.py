"""Request and response bodies of the notification service.

Responses are explicit Structs built from the use cases' results (``from_domain``), so the
published contract changes only when this file does. Bodies refuse unknown fields; bounds
here only keep huge values away from the use cases, whose rules answer 422.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, time
from typing import Annotated, Final, Literal
from uuid import UUID

import msgspec

from questlog_core.errors import ValidationFailed
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
)
from questlog_core.notifications.preferences import (
    MAX_REMINDER_OFFSETS,
    Preferences,
    QuietHours,
)
from questlog_core.notifications.use_cases import HistoryItem, HistoryPage, NotificationData, Sent

KindName = Literal[
    "reminder",
    "deadline_passed",
    "achievement_unlocked",
    "level_up",
    "streak_at_risk",
    "ai_suggestion",
    "system_announcement",
]
ChannelName = Literal["in_app", "email", "push"]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Body = Annotated[str, msgspec.Meta(max_length=4000)]
Key = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
#: at most 20 entries, keys up to 64 and values up to 500 characters (the domain's 422)
Data = dict[str, str]
#: a local wall-clock time, ``HH:MM``
WallTime = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class SendIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Notify one user now (``user_id``), or everyone (``broadcast: true``; in batches).

    ``key`` makes the send idempotent per user: a key used before sends nothing again.
    """

    kind: KindName
    title: Title
    body: Body = ""
    data: Data = msgspec.field(default_factory=dict)
    user_id: UUID | None = None
    broadcast: bool = False
    key: Key | None = None


class ScheduleIn(SendIn, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Like :class:`SendIn`, sent when ``due_at`` (with its UTC offset) comes."""

    due_at: datetime


def audience(data: SendIn) -> UUID | None:
    """The one user, or ``None`` for everyone; exactly one of the two must be asked for."""
    if data.broadcast == (data.user_id is not None):
        raise ValidationFailed("user_id", "give a user_id, or broadcast: true (not both)")
    return data.user_id


class SentOut(msgspec.Struct, frozen=True, kw_only=True):
    """``created`` false: the ``key`` was used before and nothing new was made."""

    created: bool
    notification_id: str | None = None
    scheduled_id: str | None = None

    @classmethod
    def from_domain(cls, sent: Sent) -> SentOut:
        return cls(
            created=sent.created,
            notification_id=sent.notification_id,
            scheduled_id=sent.scheduled_id,
        )


class DeliveryOut(msgspec.Struct, frozen=True, kw_only=True):
    """One channel's delivery: ``failed`` carries the reason; ``queued`` may be waiting for
    quiet hours to end or for a retry (``next_attempt_at``)."""

    channel: ChannelName
    state: Literal["queued", "sent", "failed", "read"]
    attempts: int
    next_attempt_at: datetime | None
    sent_at: datetime | None
    reason: str | None

    @classmethod
    def from_domain(cls, delivery: Delivery) -> DeliveryOut:
        queued = delivery.state is DeliveryState.QUEUED
        return cls(
            channel=delivery.channel.value,
            state=delivery.state.value,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at if queued else None,
            sent_at=delivery.sent_at,
            reason=delivery.reason,
        )


class NotificationOut(msgspec.Struct, frozen=True, kw_only=True):
    """One in-app notification; ``deliveries`` are its email and push sends."""

    id: UUID
    kind: KindName
    title: str
    body: str
    data: dict[str, str]
    created_at: datetime
    read: bool
    read_at: datetime | None
    #: the in-app record's state: ``sent`` (unread) or ``read``
    state: Literal["sent", "read"]
    deliveries: list[DeliveryOut]

    @classmethod
    def from_domain(cls, item: HistoryItem) -> NotificationOut:
        n: Notification = item.notification
        return cls(
            id=n.id,
            kind=n.kind.value,
            title=n.title,
            body=n.body,
            data=n.data,
            created_at=n.created_at,
            read=n.read,
            read_at=n.read_at,
            state="read" if n.read else "sent",
            deliveries=[DeliveryOut.from_domain(d) for d in item.deliveries],
        )


class HistoryOut(msgspec.Struct, frozen=True, kw_only=True):
    """A page of the caller's notifications, newest first; ``next_cursor`` fetches the next
    page (``null``: this was the last)."""

    items: list[NotificationOut]
    unread: int
    next_cursor: str | None

    @classmethod
    def from_domain(cls, page: HistoryPage) -> HistoryOut:
        cursor = None
        if page.next_after is not None:
            at, last = page.next_after
            cursor = base64.urlsafe_b64encode(f"{at}|{last}".encode()).decode().rstrip("=")
        return cls(
            items=[NotificationOut.from_domain(i) for i in page.items],
            unread=page.unread,
            next_cursor=cursor,
        )


def parse_cursor(cursor: str) -> tuple[datetime, UUID]:
    """The position a ``next_cursor`` names; ``ValidationFailed`` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, last = raw.split("|")
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError(at)
        return moment, UUID(last)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed("cursor", "not a cursor this service returned") from None


class MarkReadIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Mark ``ids`` (one or many of the caller's) read, or every notification (``all``)."""

    ids: Annotated[list[UUID], msgspec.Meta(max_length=500)] = msgspec.field(default_factory=list)
    all: bool = False


class MarkReadOut(msgspec.Struct, frozen=True, kw_only=True):
    #: how many were unread and are read now
    marked: int


class QuietHoursIO(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Local wall-clock times in the user's time zone (``22:00`` to ``07:00`` wraps)."""

    start: WallTime
    end: WallTime

    def to_domain(self) -> QuietHours:
        return QuietHours(start=time.fromisoformat(self.start), end=time.fromisoformat(self.end))

    @classmethod
    def from_domain(cls, quiet: QuietHours) -> QuietHoursIO:
        return cls(start=quiet.start.strftime("%H:%M"), end=quiet.end.strftime("%H:%M"))


ChannelList = Annotated[list[ChannelName], msgspec.Meta(max_length=3)]


class ChannelsIO(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The channels of each kind; a kind left out (``null``) keeps its default."""

    reminder: ChannelList | None = None
    deadline_passed: ChannelList | None = None
    achievement_unlocked: ChannelList | None = None
    level_up: ChannelList | None = None
    streak_at_risk: ChannelList | None = None
    ai_suggestion: ChannelList | None = None
    system_announcement: ChannelList | None = None


class PreferencesIO(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The caller's preferences. ``channels`` lists each kind's channels; ``opted_out`` stops
    every email and push; ``quiet_hours`` hold emails and pushes until they end (in the
    caller's time zone); ``reminder_offsets_minutes`` say how long before a due time
    reminders come."""

    channels: ChannelsIO = msgspec.field(default_factory=ChannelsIO)
    quiet_hours: QuietHoursIO | None = None
    opted_out: bool = False
    #: each 1 to 43,200 minutes (30 days), no offset twice (checked by the domain: 422)
    reminder_offsets_minutes: Annotated[
        list[int], msgspec.Meta(max_length=MAX_REMINDER_OFFSETS)
    ] = msgspec.field(default_factory=lambda: [1440, 60])

    def to_domain(self) -> Preferences:
        channels = dict(Preferences().channels)
        for kind in Kind:
            chosen: list[str] | None = getattr(self.channels, kind.value)
            if chosen is not None:
                channels[kind] = frozenset(Channel(c) for c in chosen)
        quiet = self.quiet_hours.to_domain() if self.quiet_hours is not None else None
        return Preferences(
            channels=channels,
            quiet_hours=quiet,
            opted_out=self.opted_out,
            reminder_offsets_minutes=tuple(self.reminder_offsets_minutes),
        )

    @classmethod
    def from_domain(cls, prefs: Preferences) -> PreferencesIO:
        chosen = {
            kind.value: sorted(c.value for c in prefs.channels.get(kind, frozenset()))
            for kind in Kind
        }
        return cls(
            channels=msgspec.convert(chosen, ChannelsIO),
            quiet_hours=(
                QuietHoursIO.from_domain(prefs.quiet_hours)
                if prefs.quiet_hours is not None
                else None
            ),
            opted_out=prefs.opted_out,
            reminder_offsets_minutes=list(prefs.reminder_offsets_minutes),
        )


class DeviceIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A push endpoint: an FCM registration token, or a Web Push subscription as JSON."""

    platform: Literal["fcm", "webpush"]
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]
    label: Annotated[str, msgspec.Meta(max_length=100)] = ""


class DeviceOut(msgspec.Struct, frozen=True, kw_only=True):
    """A registered device (its token is never shown again); ``active`` false: the provider
    said it is gone (``deactivated_reason``), and nothing is pushed to it."""

    id: UUID
    platform: Literal["fcm", "webpush"]
    label: str
    created_at: datetime
    active: bool
    deactivated_reason: str | None

    @classmethod
    def from_domain(cls, device: Device) -> DeviceOut:
        return cls(
            id=device.id,
            platform=device.platform.value,
            label=device.label,
            created_at=device.created_at,
            active=device.active,
            deactivated_reason=device.deactivated_reason,
        )


def platform_of(data: DeviceIn) -> DevicePlatform:
    return DevicePlatform(data.platform)


class UnsubscribedOut(msgspec.Struct, frozen=True, kw_only=True):
    """What the link turned off."""

    kind: KindName
    channel: ChannelName
    unsubscribed: bool = True


# --- moving out ---------------------------------------------------------------------------

#: the ``format`` of the notification service's data export
NOTIFICATION_EXPORT_FORMAT: Final = "questlog.notifications.export.v1"


class ExportedNotificationOut(NotificationOut, frozen=True, kw_only=True):
    """A notification as exported: ``in_app`` false when the caller's preferences kept it
    out of the in-app list (it was sent by email or push only)."""

    in_app: bool

    @classmethod
    def exported(cls, item: HistoryItem) -> ExportedNotificationOut:
        shown = NotificationOut.from_domain(item)
        return cls(**msgspec.structs.asdict(shown), in_app=item.notification.in_app)


class RecipientOut(msgspec.Struct, frozen=True, kw_only=True):
    """How the notification service reaches the caller (learned from their account):
    ``email_active`` false once the address bounced for good or the account was disabled."""

    email: str
    timezone: str
    email_active: bool
    deactivated_reason: str | None

    @classmethod
    def from_domain(cls, recipient: Recipient) -> RecipientOut:
        return cls(
            email=recipient.email,
            timezone=recipient.timezone,
            email_active=recipient.email_active,
            deactivated_reason=recipient.deactivated_reason,
        )


class ScheduledOut(msgspec.Struct, frozen=True, kw_only=True):
    """A notification of the caller's waiting to be sent at ``due_at`` (a reminder)."""

    id: UUID
    kind: KindName
    title: str
    body: str
    data: dict[str, str]
    due_at: datetime
    created_at: datetime

    @classmethod
    def from_domain(cls, scheduled: ScheduledNotification) -> ScheduledOut:
        return cls(
            id=scheduled.id,
            kind=scheduled.kind.value,
            title=scheduled.title,
            body=scheduled.body,
            data=scheduled.data,
            due_at=scheduled.due_at,
            created_at=scheduled.created_at,
        )


class NotificationExportOut(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the notification service keeps of the caller: how it reaches them
    (``recipient``, ``null`` until it heard of the account), their preferences, every
    notification (oldest first, read or not, in-app or email/push only, each with its
    deliveries), the reminders still waiting, and their push devices. Device tokens and Web
    Push subscription keys are left out: they are credentials that let whoever holds them
    push to the device."""

    format: Literal["questlog.notifications.export.v1"]
    exported_at: datetime
    recipient: RecipientOut | None
    preferences: PreferencesIO
    notifications: list[ExportedNotificationOut]
    scheduled: list[ScheduledOut]
    devices: list[DeviceOut]

    @classmethod
    def from_domain(cls, data: NotificationData, exported_at: datetime) -> NotificationExportOut:
        return cls(
            format=NOTIFICATION_EXPORT_FORMAT,
            exported_at=exported_at,
            recipient=RecipientOut.from_domain(data.recipient) if data.recipient else None,
            preferences=PreferencesIO.from_domain(data.preferences),
            notifications=[ExportedNotificationOut.exported(i) for i in data.notifications],
            scheduled=[ScheduledOut.from_domain(s) for s in data.scheduled],
            devices=[DeviceOut.from_domain(d) for d in data.devices],
        )
