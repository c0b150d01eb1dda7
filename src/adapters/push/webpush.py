"""The ``PushSender`` port over the Web Push protocol (RFC 8030) with VAPID (RFC 8292).

The device token is the browser's subscription JSON (``PushSubscription.toJSON()``). The
payload is encrypted for that subscription per RFC 8291 (``aes128gcm``) by ``pywebpush``'s
``WebPusher.encode`` and the ``Authorization: vapid t=...,k=...`` header is signed by
``py-vapid`` — well-kept libraries for the cryptography; the request itself is one async httpx
POST (``pywebpush``'s own senders are ``requests`` or ``aiohttp``), so every push service
(FCM's web endpoint, Mozilla autopush, Apple's web push) is driven the same way.

A 404 or 410 from the push service means the subscription is gone: ``PushTokenRejected``.
429 and 5xx are retryable with ``Retry-After``; other statuses are permanent.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid, Vapid01, b64urlencode
from pywebpush import WebPusher, WebPushException

from adapters.memory.clock import SystemClock
from adapters.push.message import check_push_message, payload, retry_after_seconds
from questlog_core.errors import DeliveryFailed, PushTokenRejected
from questlog_core.ports.platform import Clock, PushMessage, PushReceipt

#: a signed VAPID header is reused for this long per push service (RFC 8292 allows 24 h)
VAPID_LIFETIME_SECONDS = 12 * 3600
#: ...and re-signed when less than this remains, so a request never carries one about to lapse
VAPID_RENEW_SECONDS = 3600


class WebPushSender:
    """Encrypts each message for its subscription and POSTs it to the subscription's endpoint.

    ``vapid`` is the application server's key pair (see ``from_private_key``); ``subject`` is
    the ``sub`` claim push services use to reach the operator: ``mailto:`` or ``https:``.
    """

    provider = "webpush"

    def __init__(
        self,
        vapid: Vapid01,
        subject: str,
        *,
        timeout: float = 10.0,
        client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
    ) -> None:
        if not subject.startswith(("mailto:", "https://")):
            raise ValueError("the VAPID subject must be a mailto: or https: URL")
        self._vapid = vapid
        self.subject = subject
        #: seconds each request may take
        self.timeout = timeout
        self._clock = clock or SystemClock()
        self._signed: dict[str, tuple[dict[str, str], int]] = {}
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout))

    @classmethod
    def from_private_key(cls, private_key: str, subject: str, **kwargs: Any) -> WebPushSender:
        """A sender for a VAPID private key: a PEM file path (what ``vapid --gen`` writes) or
        the key itself (base64url raw 32 bytes or DER)."""
        if os.path.isfile(private_key):
            vapid = Vapid.from_file(private_key)
        else:
            vapid = Vapid.from_string(private_key)
        return cls(vapid, subject, **kwargs)

    @property
    def application_server_key(self) -> str:
        """The public key browsers pass to ``PushManager.subscribe`` (base64url, uncompressed)."""
        raw = self._vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return str(b64urlencode(raw))

    async def send(self, message: PushMessage) -> PushReceipt:
        """Encrypt and send; the push service answers 201 Created once it queued the message."""
        check_push_message(message, self.provider)
        subscription = self._subscription(message.device_token)
        endpoint = str(subscription["endpoint"])
        try:
            encrypted = WebPusher(subscription).encode(payload(message), "aes128gcm")["body"]
        except (WebPushException, ValueError, TypeError) as exc:
            raise PushTokenRejected(
                self.provider, message.device_token, f"unusable subscription keys: {exc}"
            ) from exc
        headers = {
            "TTL": str(message.ttl_seconds),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            **self._vapid_headers(endpoint),
        }
        try:
            response = await self._client.post(endpoint, content=encrypted, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(
                "push", self.provider, f"{type(exc).__name__}: {exc}", retryable=True
            ) from exc
        if response.is_success:
            return PushReceipt(
                provider=self.provider, sent=True, message_id=response.headers.get("Location")
            )
        raise self._failure(message, response)

    async def aclose(self) -> None:
        """Close the HTTP client if this sender created it."""
        if self._owns_client:
            await self._client.aclose()

    def _subscription(self, device_token: str) -> dict[str, Any]:
        """The subscription in ``device_token``; a malformed one can never be delivered to."""

        def rejected(reason: str) -> PushTokenRejected:
            return PushTokenRejected(self.provider, device_token, reason)

        try:
            subscription = json.loads(device_token)
        except ValueError:
            raise rejected("not a Web Push subscription (JSON expected)") from None
        if not isinstance(subscription, dict):
            raise rejected("not a Web Push subscription (JSON object expected)")
        keys = subscription.get("keys")
        if not isinstance(keys, Mapping) or not all(
            isinstance(keys.get(k), str) and keys.get(k) for k in ("p256dh", "auth")
        ):
            raise rejected("the subscription has no p256dh and auth keys")
        endpoint = subscription.get("endpoint")
        if not isinstance(endpoint, str):
            raise rejected("the subscription has no endpoint")
        url = urlsplit(endpoint)
        # The endpoint comes from a client: only https, and never an address of our own
        # network (a registered "subscription" must not make the server POST internally).
        if url.scheme != "https" or not url.hostname:
            raise rejected("the subscription endpoint must be an https URL")
        try:
            address = ipaddress.ip_address(url.hostname)
        except ValueError:
            address = None
        if address is not None and not address.is_global:
            raise rejected("the subscription endpoint is not a public address")
        return {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}

    def _vapid_headers(self, endpoint: str) -> dict[str, str]:
        """The VAPID ``Authorization`` header for the endpoint's origin, signed at most every
        few hours per push service rather than per message."""
        url = urlsplit(endpoint)
        audience = f"{url.scheme}://{url.netloc}"
        now = int(self._clock.now().timestamp())
        cached = self._signed.get(audience)
        if cached is not None and cached[1] - now > VAPID_RENEW_SECONDS:
            return cached[0]
        expires = now + VAPID_LIFETIME_SECONDS
        claims = {"aud": audience, "sub": self.subject, "exp": expires}
        headers: dict[str, str] = self._vapid.sign(claims)
        self._signed[audience] = (headers, expires)
        return headers

    def _failure(self, message: PushMessage, response: httpx.Response) -> DeliveryFailed:
        status = response.status_code
        reason = response.text[:200].strip() or response.reason_phrase or f"HTTP {status}"
        if status in (404, 410):
            return PushTokenRejected(
                self.provider,
                message.device_token,
                f"subscription {'expired' if status == 410 else 'not found'}: {reason}",
                status=status,
            )
        retryable = status == 429 or status >= 500
        return DeliveryFailed(
            "push",
            self.provider,
            f"HTTP {status}: {reason}",
            retryable=retryable,
            status=status,
            retry_after_seconds=retry_after_seconds(response.headers.get("Retry-After"))
            if retryable
            else None,
        )


__all__ = ["VAPID_LIFETIME_SECONDS", "WebPushSender"]
