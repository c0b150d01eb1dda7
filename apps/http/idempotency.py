"""``Idempotency-Key`` on unsafe POSTs: the same key and body within 24 h replay the first answer.

How it behaves (see ``docs/http.md``):

* Only authenticated POSTs carrying the header take part; the key is scoped by the caller, so two
  users can never see each other's stored answers. Anonymous requests ignore the header.
* The first request claims the key atomically (``Cache.add``: ``SET NX`` with a TTL on Redis),
  so of any number of concurrent requests with one key, in any number of processes, exactly
  one runs. Its status, body and a few headers are then stored for 24 hours.
* A repeat with the same key and the same method, path and body gets the stored answer with
  ``Idempotent-Replayed: true`` and has no second effect.
* A repeat with the same key but a different body is refused with **422**
  ``idempotency-key-reused``. A repeat while the first is still running gets **409**
  ``idempotency-key-in-progress`` with ``Retry-After``. A claim outlives a crashed process by
  at most :data:`PENDING_TTL`.
* When the cache cannot be reached the request is refused with **503** and ``Retry-After``
  rather than run without the guarantee.
* 5xx, 429, 401 and 403 answers are not stored, so a retry after a failure (or with a token
  that holds the route's permission) runs again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import msgspec
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import (
    ASGIApp,
    HTTPDisconnectEvent,
    HTTPRequestEvent,
    Message,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)

from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.platform import Cache

HEADER = b"idempotency-key"
#: how long a finished request's answer is kept for replay
TTL = timedelta(hours=24)
#: how long a claim lasts while its request runs: a process that dies mid-request frees the
#: key after this, never pinning it as "in progress" for the whole TTL
PENDING_TTL = timedelta(minutes=5)
#: ``Retry-After`` (seconds) on a 409 for a request still in flight, and on a 503
RETRY_AFTER_SECONDS = 1
MAX_KEY_LENGTH = 255
_KEPT_HEADERS = {b"content-type", b"etag", b"location"}
#: answers given before the request ran (or that say "try again later"): a retry runs again.
#: 401/403 matter because keys are per *user*: a token lacking a scope must not pin the key's
#: answer for the same user's properly scoped retry.
_NOT_KEPT = frozenset({401, 403, 429})


class StoredResponse(msgspec.Struct, frozen=True):
    fingerprint: str
    status: int = 0
    headers: list[tuple[bytes, bytes]] = []
    body: bytes = b""
    pending: bool = False


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(StoredResponse)

#: who is calling: a stable id of the authenticated principal, or None
Identify = Callable[[Scope], Awaitable[str | None]]
CacheOf = Callable[[Scope], Cache]


class IdempotencyMiddleware(ASGIMiddleware):
    """Replays stored answers for repeated ``Idempotency-Key`` POSTs (see the module doc)."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, cache_of: CacheOf, identify: Identify) -> None:
        self._cache_of = cache_of
        self._identify = identify

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        key = _header(scope, HEADER)
        if scope.get("method") != "POST" or key is None:
            await next_app(scope, receive, send)
            return
        if not key or len(key) > MAX_KEY_LENGTH:
            await _send_problem(
                send, 400, "invalid-idempotency-key", "Idempotency-Key must be 1-255 characters"
            )
            return
        principal = await self._identify(scope)
        if principal is None:
            await next_app(scope, receive, send)
            return

        body = await _read_body(receive)
        fingerprint = hashlib.sha256(
            b"\0".join([b"POST", scope["path"].encode(), scope.get("query_string", b""), body])
        ).hexdigest()
        cache_key = "idem:" + hashlib.sha256(f"{principal}\0{key}".encode()).hexdigest()
        cache = self._cache_of(scope)
        pending = _encoder.encode(StoredResponse(fingerprint, pending=True))
        try:
            claimed = await cache.add(cache_key, pending, PENDING_TTL)
            # The claim's holder may have just released it (a 5xx); then one more try.
            stored = None if claimed else await _load(cache, cache_key)
            if not claimed and stored is None:
                claimed = await cache.add(cache_key, pending, PENDING_TTL)
        except ServiceUnavailable:
            await _send_problem(
                send,
                503,
                "service-unavailable",
                "the idempotency store is unavailable; retry shortly",
                retry_after=RETRY_AFTER_SECONDS,
            )
            return
        if not claimed:
            await _answer_duplicate(send, stored, fingerprint)
            return
        try:
            captured = await _run_capturing(next_app, scope, body, send)
        except BaseException:
            await cache.delete(cache_key)  # a crash must not pin the key as pending
            raise
        if captured.status < 500 and captured.status not in _NOT_KEPT:
            await cache.set(cache_key, _encoder.encode(captured_with(captured, fingerprint)), TTL)
        else:
            await cache.delete(cache_key)


async def _answer_duplicate(send: Send, stored: StoredResponse | None, fingerprint: str) -> None:
    """The answer to a request whose key another request claimed first."""
    if stored is not None and stored.fingerprint != fingerprint:
        await _send_problem(
            send,
            422,
            "idempotency-key-reused",
            "this Idempotency-Key was used with a different request",
        )
    elif stored is None or stored.pending:
        await _send_problem(
            send,
            409,
            "idempotency-key-in-progress",
            "a request with this Idempotency-Key is still being processed",
            retry_after=RETRY_AFTER_SECONDS,
        )
    else:
        await _replay(send, stored)


def captured_with(captured: StoredResponse, fingerprint: str) -> StoredResponse:
    return msgspec.structs.replace(captured, fingerprint=fingerprint)


async def _load(cache: Cache, key: str) -> StoredResponse | None:
    raw = await cache.get(key)
    if raw is None:
        return None
    try:
        return _decoder.decode(raw)
    except msgspec.DecodeError:
        return None


def _header(scope: Scope, name: bytes) -> str | None:
    for header_name, value in scope.get("headers", []):
        if header_name.lower() == name:
            return value.decode("latin-1").strip()
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _run_capturing(
    next_app: ASGIApp, scope: Scope, body: bytes, send: Send
) -> StoredResponse:
    delivered = False

    async def replay_receive() -> ReceiveMessage:
        nonlocal delivered
        if not delivered:
            delivered = True
            request: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}
            return request
        disconnect: HTTPDisconnectEvent = {"type": "http.disconnect"}
        return disconnect

    status = 500
    headers: list[tuple[bytes, bytes]] = []
    parts: list[bytes] = []

    async def capturing_send(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = int(message["status"])
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() in _KEPT_HEADERS]
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))
        await send(message)

    await next_app(scope, replay_receive, capturing_send)
    return StoredResponse(fingerprint="", status=status, headers=headers, body=b"".join(parts))


async def _replay(send: Send, stored: StoredResponse) -> None:
    headers = [*stored.headers, (b"idempotent-replayed", b"true")]
    headers.append((b"content-length", str(len(stored.body)).encode()))
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body, "more_body": False})


async def _send_problem(
    send: Send, status: int, code: str, detail: str, *, retry_after: int | None = None
) -> None:
    from apps.http.problems import PROBLEM_TYPE_BASE

    payload: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": "Idempotency-Key problem",
        "status": status,
        "detail": detail,
    }
    body = msgspec.json.encode(payload)
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
