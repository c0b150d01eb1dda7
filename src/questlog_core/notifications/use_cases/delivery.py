"""Delivering queued emails and pushes: attempts, retries with backoff, permanent failures.

:func:`deliver_due` claims due deliveries in one short transaction (each leased, so a second
dispatcher running at the same time skips them), sends them with no transaction open, and
stores each outcome in another:

* sent → ``sent`` (a push the sender only logged, ``PushReceipt.sent`` false, is ``sent``
  too, with a reason that says it was not sent);
* a failure that may pass (``DeliveryFailed.retryable``: a timeout, a 4xx SMTP reply, a
  provider's 429/5xx) → still ``queued``, tried again after :func:`~..rules.retry_delay`
  (or the provider's ``Retry-After`` if longer), ``failed`` after :data:`~..rules.MAX_ATTEMPTS`;
* a permanent failure → ``failed`` at once with its reason; when the provider says the
  address or device itself is gone (``DeliveryFailed.target_gone``: a refused mailbox, an
  unregistered push token) the address or device is deactivated and never used again.

A process that dies between sending and storing the outcome leaves the delivery leased: it is
tried again when the lease ends (at least once; the unique key still keeps it one delivery).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from questlog_core.errors import DeliveryFailed
from questlog_core.ids import EventId
from questlog_core.notifications.events import ChannelDeactivated, DeliveryAbandoned
from questlog_core.notifications.model import (
    Channel,
    Delivery,
    DeliveryState,
    Device,
    Notification,
)
from questlog_core.notifications.ports import NotificationUnitOfWork
from questlog_core.notifications.rules import MAX_ATTEMPTS, retry_delay
from questlog_core.notifications.templates import render_email
from questlog_core.ports.platform import (
    Clock,
    EmailMessage,
    EmailSender,
    IdFactory,
    PushMessage,
    PushSender,
)

#: how long a claimed delivery is kept from other dispatchers while it is being sent
LEASE = timedelta(minutes=2)


class Outlets(msgspec.Struct, frozen=True, kw_only=True):
    """Where deliveries go, and how an email links to its unsubscribe page."""

    email: EmailSender
    push: PushSender
    #: the unsubscribe URL for a notification's email
    unsubscribe_url: Callable[[Notification], str]


class _Job(msgspec.Struct, kw_only=True):
    delivery: Delivery
    notification: Notification | None
    device: Device | None = None
    email_usable: bool = False
    error: DeliveryFailed | None = None
    #: said of a delivery that counts as done although nothing left the process
    note: str | None = None


class DeliveryReport(msgspec.Struct, kw_only=True):
    """What one call of :func:`deliver_due` did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


async def deliver_due(
    uow: Callable[[], NotificationUnitOfWork],
    outlets: Outlets,
    clock: Clock,
    ids: IdFactory,
    *,
    limit: int = 100,
) -> DeliveryReport:
    """Attempt every delivery due now (up to ``limit``); see the module docstring."""
    now = clock.now()
    jobs: list[_Job] = []
    async with uow() as claiming:
        for delivery in await claiming.deliveries.claim_due(now, now + LEASE, limit):
            job = _Job(
                delivery=delivery,
                notification=await claiming.notifications.get(
                    delivery.user, delivery.notification_id
                ),
            )
            if delivery.channel is Channel.PUSH:
                job.device = await claiming.devices.get(delivery.user, UUID(delivery.target))
            else:
                recipient = await claiming.recipients.get(delivery.user)
                job.email_usable = (
                    recipient is not None
                    and recipient.email_active
                    and recipient.email == delivery.target
                )
            jobs.append(job)
        await claiming.commit()
    if not jobs:
        return DeliveryReport()
    for job in jobs:
        job.error = await _attempt(job, outlets)
    report = DeliveryReport()
    async with uow() as storing:
        now = clock.now()
        for job in jobs:
            delivery = job.delivery
            delivery.attempts += 1
            error = job.error
            if error is None:
                delivery.state, delivery.sent_at, delivery.reason = (
                    DeliveryState.SENT,
                    now,
                    job.note,
                )
                report.sent += 1
            elif error.retryable and delivery.attempts < MAX_ATTEMPTS:
                wait = retry_delay(delivery.attempts)
                if error.retry_after_seconds is not None:
                    wait = max(wait, timedelta(seconds=error.retry_after_seconds))
                delivery.next_attempt_at = now + wait
                delivery.reason = error.reason
                report.retrying += 1
            else:
                delivery.state, delivery.reason = DeliveryState.FAILED, error.reason
                report.failed += 1
                storing.record(
                    DeliveryAbandoned(
                        event_id=EventId(ids.new_id()),
                        occurred_at=now,
                        owner=delivery.user,
                        delivery_id=delivery.id,
                        notification_id=delivery.notification_id,
                        channel=delivery.channel.value,
                        reason=error.reason,
                        attempts=delivery.attempts,
                    )
                )
                if error.target_gone:
                    await _deactivate(storing, job, error.reason, now, ids)
            await storing.deliveries.save(delivery)
        await storing.commit()
    return report


def _gone(channel: str, reason: str) -> DeliveryFailed:
    return DeliveryFailed(channel, "questlog", reason, retryable=False)


async def _attempt(job: _Job, outlets: Outlets) -> DeliveryFailed | None:
    notification, delivery = job.notification, job.delivery
    if notification is None:
        return _gone(delivery.channel.value, "the notification no longer exists")
    try:
        if delivery.channel is Channel.EMAIL:
            if not job.email_usable:
                return _gone("email", "the address is no longer in use")
            email = render_email(notification, outlets.unsubscribe_url(notification))
            await outlets.email.send(
                EmailMessage(
                    to=delivery.target, subject=email.subject, text=email.text, html=email.html
                )
            )
        else:
            device = job.device
            if device is None or not device.active:
                return _gone("push", "the device was removed or deactivated")
            receipt = await outlets.push.send(
                PushMessage(
                    device_token=device.token,
                    title=notification.title,
                    body=notification.body,
                    data={
                        **notification.data,
                        "kind": notification.kind.value,
                        "notification_id": str(notification.id),
                    },
                )
            )
            if not receipt.sent:
                # the embedded default (QUESTLOG_PUSH=log) only logs: say so on the delivery
                job.note = f"not sent: the {receipt.provider} push sender only logs"
    except DeliveryFailed as error:
        return error
    return None


async def _deactivate(
    uow: NotificationUnitOfWork, job: _Job, reason: str, now: datetime, ids: IdFactory
) -> None:
    delivery = job.delivery
    device_id: UUID | None = None
    if delivery.channel is Channel.PUSH:
        device = await uow.devices.get(delivery.user, UUID(delivery.target))
        if device is None or not device.active:
            return
        device.active, device.deactivated_reason = False, reason
        await uow.devices.save(device)
        device_id = device.id
    else:
        recipient = await uow.recipients.get(delivery.user)
        if recipient is None or recipient.email != delivery.target or not recipient.email_active:
            return
        recipient.email_active, recipient.deactivated_reason = False, reason
        await uow.recipients.put(recipient)
    uow.record(
        ChannelDeactivated(
            event_id=EventId(ids.new_id()),
            occurred_at=now,
            owner=delivery.user,
            channel=delivery.channel.value,
            reason=reason,
            device_id=device_id,
        )
    )


__all__ = ["LEASE", "DeliveryReport", "Outlets", "deliver_due"]
