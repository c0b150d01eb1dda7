"""Errors become RFC 9457 problem-details responses here, once, for every service.

Mapping (documented in ``docs/http.md``):

* a body or parameter that cannot be parsed or has the wrong type → **400** ``invalid-request``
  (Litestar's choice, kept deliberately: the request is malformed, not merely unacceptable);
* a well-formed request that breaks a domain rule (``ValidationFailed``) → **422**;
* not found, or another user's → **404**; a state conflict (illegal transition, blocked quest,
  cycle) → **409**; a stale ``If-Match`` → **412** (without ``If-Match``, a lost optimistic race
  is a 409); unauthenticated → **401**; forbidden → **403**; rate limited → **429** with
  ``Retry-After``; a body over the limit → **413**;
* a dependency that cannot answer now (database or cache down, pool exhausted, a statement
  cancelled by its timeout: :func:`adapters.outages.as_outage`) or any ``ServiceUnavailable``
  → **503** with ``Retry-After``; an integrity or constraint error is *not* an outage;
* anything unexpected → **500** with no internals in the body (logged with the request id).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_409_CONFLICT,
    HTTP_412_PRECONDITION_FAILED,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from litestar.types import ExceptionHandlersMap

from adapters.outages import DEFAULT_RETRY_AFTER_SECONDS, as_outage
from questlog_core.errors import DomainError, ErrorKind, FileTooLarge

logger = logging.getLogger("questlog.http")

#: the ``type`` of every problem is this base plus a stable code
PROBLEM_TYPE_BASE = "https://questlog.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

STATUS_BY_KIND: dict[ErrorKind, int] = {
    ErrorKind.INVALID: 422,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.STALE: 409,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.UNAVAILABLE: 503,
}

_TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable request",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}

_CODES: dict[int, str] = {
    400: "invalid-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    412: "precondition-failed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "unprocessable",
    428: "precondition-required",
    429: "rate-limited",
    500: "internal-error",
    503: "service-unavailable",
}


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    request: Request[Any, Any, Any] | None = None,
) -> Response[dict[str, Any]]:
    """A problem-details response with a stable ``type`` built from ``code``."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
    if extra:
        body.update({k: v for k, v in extra.items() if k not in body})
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def domain_error_to_response(
    request: Request[Any, Any, Any], exc: DomainError
) -> Response[dict[str, Any]]:
    status = STATUS_BY_KIND[exc.kind]
    if isinstance(exc, FileTooLarge):
        status = HTTP_413_REQUEST_ENTITY_TOO_LARGE  # a rule on the body's size, not its content
    elif exc.kind is ErrorKind.STALE and request.headers.get("if-match"):
        status = HTTP_412_PRECONDITION_FAILED
    elif exc.kind is ErrorKind.STALE:
        status = HTTP_409_CONFLICT
    headers: dict[str, str] = {}
    extra = dict(exc.extra)
    if exc.kind is ErrorKind.RATE_LIMITED:
        retry = float(extra.get("retry_after_seconds", 1.0))
        headers["Retry-After"] = str(max(1, math.ceil(retry)))
    if exc.kind is ErrorKind.UNAVAILABLE:
        # Every 503 says when to come back (RFC 9110 §10.2.3), so clients back off instead of
        # hammering a dependency that is restarting.
        retry = float(extra.get("retry_after_seconds", DEFAULT_RETRY_AFTER_SECONDS))
        headers["Retry-After"] = str(max(1, math.ceil(retry)))
    if exc.kind is ErrorKind.UNAUTHENTICATED:
        headers["WWW-Authenticate"] = 'Bearer realm="questlog"'
    return problem(status, exc.code, exc.detail, extra=extra, headers=headers, request=request)


def http_exception_to_response(
    request: Request[Any, Any, Any], exc: HTTPException
) -> Response[dict[str, Any]]:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        errors = exc.extra if isinstance(exc.extra, list) else []
        return problem(
            HTTP_400_BAD_REQUEST,
            "invalid-request",
            exc.detail or "the request could not be parsed",
            extra={"errors": errors},
            request=request,
        )
    extra = exc.extra if isinstance(exc.extra, dict) else None
    code = str(extra.pop("code")) if extra and "code" in extra else _CODES.get(status, "error")
    return problem(
        status,
        code,
        exc.detail or _TITLES.get(status, "error"),
        extra=extra,
        headers=dict(exc.headers or {}),
        request=request,
    )


def unexpected_error_to_response(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[dict[str, Any]]:
    outage = as_outage(exc)
    if outage is not None:
        # The one place a driver's connection error becomes a 503 (see adapters.outages).
        logger.warning(
            "%s %s: %s unavailable (%s: %s)",
            request.method,
            request.url.path,
            outage.extra.get("dependency", "a dependency"),
            type(exc).__name__,
            exc,
        )
        return domain_error_to_response(request, outage)
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "internal-error",
        "something went wrong on our side; it has been logged",
        request=request,
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: domain_error_to_response,
    HTTPException: http_exception_to_response,
    Exception: unexpected_error_to_response,
}
