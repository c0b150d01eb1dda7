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
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_409_CONFLICT,
    HTTP_412_PRECONDITION_FAILED,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from litestar.types import ExceptionHandlersMap

from adapters.outages import DEFAULT_RETRY_AFTER_SECONDS, as_outage
from questlog_core.errors import DomainError, ErrorKind, FileTooLarge, ValidationFailed

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


def problem_body(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON object of a problem (RFC 9457): ``type``, ``title``, ``status``, ``detail``,
    ``instance`` and the error's own facts (never overriding those five)."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    if extra:
        body.update({k: v for k, v in extra.items() if k not in body})
    return body


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
    body = problem_body(
        status,
        code,
        detail,
        instance=None if request is None else request.url.path,
        extra=extra,
    )
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def field_error(
    field: str,
    reason: str,
    *,
    allowed: list[str] | None = None,
    position: int | None = None,
) -> dict[str, Any]:
    """One entry of a problem's ``errors``: the same shape for a 400 and a 422."""
    error: dict[str, Any] = {"field": field, "reason": reason}
    if allowed is not None:
        error["allowed"] = allowed
    if position is not None:
        error["position"] = position
    return error


_BYTE_POSITION = re.compile(r"\(byte (\d+)\)")
_AT_PATH = re.compile(r" - at `\$\.?([^`]*)`$")
_NAMED_FIELD = re.compile(r"^Object (?:contains unknown|missing required) field `([^`]*)`$")


# msgspec's words for a value of the right type that breaks a bound the schema states.
_CONSTRAINT = re.compile(
    r"^Expected `(?P<type>\w+)` (?:of length (?P<length>[<>]=? ?\d+)"
    r"|(?P<bound>[<>]=? ?-?[\d.e+]+)|(?P<regex>matching regex .*)|that is a multiple of .*)$"
)
_UNITS = {"str": "characters", "array": "items", "object": "entries"}
_TRAILING_INDEX = re.compile(r"(?:\[\d+\])+$")


def _constraint_reason(message: str) -> str | None:
    """A readable reason when ``message`` is a broken bound (size, range, pattern), else None."""
    found = _CONSTRAINT.match(message)
    if found is None:
        return None
    words = {"<=": "at most", ">=": "at least", "<": "less than", ">": "more than"}
    if length := found.group("length"):
        op, _, number = length.partition(" ") if " " in length else (length[:2], "", length[2:])
        op = op.strip()
        return f"must be {words.get(op, op)} {number.strip()} {_UNITS.get(found['type'], '')}"
    if bound := found.group("bound"):
        op = bound[:2].strip() if bound[1] == "=" else bound[0]
        return f"must be {words.get(op, op)} {bound[len(op) :].strip()}"
    if found.group("regex"):
        return "does not have the form the API schema gives (its pattern)"
    return message


#: Litestar's words for a required parameter that was not sent
_MISSING_PARAMETER = re.compile(r"Missing required (query|header|cookie|path) parameter '([^']+)'")


def _parse_errors(extra: object, detail: str) -> list[dict[str, Any]]:
    """Litestar's ``[{message, key, source}]`` (or a decoder's message) as ``errors``; an entry
    whose value broke a stated bound (in the body or query) is marked ``bound``."""
    errors: list[dict[str, Any]] = []
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "is invalid"))
        field = str(item.get("key") or "")
        at = _AT_PATH.search(message)
        if at is not None:
            field = field or at.group(1) or "body"
            message = message[: at.start()]
        named = _NAMED_FIELD.match(message)
        if named is not None:  # the unknown or missing field itself, inside the object at field
            prefix = "" if field in {"", "data", "body"} else f"{field}."
            field = prefix + named.group(1)
        elif field == "data":
            field = "body"  # Litestar's name for the body parameter
        error = field_error(field or str(item.get("source") or "request"), message)
        reason = _constraint_reason(message)
        if reason is not None and item.get("source") in {"body", "query", None}:
            error["reason"] = reason
            error["bound"] = True
        errors.append(error)
    if not errors:
        missing = _MISSING_PARAMETER.match(detail)
        if missing is not None:  # a required query, header or cookie parameter left out
            errors.append(
                field_error(missing.group(2), f"the {missing.group(1)} parameter is required")
            )
            return errors
        found = _BYTE_POSITION.search(detail)
        errors.append(field_error("body", detail, position=int(found.group(1)) if found else None))
    return errors


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
    if isinstance(exc, ValidationFailed):
        # 400 and 422 name what failed the same way: ``errors: [{field, reason, allowed?}]``.
        extra["errors"] = [field_error(exc.field, exc.reason, allowed=exc.allowed)]
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
    if isinstance(exc, ValidationException) or (
        status == HTTP_400_BAD_REQUEST and not isinstance(exc.extra, dict)
    ):
        detail = exc.detail or "the request could not be parsed"
        errors = _parse_errors(exc.extra, detail)
        if all(error.pop("bound", False) for error in errors):
            # Well-formed, but a value breaks a bound the schema states (a length, a range, a
            # pattern): the same 422 a domain rule gives, naming the field the same way.
            first = errors[0]
            field = _TRAILING_INDEX.sub("", first["field"])  # tags[3] -> tags, as the domain
            return problem(
                HTTP_422_UNPROCESSABLE_ENTITY,
                "validation-failed",
                f"{first['field']}: {first['reason']}",
                extra={"field": field, "reason": first["reason"], "errors": errors},
                request=request,
            )
        for error in errors:
            error.pop("bound", None)
        return problem(
            HTTP_400_BAD_REQUEST,
            "invalid-request",
            detail,
            extra={"errors": errors},
            request=request,
        )
    extra = dict(exc.extra) if isinstance(exc.extra, dict) else {}
    code = str(extra.pop("code")) if "code" in extra else _CODES.get(status, "error")
    if status == HTTP_400_BAD_REQUEST and "errors" not in extra:
        extra["errors"] = [field_error(str(extra.pop("field", "request")), exc.detail)]
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
