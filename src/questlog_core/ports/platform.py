"""Ports to the world outside the process that every area uses.

Each is a ``typing.Protocol``: adapters implement them structurally, the domain and the
use cases depend only on these shapes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

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
    device_token: str
    title: str
    body: str
    data: dict[str, str] = msgspec.field(default_factory=dict)


class PushSender(Protocol):
    async def send(self, message: PushMessage) -> None: ...


__all__ = [
    "Cache",
    "Clock",
    "EmailMessage",
    "EmailSender",
    "EventPublisher",
    "FileStorage",
    "IdFactory",
    "PushMessage",
    "PushSender",
    "RateDecision",
    "RateLimiter",
    "StoredFile",
]
