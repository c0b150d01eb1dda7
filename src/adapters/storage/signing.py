"""HMAC-signed, expiring file URLs for the storage adapters that have no URL service of their own.

A URL looks like ``{base_url}/api/v1/files/{key}?expires=<unix seconds>&signature=<b64url>``,
plus ``&ct=<content type>`` on upload URLs. The signature covers the HTTP method, the key, the
expiry and the content type, so a download URL cannot be replayed as an upload, a URL cannot be
moved to another key, and an upload cannot change the content type it was granted.

The HTTP layer serves ``/api/v1/files/{key}`` by calling ``verify_signed_url`` (or the storage's
``verify_signed_url`` method) and then ``get``/``put`` on the storage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from datetime import timedelta
from typing import Literal
from urllib.parse import quote, urlencode

from adapters.memory.clock import SystemClock
from adapters.storage.keys import check_content_type, check_key, check_lifetime
from questlog_core.errors import DomainError, ErrorKind
from questlog_core.ports.platform import Clock

HttpMethod = Literal["GET", "PUT"]

FILES_PATH = "/api/v1/files/"
"""Where the HTTP layer serves signed file URLs."""

MIN_SIGNING_KEY_BYTES = 16
_DOMAIN = b"questlog-file-url/v1"


class SignedUrlRejected(DomainError):
    """A signed file URL is expired, tampered with, or used with the wrong method (403)."""

    code = "signed-url-rejected"
    kind = ErrorKind.FORBIDDEN

    def __init__(self, reason: Literal["expired", "bad-signature", "malformed"]) -> None:
        super().__init__(f"file link rejected: {reason}", reason=reason)
        self.reason = reason


def _signature(
    signing_key: bytes, method: str, key: str, expires: int, content_type: str | None
) -> str:
    payload = b"\n".join(
        [
            _DOMAIN,
            method.encode("ascii"),
            key.encode("utf-8"),
            str(expires).encode("ascii"),
            (content_type or "").encode("utf-8"),
        ]
    )
    digest = hmac.new(signing_key, payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verify_signed_url(
    key: str,
    expires: str | int,
    signature: str,
    *,
    method: HttpMethod,
    signing_key: bytes,
    clock: Clock,
    content_type: str | None = None,
) -> None:
    """Accept a signed file URL or raise ``SignedUrlRejected``.

    ``key`` is the decoded path after ``/api/v1/files/``; ``expires``, ``signature`` and
    ``content_type`` (the ``ct`` query parameter, uploads only) come from the query string;
    ``method`` is the request's HTTP method. The signature is compared in constant time and
    the expiry is checked against ``clock``.
    """
    try:
        check_key(key)
        expires_at = int(expires)
    except (DomainError, ValueError):
        raise SignedUrlRejected("malformed") from None
    expected = _signature(signing_key, method, key, expires_at, content_type)
    # Compare before looking at the expiry so timing reveals nothing about the signature.
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        raise SignedUrlRejected("bad-signature")
    if clock.now().timestamp() > expires_at:
        raise SignedUrlRejected("expired")


class UrlSigner:
    """Mints and checks signed file URLs for one deployment (one key, one base URL)."""

    def __init__(self, signing_key: bytes, base_url: str, clock: Clock | None = None) -> None:
        if len(signing_key) < MIN_SIGNING_KEY_BYTES:
            raise ValueError(f"signing_key must be at least {MIN_SIGNING_KEY_BYTES} bytes")
        self._key = bytes(signing_key)
        self._base_url = base_url.rstrip("/")
        self._clock = clock or SystemClock()

    def sign(
        self, method: HttpMethod, key: str, expires: timedelta, content_type: str | None = None
    ) -> str:
        """A URL granting ``method`` on ``key`` until ``expires`` from now."""
        check_key(key)
        lifetime = check_lifetime(expires)
        if content_type is not None:
            check_content_type(content_type)
        expires_at = math.ceil(self._clock.now().timestamp()) + lifetime
        query: dict[str, str] = {
            "expires": str(expires_at),
            "signature": _signature(self._key, method, key, expires_at, content_type),
        }
        if content_type is not None:
            query["ct"] = content_type
        return f"{self._base_url}{FILES_PATH}{quote(key, safe='/')}?{urlencode(query)}"

    def verify(
        self,
        key: str,
        expires: str | int,
        signature: str,
        *,
        method: HttpMethod,
        content_type: str | None = None,
    ) -> None:
        """``verify_signed_url`` with this signer's key and clock."""
        verify_signed_url(
            key,
            expires,
            signature,
            method=method,
            signing_key=self._key,
            clock=self._clock,
            content_type=content_type,
        )


__all__ = [
    "FILES_PATH",
    "HttpMethod",
    "SignedUrlRejected",
    "UrlSigner",
    "verify_signed_url",
]
