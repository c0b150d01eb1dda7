"""The client's address for per-IP limits, through trusted reverse proxies only.

``X-Forwarded-For`` is whatever the sender wrote, so it is believed only when the direct peer
is one of ``QUESTLOG_TRUSTED_PROXIES`` (IPs or CIDRs, comma-separated; default none). Then the
header is read from the right (the entry the nearest proxy appended) past every address that is
itself a trusted proxy; the first other address is the client. Entries further left were
written by the client or by proxies we do not know, so they are never used. A malformed entry
ends the walk at the last address we can vouch for.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from litestar import Request

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """The networks in a comma-separated list of IPs and CIDRs (``ValueError`` on a bad one)."""
    networks: list[IPNetwork] = []
    for item in text.split(","):
        item = item.strip()
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or CIDR") from None
    return tuple(networks)


def _trusted(address: str, proxies: Sequence[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(
    peer: str | None, forwarded_for: str | None, proxies: Sequence[IPNetwork]
) -> str | None:
    """The client's address given the direct ``peer`` and its ``X-Forwarded-For`` value."""
    if peer is None or not forwarded_for or not _trusted(peer, proxies):
        return peer
    client = peer
    for entry in reversed(forwarded_for.split(",")):
        entry = entry.strip()
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            break
        client = entry
        if not _trusted(entry, proxies):
            break
    return client


def request_client_address(request: Request[Any, Any, Any]) -> str | None:
    """:func:`client_address` for a request, with the app's configured trusted proxies."""
    peer = request.client.host if request.client else None
    proxies = parse_networks(request.app.state.settings.trusted_proxies)
    if not proxies:
        return peer
    return client_address(peer, request.headers.get("x-forwarded-for"), proxies)


__all__ = ["client_address", "parse_networks", "request_client_address"]
