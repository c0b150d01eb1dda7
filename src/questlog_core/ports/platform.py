"""Ports to the world outside the process that every area uses.

Each is a ``typing.Protocol``: adapters implement them structurally, the domain and the
use cases depend only on these shapes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Protocol

import msgspec

from questlog_core.kernel.clock import Clock, IdFactory
from questlog_core.kernel.messaging import EventPublisher


class Cache(Protocol):
    """A byte cache with TTLs. A miss and an unreachable cache both read as ``None``."""

    async def get(self, key: str) -> bytes | None: ...
    async def set(self, key: str, value: bytes, ttl: timedelta) -> None: ...
    async def delete(self, *keys: str) -> None: ...
    async def add(self, key: str, value: bytes, ttl: timedelta) -> bool:
        """Store ``value`` only if ``key`` holds nothing; ``True`` if this call stored it.

        Atomic: of many concurrent ``add`` calls on one key exactly one wins (a claim).
        Unlike the other methods it cannot degrade to a miss: an unreachable cache raises
        ``ServiceUnavailable``.
        """
        ...


class RateDecision(msgspec.Struct, frozen=True):
    """The outcome of one rate-limit check."""

    allowed: bool
    remaining: int
    retry_after_seconds: float


class RateLimiter(Protocol):
    """Counts hits per key in a window; ``hit`` records one and says whether it is allowed."""

    async def hit(self, key: str, limit: int, window: timedelta) -> RateDecision: ...
    async def reset(self, key: str) -> None: ...
    async def refund(self, key: str) -> None:
        """Give back the newest hit recorded for ``key`` (none recorded: nothing happens).

        How a budget counts only failures and stays atomic: an attempt spends a hit *before*
        it runs (so concurrent attempts can never exceed the limit) and a success refunds it.
        """
        ...


class StoredFile(msgspec.Struct, frozen=True):
    key: str
    size: int
    content_type: str


class FileStorage(Protocol):
    """Blobs by key (attachments, exports)."""

    async def put(self, key: str, data: bytes, content_type: str) -> StoredFile: ...
    async def get(self, key: str) -> bytes: ...
    async def delete(self, key: str) -> None: ...
    async def upload_url(self, key: str, content_type: str, expires: timedelta) -> str: ...
    async def download_url(self, key: str, expires: timedelta) -> str: ...


class EmailMessage(msgspec.Struct, frozen=True, kw_only=True):
    to: str
    subject: str
    text: str
    html: str | None = None


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class PushMessage(msgspec.Struct, frozen=True, kw_only=True):
    """One notification for one device.

    ``device_token`` is what the device registered: an FCM registration token, or for Web Push
    the browser's subscription as JSON (``PushSubscription.toJSON()``: ``{"endpoint": ...,
    "keys": {"p256dh": ..., "auth": ...}}``). ``data`` travels with it to the app (keys FCM
    reserves, such as ``from`` or anything starting with ``google``, are refused by every
    sender). ``ttl_seconds`` is how long the push service keeps it for a device that is offline.
    """

    device_token: str
    title: str
    body: str
    data: dict[str, str] = msgspec.field(default_factory=dict)
    ttl_seconds: Annotated[int, msgspec.Meta(ge=0, le=2_419_200)] = 86_400


class PushReceipt(msgspec.Struct, frozen=True, kw_only=True):
    """What a sender did with a message it accepted.

    ``sent`` is ``False`` only when nothing left the process (the log sender of the embedded
    default): a caller should not call that delivered. ``message_id`` is the push service's id
    when it gives one (FCM's ``projects/.../messages/...``, a Web Push ``Location``).
    """

    provider: str
    sent: bool
    message_id: str | None = None


class PushSender(Protocol):
    """Hands one message to a push service.

    Returns a ``PushReceipt`` once the service accepted it. Raises ``PushTokenRejected`` when
    the device token can never work again (deactivate the device), ``DeliveryFailed`` with
    ``retryable=True`` (and ``retry_after_seconds`` when the service said) when a later try can
    succeed, ``DeliveryFailed`` with ``retryable=False`` for a permanent problem that is not
    the device's (bad credentials, a payload the service refuses), and ``ValidationFailed``
    for a message no sender would accept.
    """

    async def send(self, message: PushMessage) -> PushReceipt: ...


__all__ = [
    "Cache",
    "Clock",
    "EmailMessage",
    "EmailSender",
    "EventPublisher",
    "FileStorage",
    "IdFactory",
    "PushMessage",
    "PushReceipt",
    "PushSender",
    "RateDecision",
    "RateLimiter",
    "StoredFile",
]
