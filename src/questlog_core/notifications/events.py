"""Events raised by the notification service (registered with every other domain event).

Self-contained on purpose: it only needs the base ``DomainEvent`` and ``register``. Only
outcomes others may act on are events: storing a notification is not (it is the service's
own state, and an outbox row per notification would only cost the relay work).
"""

from __future__ import annotations

from uuid import UUID

from questlog_core.events import DomainEvent, register


@register
class DeliveryAbandoned(
    DomainEvent, frozen=True, kw_only=True, tag="notification.delivery_abandoned.v1"
):
    """An email or push delivery failed for good (a permanent error, or its last retry)."""

    delivery_id: UUID
    notification_id: UUID
    channel: str
    reason: str
    attempts: int


@register
class ChannelDeactivated(
    DomainEvent, frozen=True, kw_only=True, tag="notification.channel_deactivated.v1"
):
    """A provider said an address or device will never take messages again: it is no longer
    used (``channel`` email: the user's address; push: ``device_id``)."""

    channel: str
    reason: str
    device_id: UUID | None = None


@register
class NotificationsRead(DomainEvent, frozen=True, kw_only=True, tag="notification.read.v1"):
    """A user opened notifications: ``count`` of them went from unread to read, by id
    (``notification_ids``) or all at once (``all_of_them``, the ids then left empty)."""

    count: int
    notification_ids: tuple[UUID, ...] = ()
    all_of_them: bool = False


__all__ = ["ChannelDeactivated", "DeliveryAbandoned", "NotificationsRead"]
