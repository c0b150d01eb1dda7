"""``/api/v1/integrations/webhooks``: the caller's webhook endpoints and their delivery logs.

Endpoints are the caller's own (another user's is a 404). A new endpoint's secret, and a
rotated one, is in that answer only. URLs that are not http(s), carry credentials, or name or
resolve to an address that is not public are refused with a 422 naming ``url``.
"""

from __future__ import annotations

from typing import Annotated, TypeVar
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_201_CREATED,
    HTTP_202_ACCEPTED,
    HTTP_204_NO_CONTENT,
)

from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from apps.integrations.controllers import INTEGRATIONS_PATH, KINDS
from apps.integrations.dependencies import DEPENDENCIES, IntegrationsBus
from apps.integrations.schemas import (
    DeliveryOut,
    EndpointIn,
    EndpointOut,
    EndpointPatch,
    EndpointWithSecretOut,
    EventTypesOut,
)
from questlog_core.identity.rbac import Permission
from questlog_core.integrations.messages import (
    DELIVERIES_MAX,
    DeleteEndpoint,
    GetDeliveryLog,
    GetEndpoint,
    ListEndpoints,
    Redeliver,
    RegisterEndpoint,
    RotateSecret,
    UpdateEndpoint,
    offered_event_types,
)
from questlog_core.kernel.ids import UserId

WEBHOOKS_PATH = f"{INTEGRATIONS_PATH}/webhooks"

KINDS.append(
    (
        "webhooks",
        "Your quest and game events POSTed to your URLs, signed per Standard Webhooks",
        WEBHOOKS_PATH,
    )
)


_T = TypeVar("_T")


def _value(value: _T | msgspec.UnsetType) -> _T | None:
    return None if isinstance(value, msgspec.UnsetType) else value


class WebhookController(Controller):
    path = WEBHOOKS_PATH
    tags = ["integrations"]
    dependencies = DEPENDENCIES

    @get("/event-types", **requires(Permission.INTEGRATIONS_READ))
    async def event_types(self) -> EventTypesOut:
        """The event kinds an endpoint can ask for (the quest and game services' events)."""
        return EventTypesOut(items=offered_event_types())

    @post("/", status_code=HTTP_201_CREATED, **requires(Permission.INTEGRATIONS_WRITE))
    async def register(
        self, user: CurrentUser, bus: IntegrationsBus, data: JSONBody[EndpointIn]
    ) -> EndpointWithSecretOut:
        """Register an endpoint; the answer carries its secret, shown this once."""
        endpoint = await bus.handle(
            RegisterEndpoint(
                owner=UserId(user.user_id),
                url=data.url,
                event_types=list(data.event_types),
                description=data.description,
            )
        )
        return EndpointWithSecretOut.with_secret(endpoint)

    @get("/", **requires(Permission.INTEGRATIONS_READ))
    async def list_endpoints(self, user: CurrentUser, bus: IntegrationsBus) -> list[EndpointOut]:
        """The caller's endpoints, oldest first (secrets are never shown again)."""
        found = await bus.handle(ListEndpoints(owner=UserId(user.user_id)))
        return [EndpointOut.from_domain(e) for e in found]

    @get("/{endpoint_id:uuid}", **requires(Permission.INTEGRATIONS_READ))
    async def get_endpoint(
        self, user: CurrentUser, bus: IntegrationsBus, endpoint_id: FromPath[UUID]
    ) -> EndpointOut:
        """One of the caller's endpoints."""
        found = await bus.handle(GetEndpoint(owner=UserId(user.user_id), endpoint_id=endpoint_id))
        return EndpointOut.from_domain(found)

    @patch(
        "/{endpoint_id:uuid}", status_code=HTTP_200_OK, **requires(Permission.INTEGRATIONS_WRITE)
    )
    async def update(
        self,
        user: CurrentUser,
        bus: IntegrationsBus,
        endpoint_id: FromPath[UUID],
        data: JSONBody[EndpointPatch],
    ) -> EndpointOut:
        """Change the URL, event kinds, description, or enable/disable the endpoint."""
        kinds = _value(data.event_types)
        changed = await bus.handle(
            UpdateEndpoint(
                owner=UserId(user.user_id),
                endpoint_id=endpoint_id,
                url=_value(data.url),
                event_types=None if kinds is None else list(kinds),
                description=_value(data.description),
                enabled=_value(data.enabled),
            )
        )
        return EndpointOut.from_domain(changed)

    @delete(
        "/{endpoint_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.INTEGRATIONS_WRITE),
    )
    async def remove(
        self, user: CurrentUser, bus: IntegrationsBus, endpoint_id: FromPath[UUID]
    ) -> None:
        """Delete the endpoint and its delivery log; nothing more is sent to it."""
        await bus.handle(DeleteEndpoint(owner=UserId(user.user_id), endpoint_id=endpoint_id))

    @post(
        "/{endpoint_id:uuid}/rotate-secret",
        status_code=HTTP_200_OK,
        **requires(Permission.INTEGRATIONS_WRITE),
    )
    async def rotate_secret(
        self, user: CurrentUser, bus: IntegrationsBus, endpoint_id: FromPath[UUID]
    ) -> EndpointWithSecretOut:
        """A new secret for the endpoint, shown this once; the old one signs nothing more."""
        endpoint = await bus.handle(
            RotateSecret(owner=UserId(user.user_id), endpoint_id=endpoint_id)
        )
        return EndpointWithSecretOut.with_secret(endpoint)

    @get("/{endpoint_id:uuid}/deliveries", **requires(Permission.INTEGRATIONS_READ))
    async def deliveries(
        self,
        user: CurrentUser,
        bus: IntegrationsBus,
        endpoint_id: FromPath[UUID],
        limit: Annotated[
            int, QueryParameter(ge=1, le=DELIVERIES_MAX, description="deliveries at most")
        ] = 50,
    ) -> list[DeliveryOut]:
        """The endpoint's delivery log, newest first: each delivery's status, its attempts
        (status codes, errors) and when it is tried next."""
        logs = await bus.handle(
            GetDeliveryLog(owner=UserId(user.user_id), endpoint_id=endpoint_id, limit=limit)
        )
        return [DeliveryOut.from_domain(log) for log in logs]

    @post(
        "/{endpoint_id:uuid}/deliveries/{delivery_id:uuid}/redeliver",
        status_code=HTTP_202_ACCEPTED,
        **requires(Permission.INTEGRATIONS_WRITE),
    )
    async def redeliver(
        self,
        user: CurrentUser,
        bus: IntegrationsBus,
        endpoint_id: FromPath[UUID],
        delivery_id: FromPath[UUID],
    ) -> DeliveryOut:
        """Send a delivered or failed delivery again: queued now, with the whole retry schedule
        ahead and the same ``webhook-id`` (receivers deduplicate by it); its earlier attempts
        stay in the log. One still waiting to be sent, or a disabled endpoint, is a 409."""
        log = await bus.handle(
            Redeliver(owner=UserId(user.user_id), endpoint_id=endpoint_id, delivery_id=delivery_id)
        )
        return DeliveryOut.from_domain(log)
