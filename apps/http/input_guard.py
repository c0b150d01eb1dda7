"""Input that no service should ever see is refused here, at the edge, before any handler runs.

One ASGI middleware, shared by every service, answers **400** (or **413**/**415**) with a
problem-details body instead of letting a bad byte reach a decoder, a hasher or PostgreSQL:

* a NUL character anywhere in the path, the query string or a header value (PostgreSQL cannot
  store ``\\0`` in ``text``; nothing in Questlog has a use for it);
* a path or query string that is not UTF-8 once percent-decoded;
* on a route that takes a JSON body (its handler has a ``data`` parameter):
  a ``Content-Type`` other than ``application/json`` or ``application/*+json`` → **415**;
  a body over the route's limit → **413**; bytes that are not UTF-8, JSON that is malformed or
  nested deeper than :data:`MAX_JSON_DEPTH`, or a string (key or value) containing ``\\u0000``
  → **400**, naming the position in the body where it can.

It runs before authentication and before the ``Idempotency-Key`` middleware, so even
``/api/v1/auth/login`` never decodes what it refuses. Every error names what failed in
``errors: [{field, reason, position?}]``, the same shape as every other 400 and 422.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

import msgspec
import numpy as np
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import (
    ASGIApp,
    HTTPDisconnectEvent,
    HTTPRequestEvent,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)

from apps.http.problems import problem_body

#: how deeply arrays and objects may nest in a JSON body (Questlog's own bodies need 4)
MAX_JSON_DEPTH = 32
#: the media types a JSON body may be sent as
JSON_MEDIA_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json$", re.IGNORECASE)

# ``\u0000`` preceded by an even number of backslashes is an escaped NUL; with an odd number,
# the backslash before ``u`` is itself escaped (the text ``\u0000``), which is harmless.
_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
# A JSON string literal, so brackets inside strings are not counted as nesting.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = frozenset(b"[]{}")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
_OPEN_ARRAY, _OPEN_OBJECT = ord("["), ord("{")
_BYTE_POSITION = re.compile(r"\(byte (\d+)\)")


class RefusedInput(Exception):
    """Why a request was refused; becomes one problem-details response."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        field: str,
        reason: str,
        position: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        error: dict[str, Any] = {"field": field, "reason": reason}
        if position is not None:
            error["position"] = position
        self.error = error


def takes_json_body(handler: Any) -> bool:
    """Whether a route handler reads a JSON body (it declares a ``data`` parameter)."""
    parameters = getattr(getattr(handler, "parsed_fn_signature", None), "parameters", {})
    return "data" in parameters


def check_text(value: bytes, field: str, *, percent_encoded: bool) -> None:
    """Refuse ``value`` (a path, a query component, a header) unless it is NUL-free UTF-8."""
    raw = unquote_to_bytes(value.replace(b"+", b" ")) if percent_encoded else value
    if b"\0" in raw:
        raise RefusedInput(
            400, "invalid-request", f"{field} contains a NUL character", field, "contains NUL"
        )
    if percent_encoded:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RefusedInput(
                400,
                "invalid-request",
                f"{field} is not UTF-8",
                field,
                "is not valid UTF-8",
                exc.start,
            ) from None


def check_query_string(query: bytes) -> None:
    """Every parameter name and value of a raw query string is NUL-free UTF-8."""
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        label = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
        check_text(name, "query parameter name", percent_encoded=True)
        check_text(value, label or "query", percent_encoded=True)


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether arrays/objects in ``body`` nest deeper than ``limit`` (strings are skipped)."""
    brackets = _JSON_STRING.sub(b'""', body).translate(None, _NOT_BRACKETS)
    if len(brackets) <= limit:
        return False
    # The running depth after each bracket, for all of them at once (a 10,000-item body has
    # tens of thousands of brackets: a Python loop over them cost more than decoding it).
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == _OPEN_ARRAY) | (codes == _OPEN_OBJECT), 1, -1)
    return bool(np.cumsum(steps).max() > limit)


#: a msgspec message about a value of the wrong JSON type (``Expected `bool`, got `int```)
_WRONG_TYPE = re.compile(r"^Expected `([^`]+)`, got `([^`]+)` - at `\$\.?(.*)`$")


def body_type(handler: HTTPRouteHandler) -> Any:
    """The type a handler's ``data`` is decoded to (``None`` when it cannot be found)."""
    parameter = handler.parsed_fn_signature.parameters.get("data")
    return None if parameter is None else parameter.annotation


def check_json_types(body: bytes, expected: Any) -> None:
    """Refuse (400) a JSON value of the wrong *type* for ``expected``.

    Litestar converts bodies with msgspec's lax rules (``0`` becomes ``false``, ``"5"`` becomes
    5), which would accept what the OpenAPI document refuses; JSON decoding is strict. Only type
    errors are refused here: a value of the right type that breaks a stated constraint (a
    length, a range, a pattern) goes on to the handler's own validation (422).
    """
    if expected is None or not body.strip():
        return
    try:
        msgspec.json.decode(body, type=expected)
    except msgspec.ValidationError as exc:
        wrong = _WRONG_TYPE.match(str(exc))
        # JSON Schema counts 295.0 as an integer; Litestar reads it as 295 (295.5 stays a 400).
        integral_float = wrong is not None and "int" in wrong.group(1) and wrong.group(2) == "float"
        if wrong is not None and not integral_float:
            want, got, path = wrong.groups()
            field = path or "body"
            raise RefusedInput(
                400,
                "invalid-request",
                f"{field}: expected {want}, got {got}",
                field,
                f"expected {want}, got {got}",
            ) from None
    except (TypeError, msgspec.DecodeError):
        return  # a type msgspec cannot decode to, or broken JSON (refused before this)


def check_json(body: bytes, expected: Any) -> None:
    """:func:`check_json_body` and :func:`check_json_types` with one decode of the body
    where they would take two (a 2 MB body of 10,000 quests: ~15 ms each).

    A body that decodes as ``expected`` is well-formed JSON of the right types; only when
    it does not are the two checks run in their order, so the answer is the same."""
    check_json_body(body, parse=False)
    if not body.strip():
        return
    if expected is not None:
        try:
            msgspec.json.decode(body, type=expected)
            return
        except (msgspec.ValidationError, msgspec.DecodeError, TypeError):
            pass  # say what is wrong exactly as the two checks do, below
    check_json_body(body)
    check_json_types(body, expected)


def check_json_body(body: bytes, *, parse: bool = True) -> None:
    """Refuse a JSON body that is not UTF-8, too deep, malformed, or carries ``\\u0000``
    (``parse=False``: all but the malformed test, which costs a full decode)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RefusedInput(
            400, "invalid-request", "the body is not UTF-8", "body", "is not valid UTF-8", exc.start
        ) from None
    if json_depth_exceeds(body, MAX_JSON_DEPTH):
        raise RefusedInput(
            400,
            "invalid-request",
            f"the body nests arrays or objects deeper than {MAX_JSON_DEPTH} levels",
            "body",
            f"nested deeper than {MAX_JSON_DEPTH} levels",
        )
    nul = _ESCAPED_NUL.search(body)
    if nul is not None:
        raise RefusedInput(
            400,
            "invalid-request",
            "a string in the body contains a NUL character (\\u0000)",
            "body",
            "contains NUL",
            nul.end() - len(b"\\u0000"),
        )
    if parse and body.strip():
        try:
            msgspec.json.decode(body)
        except msgspec.DecodeError as exc:
            found = _BYTE_POSITION.search(str(exc))
            truncated = "truncated" in str(exc)
            raise RefusedInput(
                400,
                "invalid-request",
                f"the body is not valid JSON: {exc}",
                "body",
                str(exc),
                int(found.group(1)) if found else len(body) if truncated else None,
            ) from None


def _content_type(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-type":
            return value.decode("latin-1").split(";", 1)[0].strip()
    return None


async def _read_body(receive: Receive, limit: int | None) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise RefusedInput(
                413,
                "payload-too-large",
                f"the body is larger than {limit} bytes",
                "body",
                f"larger than {limit} bytes",
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes) -> Receive:
    delivered = False

    async def receive() -> ReceiveMessage:
        nonlocal delivered
        if not delivered:
            delivered = True
            request: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}
            return request
        disconnect: HTTPDisconnectEvent = {"type": "http.disconnect"}
        return disconnect

    return receive


class InputGuardMiddleware(ASGIMiddleware):
    """Refuses NUL characters, non-UTF-8 text, wrong media types and hostile JSON (module doc)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        try:
            received = await self._check(scope, receive)
        except RefusedInput as refused:
            await _send_refusal(scope, send, refused)
            return
        await next_app(scope, received, send)

    async def _check(self, scope: Scope, receive: Receive) -> Receive:
        # Some clients (httpx's ASGI transport) put the query string in raw_path too.
        raw_path = (scope.get("raw_path") or scope["path"].encode()).split(b"?", 1)[0]
        check_text(raw_path, "path", percent_encoded=True)
        check_text(scope["path"].encode("utf-8", "surrogateescape"), "path", percent_encoded=False)
        if query := scope.get("query_string", b""):
            check_query_string(query)
        for name, value in scope.get("headers", []):
            check_text(value, name.decode("latin-1"), percent_encoded=False)
        handler = scope.get("route_handler")
        if not isinstance(handler, HTTPRouteHandler) or not takes_json_body(handler):
            return receive
        content_type = _content_type(scope)
        body = await _read_body(receive, handler.resolve_request_max_body_size())
        if (content_type is None and body.strip()) or (
            content_type is not None and not JSON_MEDIA_TYPE.match(content_type)
        ):
            raise RefusedInput(
                415,
                "unsupported-media-type",
                "send the body as application/json",
                "content-type",
                f"{content_type or 'missing'}: expected application/json",
            )
        check_json(body, body_type(handler))
        return _replaying(body)


async def _send_refusal(scope: Scope, send: Send, refused: RefusedInput) -> None:
    path = scope.get("path", "")
    # The path is echoed back only when it is itself printable text.
    printable = "\0" not in path and not any("\udc80" <= c <= "\udcff" for c in path)
    payload = problem_body(
        refused.status,
        refused.code,
        refused.detail,
        instance=path if printable else None,
        extra={"errors": [refused.error]},
    )
    body = msgspec.json.encode(payload)
    await send(
        {
            "type": "http.response.start",
            "status": refused.status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
