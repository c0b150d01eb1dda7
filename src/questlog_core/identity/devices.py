"""Device cookies: OWASP's defence against lockout by online guessing.

(https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies)

After a successful sign-in the server hands the browser a *device cookie*: the user's id, a
random nonce and the time it was issued, signed with HMAC-SHA256 under a server key. A later
sign-in that presents a valid device cookie for the same user is a *trusted* attempt: it is
limited by that device's own failure budget, so failures from anywhere else (an attacker
guessing the owner's password) never lock the owner's device out. Attempts without one share
the account's lockout budget. A device that fails too often is locked itself.

The cookie proves only "this browser signed in as this user before"; it grants nothing else,
and the password is still required. Pure stdlib (``hmac``), so it lives in the core.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

#: the version tag of the cookie format (changing the format changes it, old cookies fail)
_VERSION = "d1"
#: clock skew tolerated between the instance that issued a cookie and the one checking it
_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Device:
    """What a valid device cookie says: who signed in on it, and its nonce (the device's id)."""

    user_id: UUID
    nonce: str
    issued_at: datetime


class DeviceCookies:
    """Issues and checks signed device cookies (``d1.<user>.<nonce>.<issued>.<mac>``)."""

    def __init__(self, key: bytes, *, max_age: timedelta = timedelta(days=365)) -> None:
        if len(key) < 32:
            raise ValueError("the device-cookie key must be at least 32 bytes")
        self._key = key
        self.max_age = max_age

    def issue(self, user_id: UUID, at: datetime) -> str:
        """A new cookie value for ``user_id`` with a fresh random nonce."""
        nonce = secrets.token_urlsafe(16)
        body = f"{_VERSION}.{user_id.hex}.{nonce}.{int(at.timestamp())}"
        return f"{body}.{self._mac(body)}"

    def verify(self, value: str | None, now: datetime) -> Device | None:
        """The device a cookie names, or ``None`` when it is absent, forged, malformed or older
        than :attr:`max_age` (every such cookie is simply not trusted)."""
        if not value or len(value) > 200:
            return None
        body, _, mac = value.rpartition(".")
        if not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            return None
        parts = body.split(".")
        if len(parts) != 4 or parts[0] != _VERSION:
            return None
        try:
            user_id = UUID(hex=parts[1])
            issued_at = datetime.fromtimestamp(int(parts[3]), tz=now.tzinfo)
        except ValueError:
            return None
        age = now - issued_at
        if not -_SKEW <= age <= self.max_age:
            return None
        return Device(user_id=user_id, nonce=parts[2], issued_at=issued_at)

    def _mac(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


__all__ = ["Device", "DeviceCookies"]
