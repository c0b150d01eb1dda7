"""How the pages call the Questlog HTTP API: as a client, with the signed-in browser's token.

In the all-in-one (``QUESTLOG_WEB_API_URL`` empty) a call goes through the same Litestar app
in-process (httpx's ASGI transport), so it passes the same edge as any client (input guard,
permission check, rate limits, problem details) without a network hop; the browser's address
is passed on as the ASGI client, so per-address limits still see the real browser. With
``QUESTLOG_WEB_API_URL`` set (the web client served on its own, see ``docs/web.md``) the same
calls go over HTTP and name the browser in ``X-Forwarded-For`` (the API trusts it only from
the proxies in its ``QUESTLOG_TRUSTED_PROXIES``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from litestar import Request

#: the host name in-process calls use (never resolved: the ASGI transport answers them)
IN_PROCESS_BASE = "http://questlog.internal"
#: seconds one API call may take before the page gives up on it
TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class ApiAnswer:
    """One API answer: the status and the decoded JSON body (``None`` when there is none)."""

    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def problem_type(self) -> str | None:
        """The problem-details ``type`` URI, if the answer is a problem."""
        kind = self.body.get("type") if isinstance(self.body, dict) else None
        return kind if isinstance(kind, str) else None

    def problem(self) -> str:
        """The problem-details ``detail`` (or ``title``) to show a person."""
        if isinstance(self.body, dict):
            errors = self.body.get("errors")
            if isinstance(errors, list) and errors:
                parts = [
                    f"{e.get('field', '')}: {e.get('reason', '')}".strip(": ")
                    for e in errors
                    if isinstance(e, dict)
                ]
                if parts:
                    return "; ".join(parts)
            for key in ("detail", "title"):
                if isinstance(self.body.get(key), str):
                    return str(self.body[key])
        return f"the server answered {self.status}"


class ApiClient:
    """Calls the API for one browser request (``token`` is its access token, if any)."""

    def __init__(self, request: Request[Any, Any, Any], token: str | None = None) -> None:
        self._request = request
        self.token = token

    def _client(self) -> httpx.AsyncClient:
        settings = self._request.app.state.settings
        peer = self._request.client.host if self._request.client else "127.0.0.1"
        headers = {"user-agent": self._request.headers.get("user-agent", "questlog-web")}
        forwarded = self._request.headers.get("x-forwarded-for")
        if settings.web_api_url:
            headers["x-forwarded-for"] = f"{forwarded}, {peer}" if forwarded else peer
            return httpx.AsyncClient(
                base_url=settings.web_api_url.rstrip("/"),
                headers=headers,
                timeout=TIMEOUT_SECONDS,
            )
        if forwarded:
            # Same peer, same header: the API trusts it exactly as the page's own edge did.
            headers["x-forwarded-for"] = forwarded
        # Litestar's narrower ASGI types are compatible with what httpx calls.
        app: Any = self._request.app
        transport = httpx.ASGITransport(app=app, client=(peer, 0))
        return httpx.AsyncClient(
            transport=transport, base_url=IN_PROCESS_BASE, headers=headers, timeout=TIMEOUT_SECONDS
        )

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Any = None,
        token: str | None = None,
    ) -> ApiAnswer:
        """``method path`` with the browser's token; never raises for an error status."""
        bearer = self.token if token is None else token
        headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
        async with self._client() as client:
            response = await client.request(method, path, json=json, params=params, headers=headers)
        body: Any = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                body = response.text
        return ApiAnswer(status=response.status_code, body=body)

    async def get(self, path: str, **kwargs: Any) -> ApiAnswer:
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> ApiAnswer:
        return await self.call("POST", path, **kwargs)
