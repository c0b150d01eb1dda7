"""Readiness probes: can this process reach the database, the cache and the broker right now?

Each probe does the cheapest real round trip its dependency offers, bounded by ``within`` seconds,
and never raises: it reports ``up`` or ``down`` with a short reason (the exception's class,
never a URL or a password). In-process parts (the in-memory database, cache and stub broker)
are ``up`` by construction and say so with their ``kind``.

* database: ``SELECT 1`` on a pooled, read-only connection (on SQLite it never queues behind a
  writer; a dead pooled connection is invalidated by SQLAlchemy on the way, so the next request
  gets a fresh one);
* Redis (cache, or a Redis broker): ``PING``;
* RabbitMQ: the AMQP 0-9-1 protocol header, answered by the server's ``Connection.Start``
  frame; the probe then closes the socket (no credentials are sent, no channel is opened).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import msgspec
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import READ_ONLY

#: The longest a single probe may take, in seconds.
PROBE_TIMEOUT_SECONDS: Final = 1.0

_AMQP_HEADER: Final = b"AMQP\x00\x00\x09\x01"
_AMQP_METHOD_FRAME: Final = 1


class PartStatus(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One dependency's state: ``up`` or ``down``, what it is, and why it is down."""

    status: Literal["up", "down"]
    kind: str
    reason: str | None = None


def in_process(kind: str) -> PartStatus:
    """A part that lives in this process (memory database or cache, stub broker)."""
    return PartStatus(status="up", kind=kind)


def _down(kind: str, error: BaseException | str) -> PartStatus:
    reason = error if isinstance(error, str) else type(error).__name__
    return PartStatus(status="down", kind=kind, reason=reason)


async def probe_database(
    engine: AsyncEngine, *, within: float = PROBE_TIMEOUT_SECONDS
) -> PartStatus:
    """``SELECT 1`` through ``engine``'s pool within ``within`` seconds."""
    kind = engine.dialect.name
    try:
        async with asyncio.timeout(within), engine.connect() as connection:
            # A read-only connection: on SQLite it never takes (or waits for) the write lock.
            await connection.execution_options(**{READ_ONLY: True})
            await connection.execute(text("SELECT 1"))
    except TimeoutError:
        return _down(kind, "timed out")
    except Exception as error:  # any failure means "not ready"; the kind of it is the reason
        return _down(kind, error)
    return PartStatus(status="up", kind=kind)


async def probe_redis(client: Any, *, within: float = PROBE_TIMEOUT_SECONDS) -> PartStatus:
    """``PING`` on ``client`` (a ``redis.asyncio.Redis``) within ``within`` seconds."""
    try:
        async with asyncio.timeout(within):
            await client.ping()
    except TimeoutError:
        return _down("redis", "timed out")
    except Exception as error:
        return _down("redis", error)
    return PartStatus(status="up", kind="redis")


async def probe_redis_url(url: str, *, within: float = PROBE_TIMEOUT_SECONDS) -> PartStatus:
    """``PING`` on a short-lived client for ``url`` (a Redis broker this process has no client
    for)."""
    from adapters.redis.client import connect

    client = connect(url, timeout=min(within, 0.5), max_connections=1)
    try:
        return await probe_redis(client, within=within)
    finally:
        await client.aclose()


async def probe_amqp(url: str, *, within: float = PROBE_TIMEOUT_SECONDS) -> PartStatus:
    """Whether an AMQP 0-9-1 server answers the protocol header at ``url``'s host and port."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(within):
            if parts.scheme == "amqps":
                reader, writer = await asyncio.open_connection(host, port, ssl=True)
            else:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(_AMQP_HEADER)
            await writer.drain()
            frame = await reader.readexactly(7)
    except TimeoutError:
        return _down("rabbitmq", "timed out")
    except Exception as error:
        return _down("rabbitmq", error)
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
    if frame[0] != _AMQP_METHOD_FRAME:
        return _down("rabbitmq", "not an AMQP 0-9-1 server")
    return PartStatus(status="up", kind="rabbitmq")


__all__ = [
    "PROBE_TIMEOUT_SECONDS",
    "PartStatus",
    "in_process",
    "probe_amqp",
    "probe_database",
    "probe_redis",
    "probe_redis_url",
]
