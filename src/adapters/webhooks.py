"""Webhooks reaching out: resolving an endpoint's host and POSTing to the checked address.

:class:`SystemResolver` asks the operating system's resolver every time (no cache of ours: a
name that changes to a private address is seen at the next attempt). :class:`HttpxWebhookSender`
POSTs with httpx to the *address that was checked*, never to the name (which could resolve
differently a moment later): the URL's host goes in the ``Host`` header and, for https, in
the TLS server name, so virtual hosting and certificate checks work as if the name had been
used. Redirects are never followed (a 3xx is the answer), proxies from the environment are
ignored, and every request has a timeout.
"""

from __future__ import annotations

import asyncio
import socket

import httpx

from questlog_core.integrations.ports import SentAnswer
from questlog_core.integrations.webhooks import CheckedUrl

#: what a webhook POST says it is
USER_AGENT = "Questlog-Webhooks/1"


class SystemResolver:
    """:class:`~questlog_core.integrations.ports.AddressResolver` through ``getaddrinfo``."""

    async def resolve(self, host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):  # no such name, or no valid name at all
            return []
        return list(dict.fromkeys(str(info[4][0]) for info in found))


class HttpxWebhookSender:
    """:class:`~questlog_core.integrations.ports.WebhookSender` over one httpx client."""

    def __init__(
        self,
        timeout: float = 10.0,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=False,
            trust_env=False,
            transport=transport,
            headers={"user-agent": USER_AGENT},
        )

    async def post(
        self, url: CheckedUrl, address: str, headers: dict[str, str], body: bytes
    ) -> SentAnswer:
        host_in_url = f"[{address}]" if ":" in address else address
        target = f"{url.scheme}://{host_in_url}:{url.port}{url.target}"
        default_port = 443 if url.scheme == "https" else 80
        named = f"[{url.host}]" if ":" in url.host else url.host
        host_header = named if url.port == default_port else f"{named}:{url.port}"
        extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
        response = await self._client.post(
            target,
            content=body,
            headers={**headers, "host": host_header},
            extensions=extensions,
        )
        await response.aclose()
        return SentAnswer(
            status_code=response.status_code, location=response.headers.get("location")
        )

    async def aclose(self) -> None:
        await self._client.aclose()


__all__ = ["USER_AGENT", "HttpxWebhookSender", "SystemResolver"]
