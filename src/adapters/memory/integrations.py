"""The integrations context in memory (``memory://``): the reference semantics of the stores.

Without a database there is no outbox relay, so nothing queues deliveries here unless a test
hands events to the consumer's use case itself.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from typing import Self
from uuid import UUID

from questlog_core.integrations.webhooks import Attempt, Delivery, DeliveryStatus, Endpoint
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import EventId, UserId


class InMemoryIntegrationsStore:
    """What the units of work share: committed state."""

    def __init__(self) -> None:
        self.endpoints: dict[UUID, Endpoint] = {}
        self.deliveries: dict[UUID, Delivery] = {}
        self.attempts: list[Attempt] = []
        self.inbox: set[tuple[str, EventId]] = set()
        self.outbox: list[DomainEvent] = []


class _Webhooks:
    def __init__(self, uow: InMemoryIntegrationsUnitOfWork) -> None:
        self._uow = uow

    async def endpoints_of(self, owner: UserId) -> list[Endpoint]:
        found = [e for e in self._uow.endpoints.values() if e.owner == owner]
        return [copy.deepcopy(e) for e in sorted(found, key=lambda e: (e.created_at, e.id))]

    async def endpoint(self, owner: UserId, endpoint_id: UUID) -> Endpoint | None:
        found = self._uow.endpoints.get(endpoint_id)
        return copy.deepcopy(found) if found is not None and found.owner == owner else None

    async def endpoint_by_id(self, endpoint_id: UUID) -> Endpoint | None:
        found = self._uow.endpoints.get(endpoint_id)
        return None if found is None else copy.deepcopy(found)

    async def save_endpoint(self, endpoint: Endpoint) -> None:
        self._uow.endpoints[endpoint.id] = copy.deepcopy(endpoint)

    async def delete_endpoint(self, owner: UserId, endpoint_id: UUID) -> None:
        uow = self._uow
        gone = {
            d.id
            for d in uow.deliveries.values()
            if d.endpoint_id == endpoint_id and d.owner == owner
        }
        uow.deliveries = {k: v for k, v in uow.deliveries.items() if k not in gone}
        uow.attempts = [a for a in uow.attempts if a.delivery_id not in gone]
        found = uow.endpoints.get(endpoint_id)
        if found is not None and found.owner == owner:
            del uow.endpoints[endpoint_id]

    async def add_delivery(self, delivery: Delivery) -> bool:
        if any(
            d.endpoint_id == delivery.endpoint_id and d.event_id == delivery.event_id
            for d in self._uow.deliveries.values()
        ):
            return False
        self._uow.deliveries[delivery.id] = copy.deepcopy(delivery)
        return True

    async def save_delivery(self, delivery: Delivery) -> None:
        if delivery.id in self._uow.deliveries:
            self._uow.deliveries[delivery.id] = copy.deepcopy(delivery)

    async def delivery(self, delivery_id: UUID) -> Delivery | None:
        found = self._uow.deliveries.get(delivery_id)
        return None if found is None else copy.deepcopy(found)

    async def deliveries_of(
        self, owner: UserId, endpoint_id: UUID, *, limit: int | None
    ) -> list[Delivery]:
        found = [
            d
            for d in self._uow.deliveries.values()
            if d.owner == owner and d.endpoint_id == endpoint_id
        ]
        found.sort(key=lambda d: (-d.created_at.timestamp(), d.id))
        return [copy.deepcopy(d) for d in found[:limit]]

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        due = [
            d
            for d in self._uow.deliveries.values()
            if d.status is DeliveryStatus.PENDING
            and d.next_attempt_at is not None
            and d.next_attempt_at <= now
        ]
        due.sort(key=lambda d: d.next_attempt_at or now)
        claimed = [copy.deepcopy(d) for d in due[:limit]]
        for d in due[:limit]:
            d.next_attempt_at = until
        return claimed

    async def add_attempt(self, attempt: Attempt) -> None:
        self._uow.attempts.append(attempt)

    async def attempts_of(self, delivery_ids: Sequence[UUID]) -> list[Attempt]:
        wanted = set(delivery_ids)
        return [a for a in self._uow.attempts if a.delivery_id in wanted]


class _Inbox:
    def __init__(self, uow: InMemoryIntegrationsUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        key = (consumer, event_id)
        if key in self._uow.store.inbox or key in self._uow.claims:
            return False
        self._uow.claims.add(key)
        return True


class InMemoryIntegrationsUnitOfWork:
    """A transaction over an :class:`InMemoryIntegrationsStore`: changes land on commit."""

    def __init__(self, store: InMemoryIntegrationsStore) -> None:
        self.store = store
        self.endpoints: dict[UUID, Endpoint] = {}
        self.deliveries: dict[UUID, Delivery] = {}
        self.attempts: list[Attempt] = []
        self.claims: set[tuple[str, EventId]] = set()
        self.events: list[DomainEvent] = []
        self._last_committed: list[DomainEvent] = []
        self.webhooks = _Webhooks(self)
        self.inbox = _Inbox(self)

    async def __aenter__(self) -> Self:
        await self.rollback()
        self._last_committed = []
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.store.endpoints = copy.deepcopy(self.endpoints)
        self.store.deliveries = copy.deepcopy(self.deliveries)
        self.store.attempts = list(self.attempts)
        self.store.inbox |= self.claims
        self.store.outbox.extend(self.events)
        self._last_committed = self.events
        self.claims = set()
        self.events = []

    async def rollback(self) -> None:
        """Discard the changes, claims and recorded events; the unit of work goes on."""
        self.endpoints = copy.deepcopy(self.store.endpoints)
        self.deliveries = copy.deepcopy(self.store.deliveries)
        self.attempts = list(self.store.attempts)
        self.claims = set()
        self.events = []

    def record(self, *events: DomainEvent) -> None:
        self.events.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        return list(self._last_committed)


__all__ = ["InMemoryIntegrationsStore", "InMemoryIntegrationsUnitOfWork"]
