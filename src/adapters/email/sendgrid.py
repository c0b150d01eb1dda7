"""The ``EmailSender`` port over SendGrid's v3 Mail Send HTTP API, with httpx.

Plain httpx rather than the ``sendgrid`` SDK: the SDK is synchronous (its client is built on
``python_http_client``/``urllib``), so it would block the event loop or need a thread per
send; the API is one documented POST. See docs/storage-and-email.md.
"""

from __future__ import annotations

from typing import Any

import httpx

from adapters.email.message import DEFAULT_SENDER, check_message, parse_address
from questlog_core.errors import DeliveryFailed
from questlog_core.ports.platform import EmailMessage

SENDGRID_API = "https://api.sendgrid.com"
MAIL_SEND_PATH = "/v3/mail/send"


class SendGridError(DeliveryFailed):
    """SendGrid refused the message; ``errors`` is its ``[{"message", "field", ...}]`` list."""

    code = "sendgrid-error"

    def __init__(
        self,
        status: int,
        errors: list[dict[str, Any]],
        *,
        retry_after_seconds: float | None = None,
    ) -> None:
        messages = "; ".join(str(e.get("message", "")) for e in errors) or f"HTTP {status}"
        super().__init__(
            "email",
            "sendgrid",
            messages,
            # 429 and 5xx may pass later; 400/401/403 will not without a fix on our side.
            retryable=status == 429 or status >= 500,
            status=status,
            retry_after_seconds=retry_after_seconds,
        )
        self.errors = errors


class SendGridEmailSender:
    """POSTs each message to ``{base_url}/v3/mail/send`` with the API key as a bearer token.

    Pass ``client`` to share an ``httpx.AsyncClient`` (its timeout then applies); otherwise
    one is created with ``timeout`` seconds and closed by ``aclose``. ``base_url`` can point at
    the EU data-residency host (``https://api.eu.sendgrid.com``).
    """

    def __init__(
        self,
        api_key: str,
        *,
        sender: str = DEFAULT_SENDER,
        base_url: str = SENDGRID_API,
        timeout: float = 10.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("a SendGrid API key is required")
        self.sender_name, self.sender_email = parse_address(sender, "sender")
        self._api_key = api_key
        self._url = base_url.rstrip("/") + MAIL_SEND_PATH
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout))

    def body(self, message: EmailMessage) -> dict[str, Any]:
        """The documented Mail Send JSON for ``message`` (text/plain first, as required)."""
        to_name, to_email = parse_address(message.to)
        recipient: dict[str, str] = {"email": to_email}
        if to_name:
            recipient["name"] = to_name
        sender: dict[str, str] = {"email": self.sender_email}
        if self.sender_name:
            sender["name"] = self.sender_name
        content = [{"type": "text/plain", "value": message.text}]
        if message.html is not None:
            content.append({"type": "text/html", "value": message.html})
        return {
            "personalizations": [{"to": [recipient]}],
            "from": sender,
            "subject": message.subject,
            "content": content,
        }

    async def send(self, message: EmailMessage) -> None:
        """Submit the message; SendGrid answers 202 when it has queued it."""
        check_message(message)
        try:
            response = await self._client.post(
                self._url,
                json=self.body(message),
                headers={"Authorization": f"Bearer {self._api_key}"},
            )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(
                "email", "sendgrid", f"{type(exc).__name__}: {exc}", retryable=True
            ) from exc
        if response.is_success:
            return
        raise SendGridError(
            response.status_code,
            _errors_of(response),
            retry_after_seconds=_retry_after(response),
        )

    async def aclose(self) -> None:
        """Close the HTTP client if this sender created it."""
        if self._owns_client:
            await self._client.aclose()


def _errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    try:
        payload = response.json()
    except ValueError:
        return [{"message": response.text[:200] or response.reason_phrase, "field": None}]
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list):
        return [{"message": str(payload)[:200], "field": None}]
    return [e if isinstance(e, dict) else {"message": str(e), "field": None} for e in errors]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


__all__ = ["MAIL_SEND_PATH", "SENDGRID_API", "SendGridEmailSender", "SendGridError"]
