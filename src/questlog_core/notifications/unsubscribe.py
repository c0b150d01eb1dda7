"""Unsubscribe links that work without signing in: signed, single purpose, one kind.

A token names one user, one kind and one channel and carries an HMAC-SHA256 over them,
domain-separated (``questlog-unsubscribe/v1``) so no other signed value of Questlog (file
URLs, device cookies) can pass for one, and one token cannot be moved to another kind or
user. It is the same approach as the signed file URLs of ``adapters.storage.signing``; it
does not expire, because an unsubscribe link in an old email must keep working (all it can
do is turn one kind of email off).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from uuid import UUID

import msgspec

from questlog_core.errors import DomainError, ErrorKind
from questlog_core.ids import UserId
from questlog_core.notifications.model import Channel, Kind

_DOMAIN = b"questlog-unsubscribe/v1"
MIN_KEY_BYTES = 16


class UnsubscribeLinkRejected(DomainError):
    """The unsubscribe token was tampered with or is not one (403)."""

    code = "unsubscribe-link-rejected"
    kind = ErrorKind.FORBIDDEN

    def __init__(self) -> None:
        super().__init__("this unsubscribe link is not valid")


class Unsubscribe(msgspec.Struct, frozen=True, kw_only=True):
    """What a valid token allows: turn ``channel`` off for ``kind`` of ``user``."""

    user: UserId
    kind: Kind
    channel: Channel


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class UnsubscribeLinks:
    """Mints and checks unsubscribe tokens with one deployment key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"the unsubscribe key must be at least {MIN_KEY_BYTES} bytes")
        self._key = bytes(key)

    def _signature(self, payload: bytes) -> bytes:
        return hmac.new(self._key, _DOMAIN + b"\n" + payload, hashlib.sha256).digest()

    def token(self, user: UserId, kind: Kind, channel: Channel = Channel.EMAIL) -> str:
        """The token for turning ``channel`` off for ``kind`` of ``user``."""
        payload = f"{user}\n{kind.value}\n{channel.value}".encode()
        return f"{_b64(payload)}.{_b64(self._signature(payload))}"

    def verify(self, token: str) -> Unsubscribe:
        """What ``token`` allows; ``UnsubscribeLinkRejected`` unless it is genuine."""
        try:
            encoded, _, signature = token.partition(".")
            payload = _unb64(encoded)
            given = _unb64(signature)
        except (ValueError, UnicodeError):
            raise UnsubscribeLinkRejected() from None
        if not hmac.compare_digest(self._signature(payload), given):
            raise UnsubscribeLinkRejected()
        try:
            user, kind, channel = payload.decode().split("\n")
            return Unsubscribe(user=UserId(UUID(user)), kind=Kind(kind), channel=Channel(channel))
        except ValueError:
            raise UnsubscribeLinkRejected() from None


__all__ = ["Unsubscribe", "UnsubscribeLinkRejected", "UnsubscribeLinks"]
