"""Webhooks: the user's HTTP endpoints, the events each one is sent, and how they are sent.

An :class:`Endpoint` is a URL the user registered with the event kinds it wants (tags of the
quest and game services' events, e.g. ``quest.completed.v1``) and a secret of its own. Each
event of the owner that an enabled endpoint wants becomes one :class:`Delivery`, sent with the
headers of the Standard Webhooks scheme (:func:`signature_headers`) and retried on the
:data:`RETRY_DELAYS` schedule until a 2xx answer or the last attempt; every try is an
:class:`Attempt` in the delivery log.

Server-side request forgery: a webhook URL is the user's choice, sent from inside our network,
so :func:`check_url` refuses what can never be a public endpoint (other schemes, credentials,
odd ports are allowed) and :func:`refusal_of_address` every address that is not public
(loopback, private, link-local including the cloud metadata address, shared, multicast,
reserved, IPv4-mapped or -translated forms of those). Names are resolved (an adapter's job)
at registration and again before every attempt, and the attempt connects to the address that
passed the check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit
from uuid import UUID

import msgspec

from questlog_core.kernel.errors import DomainError, ErrorKind, ValidationFailed
from questlog_core.kernel.events import DomainEvent, encode_event
from questlog_core.kernel.ids import EventId, UserId

#: what a secret starts with (Standard Webhooks): the rest is base64 of :data:`SECRET_BYTES`
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
#: the longest URL accepted
URL_MAX_LENGTH = 2000
#: endpoints one user may have
ENDPOINTS_MAX = 20
#: the areas whose events an endpoint can ask for
AREAS = ("quest", "gamification")

#: waits before each retry, after the first attempt failed (the Standard Webhooks schedule,
#: cut to a day): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h; 7 attempts in all, then failed
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class DeliveryStatus(StrEnum):
    """Where a delivery stands."""

    #: waiting for its next attempt (``next_attempt_at``)
    PENDING = "pending"
    #: an attempt got a 2xx answer
    DELIVERED = "delivered"
    #: the last attempt failed, or the endpoint was gone; never tried again
    FAILED = "failed"


class Endpoint(msgspec.Struct, kw_only=True):
    """A URL of the owner's, sent the events of the kinds it names."""

    id: UUID
    owner: UserId
    url: str
    event_types: list[str]
    #: ``whsec_`` + base64 of the signing key
    secret: str
    enabled: bool
    description: str
    created_at: datetime
    updated_at: datetime

    def wants(self, event_type: str) -> bool:
        """Whether this endpoint is sent events tagged ``event_type`` now."""
        return self.enabled and event_type in self.event_types


class Attempt(msgspec.Struct, frozen=True, kw_only=True):
    """One try at sending a delivery: its answer's status code or why there was none."""

    delivery_id: UUID
    owner: UserId
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class Delivery(msgspec.Struct, kw_only=True):
    """One event to send to one endpoint; its ``id`` is the ``webhook-id`` of every try."""

    id: UUID
    owner: UserId
    endpoint_id: UUID
    event_id: EventId
    event_type: str
    #: the exact bytes sent (and signed), as text
    body: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def message_id(self) -> str:
        """The ``webhook-id`` header: the same on every retry, so receivers can deduplicate."""
        return f"msg_{self.id.hex}"

    def after_attempt(self, attempt: Attempt) -> None:
        """Record ``attempt``'s outcome: delivered on 2xx; otherwise retried on the schedule,
        or failed after :data:`MAX_ATTEMPTS`."""
        self.attempts += 1
        self.last_status_code = attempt.status_code
        self.last_error = attempt.error
        self.updated_at = attempt.at
        code = attempt.status_code
        if code is not None and 200 <= code < 300 and attempt.error is None:
            self.status = DeliveryStatus.DELIVERED
            self.next_attempt_at = None
        elif self.attempts >= MAX_ATTEMPTS:
            self.status = DeliveryStatus.FAILED
            self.next_attempt_at = None
        else:
            self.status = DeliveryStatus.PENDING
            self.next_attempt_at = attempt.at + RETRY_DELAYS[self.attempts - 1]

    def send_again(self, at: datetime) -> None:
        """Queue a delivered or failed delivery once more, due at ``at``, with the whole retry
        schedule ahead of it and the same ``webhook-id`` (receivers deduplicate by it); its
        earlier attempts stay in the log.

        Raises:
            DeliveryWaiting: it is still waiting to be sent.
        """
        if self.status is DeliveryStatus.PENDING:
            raise DeliveryWaiting(self.id)
        self.status = DeliveryStatus.PENDING
        self.attempts = 0
        self.next_attempt_at = at
        self.updated_at = at

    def give_up(self, at: datetime, reason: str) -> None:
        """Fail without another attempt (the endpoint was deleted or disabled)."""
        self.status = DeliveryStatus.FAILED
        self.next_attempt_at = None
        self.last_error = reason
        self.updated_at = at


class DeliveryWaiting(DomainError):
    """A delivery asked to be sent again while it still waits to be sent (409)."""

    code = "delivery-waiting"
    kind = ErrorKind.CONFLICT

    def __init__(self, delivery_id: UUID) -> None:
        super().__init__(
            "this delivery is still waiting to be sent; it can be sent again once it was "
            "delivered or failed",
            delivery_id=str(delivery_id),
        )


class EndpointDisabled(DomainError):
    """Something was asked of a disabled endpoint that only an enabled one does (409)."""

    code = "endpoint-disabled"
    kind = ErrorKind.CONFLICT

    def __init__(self, endpoint_id: UUID) -> None:
        super().__init__("the endpoint is disabled: enable it first", endpoint_id=str(endpoint_id))


def new_secret() -> str:
    """A fresh endpoint secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signing_key(secret: str) -> bytes:
    """The HMAC key of ``secret`` (its base64 part, decoded)."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,`` + base64 HMAC-SHA256 of
    ``"{id}.{timestamp}.{body}"`` keyed with the decoded secret."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(secret: str, message_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt sent ``at``."""
    timestamp = int(at.timestamp())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
        "content-type": "application/json",
    }


def payload_of(event: DomainEvent) -> bytes:
    """The body sent for ``event`` (the Standard Webhooks shape): ``type``, ``timestamp`` (when
    it happened) and ``data``, the event as the service published it."""
    data = msgspec.json.decode(encode_event(event))
    return msgspec.json.encode(
        {"type": event.type_name(), "timestamp": event.occurred_at, "data": data}
    )


# --- server-side request forgery --------------------------------------------------------

#: networks no webhook may reach, beyond what :mod:`ipaddress` calls private or reserved
_REFUSED_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)


def refusal_of_address(address: str) -> str | None:
    """Why a webhook may not be sent to the IP ``address`` (``None``: it is public).

    Refused: loopback, unspecified, private (10/8, 172.16/12, 192.168/16, fc00::/7), shared
    (100.64/10), link-local (169.254/16, the cloud metadata address among them; fe80::/10),
    multicast, reserved, and any IPv6 form of those (IPv4-mapped ``::ffff:a.b.c.d``, 6to4,
    NAT64, Teredo)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address!r} is not an IP address"
    inner: list[ipaddress.IPv4Address] = []
    if isinstance(ip, ipaddress.IPv6Address):
        for embedded in (ip.ipv4_mapped, ip.sixtofour):
            if embedded is not None:
                inner.append(embedded)
        if ip.teredo is not None:
            inner.extend(ip.teredo)
    for candidate in (ip, *inner):
        if any(candidate in network for network in _REFUSED_NETWORKS):
            return f"{address} is not a public address"
        if not candidate.is_global or candidate.is_multicast or candidate.is_reserved:
            return f"{address} is not a public address"
    return None


class CheckedUrl(msgspec.Struct, frozen=True, kw_only=True):
    """A webhook URL taken apart: what is resolved and what is sent."""

    url: str
    scheme: str
    host: str
    port: int
    #: path and query, as sent
    target: str
    #: the host is an IP address (nothing to resolve)
    literal: bool


def check_url(url: str, *, allow_private: bool = False) -> CheckedUrl:
    """``url`` if it can be a webhook endpoint: http or https, a host, no credentials, no
    fragment, at most :data:`URL_MAX_LENGTH` characters; a literal IP must be public
    (:func:`refusal_of_address`) unless ``allow_private`` (development and tests only). A
    name still has to be resolved and each of its addresses checked (:func:`refusal_of_addresses`).

    Raises:
        ValidationFailed: on ``url``, saying why.
    """
    if len(url) > URL_MAX_LENGTH:
        raise ValidationFailed("url", f"at most {URL_MAX_LENGTH} characters")
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValidationFailed("url", f"not a URL: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise ValidationFailed("url", "must be an http or https URL")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValidationFailed("url", "must not carry credentials")
    host = parts.hostname
    if not host:
        raise ValidationFailed("url", "must name a host")
    if any(c.isspace() for c in url) or parts.fragment:
        raise ValidationFailed("url", "must have no spaces and no fragment")
    literal = _is_ip(host)
    if not literal and not _is_host_name(host):
        raise ValidationFailed("url", "the host is not a valid name")
    if literal and not allow_private:
        reason = refusal_of_address(host)
        if reason is not None:
            raise ValidationFailed("url", f"refused: {reason}")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    default_port = 443 if parts.scheme == "https" else 80
    return CheckedUrl(
        url=url,
        scheme=parts.scheme,
        host=host.rstrip(".").lower(),
        port=port if port is not None else default_port,
        target=target,
        literal=literal,
    )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _is_host_name(host: str) -> bool:
    """A DNS name: at most 253 characters, labels of 1-63 (after IDNA encoding)."""
    try:
        encoded = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = encoded.split(".")
    return len(encoded) <= 253 and all(0 < len(label) <= 63 for label in labels)


def refusal_of_addresses(host: str, addresses: Sequence[str]) -> str | None:
    """Why ``host``, resolved to ``addresses``, may not be sent to: it resolved to nothing, or
    to any address that is not public (all must pass: a name with one private address among
    public ones could be answered with that one next time)."""
    if not addresses:
        return f"{host} does not resolve to an address"
    for address in addresses:
        reason = refusal_of_address(address)
        if reason is not None:
            return f"{host} resolves to {address}, which is not a public address"
    return None


def check_event_types(kinds: Iterable[str], offered: Iterable[str]) -> list[str]:
    """``kinds`` without repeats, in order, if every one is offered.

    Raises:
        ValidationFailed: on ``event_types``: none given, or one not offered.
    """
    known = sorted(offered)
    chosen = list(dict.fromkeys(kinds))
    if not chosen:
        raise ValidationFailed("event_types", "name at least one event kind", allowed=known)
    unknown = [k for k in chosen if k not in known]
    if unknown:
        raise ValidationFailed(
            "event_types", f"not an event kind webhooks are sent: {unknown[0]}", allowed=known
        )
    return chosen


__all__ = [
    "AREAS",
    "ENDPOINTS_MAX",
    "MAX_ATTEMPTS",
    "RETRY_DELAYS",
    "SECRET_PREFIX",
    "URL_MAX_LENGTH",
    "Attempt",
    "CheckedUrl",
    "Delivery",
    "DeliveryStatus",
    "DeliveryWaiting",
    "Endpoint",
    "EndpointDisabled",
    "check_event_types",
    "check_url",
    "new_secret",
    "payload_of",
    "refusal_of_address",
    "refusal_of_addresses",
    "sign",
    "signature_headers",
    "signing_key",
]
