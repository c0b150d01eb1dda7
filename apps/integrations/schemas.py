"""Request and response bodies of the integrations service, built from the use cases' results
(``from_domain``), so the published contract changes only when this file does."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final, Literal
from uuid import UUID

import msgspec

from apps.integrations.calendar_schemas import CalendarFeedOut
from questlog_core.integrations.calendar.messages import CalendarFeed
from questlog_core.integrations.messages import (
    URL_MAX_LENGTH,
    Attempt,
    DeliveryLog,
    Endpoint,
    EndpointExport,
    offered_event_types,
)


class IntegrationKindOut(msgspec.Struct, frozen=True, kw_only=True):
    """One kind of integration this deployment offers."""

    name: str
    description: str
    #: where its resources live
    path: str


class IntegrationsOut(msgspec.Struct, frozen=True, kw_only=True):
    """The kinds of integration offered, in a stable order."""

    items: list[IntegrationKindOut]


# --- webhooks -----------------------------------------------------------------------------

WebhookUrl = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=URL_MAX_LENGTH,
        pattern=r"^[hH][tT][tT][pP][sS]?://\S+$",
        description="an http(s) URL on a public address; no credentials, no fragment",
        examples=["https://hooks.example.com/questlog"],
    ),
]
EventKind = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=120,
        pattern=r"^[a-z_]+\.[a-z_]+\.v[0-9]+$",
        examples=["quest.completed.v1"],
    ),
]
_EVENT_KIND = {"type": "string", "enum": offered_event_types()}
EventKinds = Annotated[
    list[EventKind],
    msgspec.Meta(
        min_length=1,
        max_length=100,
        description="the event kinds sent (see GET .../webhooks/event-types)",
        extra_json_schema={"extra": {"items": _EVENT_KIND}},
    ),
]
Description = Annotated[str, msgspec.Meta(max_length=200)]


class EndpointIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A new webhook endpoint."""

    url: WebhookUrl
    event_types: EventKinds
    description: Description = ""


class EndpointPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What to change (absent: unchanged). ``enabled: false`` stops sending, retries too."""

    url: WebhookUrl | msgspec.UnsetType = msgspec.UNSET
    event_types: EventKinds | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET


class EndpointOut(msgspec.Struct, frozen=True, kw_only=True):
    """A webhook endpoint (its secret is shown only when made or rotated)."""

    id: UUID
    url: str
    event_types: list[str]
    enabled: bool
    description: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_domain(cls, endpoint: Endpoint) -> EndpointOut:
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            event_types=list(endpoint.event_types),
            enabled=endpoint.enabled,
            description=endpoint.description,
            created_at=endpoint.created_at,
            updated_at=endpoint.updated_at,
        )


class EndpointWithSecretOut(EndpointOut, frozen=True, kw_only=True):
    """A webhook endpoint with its signing secret (``whsec_`` + base64): shown this once,
    keep it to verify the ``webhook-signature`` of what it is sent."""

    secret: str

    @classmethod
    def with_secret(cls, endpoint: Endpoint) -> EndpointWithSecretOut:
        shown = EndpointOut.from_domain(endpoint)
        return cls(**msgspec.structs.asdict(shown), secret=endpoint.secret)


class EventTypesOut(msgspec.Struct, frozen=True, kw_only=True):
    """The event kinds an endpoint can be sent."""

    items: list[str]


class AttemptOut(msgspec.Struct, frozen=True, kw_only=True):
    """One try: the answer's status code, or why there was none (or why it did not count)."""

    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int

    @classmethod
    def from_domain(cls, attempt: Attempt) -> AttemptOut:
        return cls(
            at=attempt.at,
            status_code=attempt.status_code,
            error=attempt.error,
            duration_ms=attempt.duration_ms,
        )


class DeliveryOut(msgspec.Struct, frozen=True, kw_only=True):
    """One event sent (or to be sent) to the endpoint. ``webhook_id`` is the ``webhook-id``
    header of every attempt; ``status`` is ``pending`` (``next_attempt_at`` says when),
    ``delivered`` (a 2xx answer) or ``failed`` (no more attempts)."""

    id: UUID
    webhook_id: str
    event_id: UUID
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    attempt_log: list[AttemptOut]

    @classmethod
    def from_domain(cls, log: DeliveryLog) -> DeliveryOut:
        d = log.delivery
        return cls(
            id=d.id,
            webhook_id=d.message_id,
            event_id=d.event_id,
            event_type=d.event_type,
            status=d.status.value,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            created_at=d.created_at,
            attempt_log=[AttemptOut.from_domain(a) for a in log.attempts],
        )


# --- moving out ---------------------------------------------------------------------------

#: the ``format`` of the integrations service's data export
INTEGRATIONS_EXPORT_FORMAT: Final = "questlog.integrations.export.v1"


class EndpointExportOut(EndpointOut, frozen=True, kw_only=True):
    """A webhook endpoint with its whole delivery log, newest delivery first (its secret is
    left out: it signs what the endpoint is sent)."""

    deliveries: list[DeliveryOut]

    @classmethod
    def exported(cls, log: EndpointExport) -> EndpointExportOut:
        shown = EndpointOut.from_domain(log.endpoint)
        return cls(
            **msgspec.structs.asdict(shown),
            deliveries=[DeliveryOut.from_domain(d) for d in log.deliveries],
        )


class IntegrationsExportOut(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the integrations service keeps of the caller: calendar feeds (labels and
    dates, revoked ones too; never their URLs, which hold the token) and webhook endpoints
    (never their secrets) with every delivery and attempt."""

    format: Literal["questlog.integrations.export.v1"]
    exported_at: datetime
    calendar_feeds: list[CalendarFeedOut]
    webhooks: list[EndpointExportOut]

    @classmethod
    def from_domain(
        cls, feeds: list[CalendarFeed], webhooks: list[EndpointExport], exported_at: datetime
    ) -> IntegrationsExportOut:
        return cls(
            format=INTEGRATIONS_EXPORT_FORMAT,
            exported_at=exported_at,
            calendar_feeds=[CalendarFeedOut.from_domain(f) for f in feeds],
            webhooks=[EndpointExportOut.exported(w) for w in webhooks],
        )
