"""One place that checks a ``PushMessage`` before any sender hands it on, and reads hints.

Every sender refuses the same input, so a message the log sender of a laptop accepts is one
FCM and Web Push accept too: an empty device token is a rejected token (nothing to deliver
to, ever), data keys FCM reserves are a ``ValidationFailed``, and so is a payload bigger than
one Web Push record can carry.
"""

from __future__ import annotations

import email.utils
import json
from datetime import UTC, datetime

from questlog_core.errors import PushTokenRejected, ValidationFailed
from questlog_core.ports.platform import PushMessage

#: The largest ``{"title", "body", "data"}`` JSON: one aes128gcm record of Web Push is at most
#: 4096 bytes, less 86 of header, 16 of tag and 1 of padding delimiter (RFC 8291 §4); FCM's own
#: limit is 4096 bytes for the same fields.
MAX_PAYLOAD_BYTES = 3993
#: Keys of ``data`` FCM refuses (its own fields); refused everywhere so the log sender agrees.
RESERVED_DATA_KEYS = frozenset({"from", "notification", "message_type"})
RESERVED_DATA_PREFIXES = ("google", "gcm")


def payload(message: PushMessage) -> bytes:
    """The JSON an app or a service worker receives: ``{"title", "body", "data"}``."""
    body = {"title": message.title, "body": message.body, "data": message.data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def check_push_message(message: PushMessage, provider: str) -> None:
    """Raise unless ``message`` could be sent as is (``provider`` names who refuses it)."""
    if not message.device_token.strip():
        raise PushTokenRejected(provider, message.device_token, "the device token is empty")
    for key in message.data:
        if key in RESERVED_DATA_KEYS or key.lower().startswith(RESERVED_DATA_PREFIXES):
            raise ValidationFailed("data", f"the key {key!r} is reserved by the push services")
    size = len(payload(message))
    if size > MAX_PAYLOAD_BYTES:
        raise ValidationFailed(
            "body", f"title, body and data take {size} bytes; at most {MAX_PAYLOAD_BYTES} fit"
        )


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header in seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


__all__ = [
    "MAX_PAYLOAD_BYTES",
    "RESERVED_DATA_KEYS",
    "check_push_message",
    "payload",
    "retry_after_seconds",
]
