"""The ``PushSender`` port over Firebase Cloud Messaging's HTTP v1 API.

``POST {base_url}/v1/projects/{project}/messages:send`` with an OAuth2 access token of a
service account. The token comes from ``google-auth`` (Google's own library: it reads the
service-account JSON, signs the JWT assertion with its key and exchanges it at the token
endpoint, and knows when the token expires) rather than a hand-written JWT grant; its refresh
is blocking (``requests``), so it runs in a worker thread, once an hour, under a lock. The
send itself is one async httpx POST.

Errors follow FCM's documented codes: ``UNREGISTERED``, ``SENDER_ID_MISMATCH`` and an invalid
registration token are ``PushTokenRejected`` (deactivate the device); ``QUOTA_EXCEEDED`` (429),
``UNAVAILABLE`` and ``INTERNAL`` (5xx), timeouts and connection errors are retryable with the
``Retry-After`` hint; a 401 refreshes the token once and tries again.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
from google.auth import exceptions as google_exceptions
from google.auth.transport import requests as google_requests
from google.oauth2 import service_account

from adapters.push.message import check_push_message, retry_after_seconds
from questlog_core.errors import DeliveryFailed, PushTokenRejected
from questlog_core.ports.platform import PushMessage, PushReceipt

FCM_API = "https://fcm.googleapis.com"
FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
#: FCM ``errorCode`` values that mean the token itself will never work again
TOKEN_ERROR_CODES = frozenset({"UNREGISTERED", "SENDER_ID_MISMATCH"})


class _TimedRequest(google_requests.Request):
    """google-auth's requests transport with our timeout (its own default is 120 s)."""

    def __init__(self, timeout: float, session: Any = None) -> None:
        super().__init__(session)
        self._timeout = timeout

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> Any:
        # google-auth's request methods are untyped
        return super().__call__(  # type: ignore[no-untyped-call]
            url, method, body, headers, timeout=self._timeout, **kwargs
        )


class FcmPushSender:
    """Sends each message to one device through FCM HTTP v1.

    ``credentials`` are service-account credentials (see ``from_service_account_file``);
    ``project_id`` defaults to theirs. Pass ``client`` to share an ``httpx.AsyncClient`` and
    ``token_session`` (a ``requests.Session``) to route the token exchange; ``timeout``
    seconds bound each request, the token exchange included.
    """

    provider = "fcm"

    def __init__(
        self,
        credentials: service_account.Credentials,
        *,
        project_id: str | None = None,
        base_url: str = FCM_API,
        timeout: float = 10.0,
        client: httpx.AsyncClient | None = None,
        token_session: Any = None,
    ) -> None:
        project = project_id or credentials.project_id
        if not project:
            raise ValueError("an FCM project id is required (none in the service account)")
        self.project_id: str = project
        #: seconds each request may take
        self.timeout = timeout
        self._credentials = credentials.with_scopes([FCM_SCOPE])
        self._url = f"{base_url.rstrip('/')}/v1/projects/{project}/messages:send"
        self._token_request = _TimedRequest(timeout, token_session)
        self._token_lock = asyncio.Lock()
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout))

    @classmethod
    def from_service_account_file(
        cls, path: str | Path, *, project_id: str | None = None, **kwargs: Any
    ) -> FcmPushSender:
        """A sender for the service-account JSON key at ``path`` (Firebase console → Service
        accounts → Generate new private key)."""
        info = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls.from_service_account_info(info, project_id=project_id, **kwargs)

    @classmethod
    def from_service_account_info(
        cls, info: dict[str, Any], *, project_id: str | None = None, **kwargs: Any
    ) -> FcmPushSender:
        """A sender for an already parsed service-account JSON key."""
        credentials = service_account.Credentials.from_service_account_info(info)  # type: ignore[no-untyped-call]
        return cls(credentials, project_id=project_id, **kwargs)

    def body(self, message: PushMessage) -> dict[str, Any]:
        """The ``messages:send`` JSON: a notification, its data, and the TTL per platform."""
        ttl = message.ttl_seconds
        return {
            "message": {
                "token": message.device_token,
                "notification": {"title": message.title, "body": message.body},
                "data": dict(message.data),
                "android": {"ttl": f"{ttl}s"},
                "apns": {"headers": {"apns-expiration": str(int(time.time()) + ttl)}},
                "webpush": {"headers": {"TTL": str(ttl)}},
            }
        }

    async def send(self, message: PushMessage) -> PushReceipt:
        """Send the message; FCM answers 200 with the message's name once it accepted it."""
        check_push_message(message, self.provider)
        body = self.body(message)
        token = await self._access_token()
        response = await self._post(body, token)
        if response.status_code == 401:
            # The token was revoked or expired early: one fresh token, one more try.
            token = await self._access_token(stale=token)
            response = await self._post(body, token)
        if response.is_success:
            # Accepted: even an unreadable body must not turn into a retry (a duplicate push).
            return PushReceipt(provider=self.provider, sent=True, message_id=_name_of(response))
        raise self._failure(message, response)

    async def aclose(self) -> None:
        """Close the HTTP client if this sender created it."""
        if self._owns_client:
            await self._client.aclose()

    async def _post(self, body: dict[str, Any], token: str) -> httpx.Response:
        try:
            return await self._client.post(
                self._url, json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(
                "push", self.provider, f"{type(exc).__name__}: {exc}", retryable=True
            ) from exc

    async def _access_token(self, *, stale: str | None = None) -> str:
        """The cached access token; refreshed when expired (or equal to ``stale``)."""
        async with self._token_lock:
            current = self._credentials.token
            if not self._credentials.valid or (stale is not None and current == stale):
                try:
                    await asyncio.to_thread(self._credentials.refresh, self._token_request)
                except google_exceptions.RefreshError as exc:
                    # The token endpoint refused the key (invalid_grant...): fix the config.
                    raise DeliveryFailed(
                        "push",
                        self.provider,
                        f"access token refused: {exc}",
                        retryable=bool(getattr(exc, "retryable", False)),
                    ) from exc
                except google_exceptions.TransportError as exc:
                    raise DeliveryFailed(
                        "push", self.provider, f"token endpoint unreachable: {exc}", retryable=True
                    ) from exc
            token = self._credentials.token
            if not isinstance(token, str):  # pragma: no cover - google-auth sets it or raises
                raise DeliveryFailed("push", self.provider, "no access token", retryable=True)
            return token

    def _failure(self, message: PushMessage, response: httpx.Response) -> DeliveryFailed:
        status = response.status_code
        error = _error_of(response)
        reason = error.message or f"HTTP {status}"
        if error.code in TOKEN_ERROR_CODES or (
            error.code == "INVALID_ARGUMENT" and error.token_invalid
        ):
            return PushTokenRejected(
                self.provider, message.device_token, f"{error.code}: {reason}", status=status
            )
        if status == 401:
            reason = f"credentials refused after a token refresh: {reason}"
        retryable = status == 429 or status >= 500
        return DeliveryFailed(
            "push",
            self.provider,
            f"{error.code or status}: {reason}",
            retryable=retryable,
            status=status,
            retry_after_seconds=retry_after_seconds(response.headers.get("Retry-After"))
            if retryable
            else None,
        )


class _FcmError:
    """The parts of a ``{"error": {...}}`` body that decide what a failure means."""

    def __init__(self, message: str, code: str | None, token_invalid: bool) -> None:
        self.message = message
        self.code = code
        self.token_invalid = token_invalid


def _error_of(response: httpx.Response) -> _FcmError:
    try:
        payload = response.json()
    except ValueError:
        return _FcmError(response.text[:200].strip(), None, False)
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return _FcmError(str(payload)[:200], None, False)
    message = str(error.get("message", ""))
    code = error.get("status") if isinstance(error.get("status"), str) else None
    token_invalid = "registration token" in message.lower()
    details = error.get("details")
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, dict):
            continue
        if detail.get("@type", "").endswith("fcm.v1.FcmError") and detail.get("errorCode"):
            code = str(detail["errorCode"])  # the FCM code is more precise than the status
        for violation in detail.get("fieldViolations") or []:
            if isinstance(violation, dict) and violation.get("field") == "message.token":
                token_invalid = True
    return _FcmError(message, code, token_invalid)


def _name_of(response: httpx.Response) -> str | None:
    try:
        name = response.json().get("name")
    except (ValueError, AttributeError):
        return None
    return name if isinstance(name, str) else None


__all__ = ["FCM_API", "FCM_SCOPE", "FcmPushSender"]
