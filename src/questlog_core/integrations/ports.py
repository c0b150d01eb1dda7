"""Ports of the integrations context: its stores, their unit of work, and the outside world
webhooks reach (name resolution and HTTP).

Adapters: :mod:`adapters.memory.integrations` and :mod:`adapters.sql.integrations` for the
stores; :mod:`adapters.webhooks` for resolving and sending. Every read of the stores is scoped
by owner, except the sender's scan of due deliveries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

import msgspec

from questlog_core.integrations.webhooks import Attempt, CheckedUrl, Delivery, Endpoint
from questlog_core.kernel.ids import UserId
from questlog_core.kernel.unit_of_work import UnitOfWork

__all__ = [
    "AddressResolver",
    "IntegrationsUnitOfWork",
    "SentAnswer",
    "WebhookSender",
    "WebhookStore",
]


class WebhookStore(Protocol):
    """Endpoints, their deliveries and the attempts at each."""

    async def endpoints_of(self, owner: UserId) -> list[Endpoint]:
        """The owner's endpoints, oldest first."""
        ...

    async def endpoint(self, owner: UserId, endpoint_id: UUID) -> Endpoint | None: ...

    async def endpoint_by_id(self, endpoint_id: UUID) -> Endpoint | None:
        """Any owner's endpoint (for the sender, which works for every owner)."""
        ...

    async def save_endpoint(self, endpoint: Endpoint) -> None:
        """Insert or replace ``endpoint``."""
        ...

    async def delete_endpoint(self, owner: UserId, endpoint_id: UUID) -> None:
        """Forget the endpoint, its deliveries and their attempts."""
        ...

    async def add_delivery(self, delivery: Delivery) -> bool:
        """Insert ``delivery`` unless its endpoint already has one for its event (``False``)."""
        ...

    async def save_delivery(self, delivery: Delivery) -> None:
        """Replace the stored delivery of ``delivery.id``."""
        ...

    async def delivery(self, delivery_id: UUID) -> Delivery | None: ...

    async def deliveries_of(
        self, owner: UserId, endpoint_id: UUID, *, limit: int | None
    ) -> list[Delivery]:
        """The endpoint's newest deliveries first (``limit`` ``None``: every one)."""
        ...

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        """Up to ``limit`` pending deliveries due at ``now``, oldest due first, each leased until
        ``until`` (its ``next_attempt_at`` moved there) so no other sender takes it meanwhile."""
        ...

    async def add_attempt(self, attempt: Attempt) -> None: ...

    async def attempts_of(self, delivery_ids: Sequence[UUID]) -> list[Attempt]:
        """The attempts at these deliveries, oldest first."""
        ...


class IntegrationsUnitOfWork(UnitOfWork, Protocol):
    """One transaction over the integrations stores and the integrations inbox."""

    webhooks: WebhookStore


class AddressResolver(Protocol):
    """Name resolution: a host's IP addresses, asked anew every time (never cached here)."""

    async def resolve(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to (empty when it resolves to none)."""
        ...


class SentAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """What came back from one HTTP attempt."""

    status_code: int
    #: the ``Location`` of a redirect (never followed)
    location: str | None = None


class WebhookSender(Protocol):
    """POSTs one webhook, connecting to a given (already checked) address."""

    async def post(
        self, url: CheckedUrl, address: str, headers: dict[str, str], body: bytes
    ) -> SentAnswer:
        """POST ``body`` to ``url`` at ``address`` (the ``Host`` and TLS name stay ``url``'s);
        redirects are answers, never followed.

        Raises:
            OSError, TimeoutError or the adapter's transport error: no answer.
        """
        ...
