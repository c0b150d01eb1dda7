"""Webhook use cases: the owner's endpoints, queueing deliveries from events, and sending
what is due.

Registering (or changing the URL of) an endpoint checks the URL and resolves its host: an
address that is not public is refused (:mod:`questlog_core.integrations.webhooks`). Sending
checks again, with a fresh resolution, right before every attempt and connects to the address
it checked, so a name that later points inside our network is refused too. ``allow_private``
lifts both checks (``QUESTLOG_WEBHOOK_ALLOW_PRIVATE``, for development and tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

import msgspec

from questlog_core.events import event_types
from questlog_core.integrations.ports import (
    AddressResolver,
    IntegrationsUnitOfWork,
    WebhookSender,
)
from questlog_core.integrations.webhooks import (
    AREAS,
    ENDPOINTS_MAX,
    Attempt,
    Delivery,
    DeliveryStatus,
    Endpoint,
    EndpointDisabled,
    check_event_types,
    check_url,
    new_secret,
    payload_of,
    refusal_of_addresses,
    signature_headers,
)
from questlog_core.kernel.clock import Clock, IdFactory
from questlog_core.kernel.errors import NotFound, ValidationFailed
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import UserId

#: the inbox name under which the integrations consumer claims events for webhooks
CONSUMER = "integrations.webhooks"
#: deliveries listed at most per page of the delivery log
DELIVERIES_MAX = 100


def offered_event_types() -> list[str]:
    """The event kinds an endpoint can ask for: every published quest and game event."""
    return sorted(tag for tag in event_types() if tag.split(".", 1)[0] in AREAS)


def webhook_event_classes() -> tuple[type[DomainEvent], ...]:
    """The event types the integrations consumer takes for webhooks."""
    found = event_types()
    return tuple(found[tag] for tag in offered_event_types())


@dataclass(frozen=True, kw_only=True)
class WebhookPolicy:
    """How webhooks reach out: whether private addresses are allowed (never in production)."""

    allow_private: bool = False


async def _checked_public(
    url: str, resolver: AddressResolver, policy: WebhookPolicy
) -> tuple[str, list[str]]:
    """``url`` checked, and the addresses it may be sent to (refused: ``ValidationFailed``)."""
    checked = check_url(url, allow_private=policy.allow_private)
    if checked.literal:
        return url, [checked.host.strip("[]")]
    try:
        addresses = await resolver.resolve(checked.host, checked.port)
    except OSError:
        addresses = []
    if not policy.allow_private:
        reason = refusal_of_addresses(checked.host, addresses)
        if reason is not None:
            raise ValidationFailed("url", f"refused: {reason}")
    elif not addresses:
        raise ValidationFailed("url", f"refused: {checked.host} does not resolve to an address")
    return url, addresses


class RegisterEndpoint(msgspec.Struct, frozen=True, kw_only=True):
    """Add an endpoint: ``url`` is sent the owner's events of the kinds in ``event_types``."""

    owner: UserId
    url: str
    event_types: list[str]
    description: str = ""


class UpdateEndpoint(msgspec.Struct, frozen=True, kw_only=True):
    """Change what is given (``None``: keep it); disabling stops sending, pending deliveries
    included."""

    owner: UserId
    endpoint_id: UUID
    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None


class Redeliver(msgspec.Struct, frozen=True, kw_only=True):
    """Send one of an endpoint's delivered or failed deliveries again."""

    owner: UserId
    endpoint_id: UUID
    delivery_id: UUID


@dataclass
class Webhooks:
    """The webhook commands and queries, with the ports they reach out through."""

    resolver: AddressResolver
    clock: Clock
    ids: IdFactory
    policy: WebhookPolicy = field(default_factory=WebhookPolicy)

    async def register(self, command: RegisterEndpoint, uow: IntegrationsUnitOfWork) -> Endpoint:
        kinds = check_event_types(command.event_types, offered_event_types())
        url, _ = await _checked_public(command.url, self.resolver, self.policy)
        now = self.clock.now()
        endpoint = Endpoint(
            id=self.ids.new_id(),
            owner=command.owner,
            url=url,
            event_types=kinds,
            secret=new_secret(),
            enabled=True,
            description=command.description,
            created_at=now,
            updated_at=now,
        )
        async with uow:
            if len(await uow.webhooks.endpoints_of(command.owner)) >= ENDPOINTS_MAX:
                raise ValidationFailed("url", f"at most {ENDPOINTS_MAX} endpoints per account")
            await uow.webhooks.save_endpoint(endpoint)
            await uow.commit()
        return endpoint

    async def update(self, command: UpdateEndpoint, uow: IntegrationsUnitOfWork) -> Endpoint:
        kinds = (
            None
            if command.event_types is None
            else check_event_types(command.event_types, offered_event_types())
        )
        url = (
            None
            if command.url is None
            else (await _checked_public(command.url, self.resolver, self.policy))[0]
        )
        async with uow:
            endpoint = await _owned(uow, command.owner, command.endpoint_id)
            if url is not None:
                endpoint.url = url
            if kinds is not None:
                endpoint.event_types = kinds
            if command.description is not None:
                endpoint.description = command.description
            if command.enabled is not None:
                endpoint.enabled = command.enabled
            endpoint.updated_at = self.clock.now()
            await uow.webhooks.save_endpoint(endpoint)
            await uow.commit()
        return endpoint

    async def redeliver(self, command: Redeliver, uow: IntegrationsUnitOfWork) -> DeliveryLog:
        """Send one of the endpoint's delivered or failed deliveries again (see
        :meth:`~questlog_core.integrations.webhooks.Delivery.send_again`): the sender takes it
        on its next round. Another owner's endpoint or delivery is ``NotFound``; a delivery
        still waiting, or a disabled endpoint, is a conflict."""
        async with uow:
            endpoint = await _owned(uow, command.owner, command.endpoint_id)
            delivery = await uow.webhooks.delivery(command.delivery_id)
            if delivery is None or delivery.endpoint_id != endpoint.id:
                raise NotFound("webhook delivery", command.delivery_id)
            if not endpoint.enabled:
                raise EndpointDisabled(endpoint.id)
            delivery.send_again(self.clock.now())
            await uow.webhooks.save_delivery(delivery)
            attempts = await uow.webhooks.attempts_of([delivery.id])
            await uow.commit()
        return DeliveryLog(delivery=delivery, attempts=attempts)

    async def rotate_secret(
        self, owner: UserId, endpoint_id: UUID, uow: IntegrationsUnitOfWork
    ) -> Endpoint:
        """A new secret for the endpoint; the old one signs nothing from now on."""
        async with uow:
            endpoint = await _owned(uow, owner, endpoint_id)
            endpoint.secret = new_secret()
            endpoint.updated_at = self.clock.now()
            await uow.webhooks.save_endpoint(endpoint)
            await uow.commit()
        return endpoint


async def _owned(uow: IntegrationsUnitOfWork, owner: UserId, endpoint_id: UUID) -> Endpoint:
    endpoint = await uow.webhooks.endpoint(owner, endpoint_id)
    if endpoint is None:
        raise NotFound("webhook endpoint", endpoint_id)
    return endpoint


async def list_endpoints(owner: UserId, uow: IntegrationsUnitOfWork) -> list[Endpoint]:
    """The owner's endpoints, oldest first."""
    async with uow:
        return await uow.webhooks.endpoints_of(owner)


async def get_endpoint(owner: UserId, endpoint_id: UUID, uow: IntegrationsUnitOfWork) -> Endpoint:
    """One of the owner's endpoints (``NotFound`` for anyone else's)."""
    async with uow:
        return await _owned(uow, owner, endpoint_id)


async def delete_endpoint(owner: UserId, endpoint_id: UUID, uow: IntegrationsUnitOfWork) -> None:
    """Forget the endpoint with its delivery log; nothing more is sent to it."""
    async with uow:
        await _owned(uow, owner, endpoint_id)
        await uow.webhooks.delete_endpoint(owner, endpoint_id)
        await uow.commit()


@dataclass(frozen=True, kw_only=True)
class DeliveryLog:
    """A delivery with its attempts, oldest attempt first."""

    delivery: Delivery
    attempts: list[Attempt]


async def delivery_log(
    owner: UserId, endpoint_id: UUID, limit: int, uow: IntegrationsUnitOfWork
) -> list[DeliveryLog]:
    """The endpoint's newest deliveries first, each with its attempts."""
    async with uow:
        await _owned(uow, owner, endpoint_id)
        deliveries = await uow.webhooks.deliveries_of(owner, endpoint_id, limit=limit)
        attempts = await uow.webhooks.attempts_of([d.id for d in deliveries])
    by_delivery: dict[UUID, list[Attempt]] = {d.id: [] for d in deliveries}
    for attempt in attempts:
        by_delivery[attempt.delivery_id].append(attempt)
    return [DeliveryLog(delivery=d, attempts=by_delivery[d.id]) for d in deliveries]


@dataclass(frozen=True, kw_only=True)
class EndpointExport:
    """An endpoint with its whole delivery log (newest delivery first)."""

    endpoint: Endpoint
    deliveries: list[DeliveryLog]


async def export_webhooks(owner: UserId, uow: IntegrationsUnitOfWork) -> list[EndpointExport]:
    """Every endpoint of the owner's (oldest first), each with every delivery and attempt it
    has, read in one transaction: what a data export holds."""
    async with uow:
        endpoints = await uow.webhooks.endpoints_of(owner)
        logs: list[EndpointExport] = []
        for endpoint in endpoints:
            deliveries = await uow.webhooks.deliveries_of(owner, endpoint.id, limit=None)
            attempts = await uow.webhooks.attempts_of([d.id for d in deliveries])
            by_delivery: dict[UUID, list[Attempt]] = {d.id: [] for d in deliveries}
            for attempt in attempts:
                by_delivery[attempt.delivery_id].append(attempt)
            logs.append(
                EndpointExport(
                    endpoint=endpoint,
                    deliveries=[
                        DeliveryLog(delivery=d, attempts=by_delivery[d.id]) for d in deliveries
                    ],
                )
            )
    return logs


async def queue_deliveries(
    event: DomainEvent, uow: IntegrationsUnitOfWork, clock: Clock, ids: IdFactory
) -> int:
    """One delivery per enabled endpoint of the event's owner that wants its kind, written in
    the transaction that claims the event in the inbox (a redelivered event queues nothing);
    how many were queued. They are due at once."""
    kind = event.type_name()
    async with uow:
        if not await uow.inbox.claim(CONSUMER, event.event_id):
            return 0
        body = payload_of(event).decode()
        now = clock.now()
        queued = 0
        for endpoint in await uow.webhooks.endpoints_of(event.owner):
            if not endpoint.wants(kind):
                continue
            delivery = Delivery(
                id=ids.new_id(),
                owner=event.owner,
                endpoint_id=endpoint.id,
                event_id=event.event_id,
                event_type=kind,
                body=body,
                status=DeliveryStatus.PENDING,
                attempts=0,
                next_attempt_at=now,
                last_status_code=None,
                last_error=None,
                created_at=now,
                updated_at=now,
            )
            queued += int(await uow.webhooks.add_delivery(delivery))
        await uow.commit()
    return queued


@dataclass
class SendReport:
    """What one run of :func:`send_due` did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.delivered + self.retrying + self.failed


async def send_due(
    uows: Callable[[], IntegrationsUnitOfWork],
    resolver: AddressResolver,
    sender: WebhookSender,
    clock: Clock,
    *,
    policy: WebhookPolicy,
    lease: timedelta,
    limit: int = 50,
) -> SendReport:
    """Attempt every delivery that is due (up to ``limit``): lease them, then for each check
    the endpoint's URL and resolve it anew, refuse what is not public, POST the signed body to
    the checked address and record the attempt. 2xx delivers; anything else (a redirect too:
    never followed) retries on the schedule or, after the last attempt, fails."""
    report = SendReport()
    now = clock.now()
    async with uows() as uow:
        due = await uow.webhooks.claim_due(now, now + lease, limit)
        await uow.commit()
    for leased in due:
        async with uows() as uow:
            endpoint = await uow.webhooks.endpoint_by_id(leased.endpoint_id)
        if endpoint is None or not endpoint.enabled:
            async with uows() as uow:
                delivery = await uow.webhooks.delivery(leased.id)
                if delivery is not None:
                    delivery.give_up(clock.now(), "the endpoint is disabled")
                    await uow.webhooks.save_delivery(delivery)
                    await uow.commit()
            report.failed += 1
            continue
        attempt = await _attempt(leased, endpoint, resolver, sender, clock, policy)
        async with uows() as uow:
            delivery = await uow.webhooks.delivery(leased.id)
            if delivery is None:  # the endpoint was deleted meanwhile
                continue
            delivery.after_attempt(attempt)
            await uow.webhooks.save_delivery(delivery)
            await uow.webhooks.add_attempt(attempt)
            await uow.commit()
        if delivery.status is DeliveryStatus.DELIVERED:
            report.delivered += 1
        elif delivery.status is DeliveryStatus.FAILED:
            report.failed += 1
        else:
            report.retrying += 1
    return report


async def _attempt(
    delivery: Delivery,
    endpoint: Endpoint,
    resolver: AddressResolver,
    sender: WebhookSender,
    clock: Clock,
    policy: WebhookPolicy,
) -> Attempt:
    started = time.monotonic()
    at = clock.now()

    def attempt(status_code: int | None, error: str | None) -> Attempt:
        return Attempt(
            delivery_id=delivery.id,
            owner=delivery.owner,
            at=at,
            status_code=status_code,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )

    try:
        url, addresses = await _checked_public(endpoint.url, resolver, policy)
    except ValidationFailed as refused:
        return attempt(None, refused.reason)
    checked = check_url(url, allow_private=policy.allow_private)
    body = delivery.body.encode()
    headers = signature_headers(endpoint.secret, delivery.message_id, at, body)
    try:
        answer = await sender.post(checked, addresses[0], headers, body)
    except Exception as error:  # no answer: a timeout, a refused connection, a TLS failure
        return attempt(None, _describe(error))
    if 300 <= answer.status_code < 400:
        where = answer.location or "nowhere"
        return attempt(answer.status_code, f"redirect to {where} not followed")
    return attempt(answer.status_code, None)


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:500]


__all__ = [
    "CONSUMER",
    "DELIVERIES_MAX",
    "DeliveryLog",
    "Redeliver",
    "RegisterEndpoint",
    "SendReport",
    "UpdateEndpoint",
    "WebhookPolicy",
    "Webhooks",
    "delete_endpoint",
    "delivery_log",
    "get_endpoint",
    "list_endpoints",
    "offered_event_types",
    "queue_deliveries",
    "send_due",
    "webhook_event_classes",
]
