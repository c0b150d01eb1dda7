"""The integrations context's commands and queries as messages for the bus, and their handlers.

A controller builds one of these and ``await bus.handle(message)``
(:mod:`questlog_core.integrations.bootstrap`); what it needs to read an answer is re-exported
here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import msgspec

from questlog_core.integrations.ports import IntegrationsUnitOfWork
from questlog_core.integrations.use_cases import (
    DELIVERIES_MAX,
    DeliveryLog,
    EndpointExport,
    Redeliver,
    RegisterEndpoint,
    UpdateEndpoint,
    Webhooks,
    delete_endpoint,
    delivery_log,
    export_webhooks,
    get_endpoint,
    list_endpoints,
    offered_event_types,
)
from questlog_core.integrations.webhooks import (
    ENDPOINTS_MAX,
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    URL_MAX_LENGTH,
    Attempt,
    Delivery,
    Endpoint,
)
from questlog_core.kernel.ids import UserId

__all__ = [
    "DELIVERIES_MAX",
    "ENDPOINTS_MAX",
    "MAX_ATTEMPTS",
    "QUERIES",
    "RETRY_DELAYS",
    "URL_MAX_LENGTH",
    "Attempt",
    "DeleteEndpoint",
    "Delivery",
    "DeliveryLog",
    "Endpoint",
    "EndpointExport",
    "ExportWebhooks",
    "GetDeliveryLog",
    "GetEndpoint",
    "ListEndpoints",
    "Redeliver",
    "RegisterEndpoint",
    "RotateSecret",
    "UpdateEndpoint",
    "handlers",
    "offered_event_types",
]


class ListEndpoints(msgspec.Struct, frozen=True, kw_only=True):
    """The owner's webhook endpoints."""

    owner: UserId


class GetEndpoint(msgspec.Struct, frozen=True, kw_only=True):
    """One of the owner's endpoints."""

    owner: UserId
    endpoint_id: UUID


class DeleteEndpoint(msgspec.Struct, frozen=True, kw_only=True):
    """Forget an endpoint and its delivery log."""

    owner: UserId
    endpoint_id: UUID


class RotateSecret(msgspec.Struct, frozen=True, kw_only=True):
    """Replace an endpoint's secret (the new one is in the answer, and only there)."""

    owner: UserId
    endpoint_id: UUID


class GetDeliveryLog(msgspec.Struct, frozen=True, kw_only=True):
    """An endpoint's newest deliveries, with their attempts."""

    owner: UserId
    endpoint_id: UUID
    limit: int = 50


class ExportWebhooks(msgspec.Struct, frozen=True, kw_only=True):
    """Every endpoint of the owner's with its whole delivery log (answers a list of
    :class:`EndpointExport`)."""

    owner: UserId


#: the messages that only read
QUERIES: frozenset[type[Any]] = frozenset(
    {ListEndpoints, GetEndpoint, GetDeliveryLog, ExportWebhooks}
)

Handler = Callable[[Any, IntegrationsUnitOfWork], Awaitable[Any]]


def handlers(webhooks: Webhooks) -> dict[type[Any], Handler]:
    """Each message's handler, with the ports ``webhooks`` carries."""

    async def listing(m: ListEndpoints, uow: IntegrationsUnitOfWork) -> list[Endpoint]:
        return await list_endpoints(m.owner, uow)

    async def getting(m: GetEndpoint, uow: IntegrationsUnitOfWork) -> Endpoint:
        return await get_endpoint(m.owner, m.endpoint_id, uow)

    async def deleting(m: DeleteEndpoint, uow: IntegrationsUnitOfWork) -> None:
        await delete_endpoint(m.owner, m.endpoint_id, uow)

    async def rotating(m: RotateSecret, uow: IntegrationsUnitOfWork) -> Endpoint:
        return await webhooks.rotate_secret(m.owner, m.endpoint_id, uow)

    async def log(m: GetDeliveryLog, uow: IntegrationsUnitOfWork) -> list[DeliveryLog]:
        return await delivery_log(m.owner, m.endpoint_id, min(m.limit, DELIVERIES_MAX), uow)

    async def exporting(m: ExportWebhooks, uow: IntegrationsUnitOfWork) -> list[EndpointExport]:
        return await export_webhooks(m.owner, uow)

    return {
        RegisterEndpoint: webhooks.register,
        UpdateEndpoint: webhooks.update,
        ListEndpoints: listing,
        GetEndpoint: getting,
        DeleteEndpoint: deleting,
        RotateSecret: rotating,
        Redeliver: webhooks.redeliver,
        GetDeliveryLog: log,
        ExportWebhooks: exporting,
    }
