"""The error half of every service's OpenAPI document, derived in one place from route metadata.

Every error any service sends is one RFC 9457 problem (:class:`Problem`, media type
``application/problem+json``). Which statuses a route can send follows from what the route is,
so it is derived here rather than written in each decorator:

=============================================  ==========================================
the route ...                                  can answer
=============================================  ==========================================
any route                                      400 (NUL or non-UTF-8 in path, query or a
                                               header; unparsable parameter), 503 (a
                                               database or cache outage)
is secured (needs a signed-in caller)          401, 403
has path parameters                            404 (absent, or another user's)
reads ``If-Match``                             412
takes a JSON body                              413, 415, 422 (a domain rule)
reads a raw body (uploads)                     413, 422
has query parameters or a non-UUID path        422 (a domain rule on a parameter)
is an unsafe method of a secured route         409 (state conflict, ``Idempotency-Key``
                                               in flight), 422 for a POST (key reused)
says ``rate_limited=True``                     429
says ``checks_credentials=True``               401 (a public route that verifies a
                                               password or token itself)
says ``signed_url=True``                       403 (a bad or expired URL signature)
says ``names_resources=True``                  404 (the body names the caller's things by
                                               id, and one of them does not exist)
=============================================  ==========================================

:func:`declare_problem_responses` writes these onto each route handler's ``responses`` of a
built app; Litestar then renders them with the :class:`Problem` schema (replacing its own
400 schema, which is not what is sent).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Litestar
from litestar._kwargs import KwargsModel
from litestar._openapi.schema_generation import SchemaCreator
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Schema
from litestar.routes import HTTPRoute
from litestar.typing import FieldDefinition

from apps.http.permissions import route_permission
from apps.http.problems import PROBLEM_MEDIA_TYPE

#: route ``opt`` flags (``@post(..., rate_limited=True)``) for what metadata cannot show
RATE_LIMITED = "rate_limited"
CHECKS_CREDENTIALS = "checks_credentials"
#: a public route authorised by a signature in its URL: a bad one is a 403
SIGNED_URL = "signed_url"
#: a body that names the caller's resources by id: an unknown (or another user's) one is a 404
NAMES_RESOURCES = "names_resources"


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

DESCRIPTIONS: dict[int, str] = {
    400: "The request cannot be parsed: malformed JSON, a wrong type, an unknown field, or a "
    "NUL character or non-UTF-8 text in the path, query or a header (``errors`` names it).",
    401: "No valid credentials (``WWW-Authenticate: Bearer``).",
    403: "The caller's role or token scopes do not allow this.",
    404: "Not found, or another user's.",
    409: "The current state forbids it, or a request with this ``Idempotency-Key`` is still "
    "running.",
    412: "``If-Match`` names a version that is no longer current.",
    413: "The body is larger than this route accepts.",
    415: "The body is not sent as ``application/json``.",
    422: "Well-formed but breaks a rule (``errors`` names the field, the reason and, for a "
    "closed set, the allowed values), or an ``Idempotency-Key`` reused with another body.",
    429: "Too many attempts; retry after ``Retry-After`` seconds.",
    503: "A database or cache is unavailable; retry after ``Retry-After`` seconds.",
}


class FieldError(msgspec.Struct, frozen=True, kw_only=True):
    """What failed: the field (``body``, a JSON field, a parameter or a header) and why."""

    field: str
    reason: str
    #: the accepted values, when the field takes one of a closed set
    allowed: list[str] | msgspec.UnsetType = msgspec.UNSET
    #: the byte offset in the body where decoding failed (broken JSON, invalid UTF-8)
    position: Annotated[int, msgspec.Meta(ge=0)] | msgspec.UnsetType = msgspec.UNSET


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """An RFC 9457 problem: every error of every Questlog service has this shape. Other
    members are the error's own facts (``cycle``, ``prerequisites``, ``retry_after_seconds``,
    ...)."""

    type: Annotated[
        str,
        msgspec.Meta(
            description="https://questlog.dev/problems/<code>: stable, for programs to branch on",
            extra_json_schema={"format": "uri"},
        ),
    ]
    title: str
    status: Annotated[int, msgspec.Meta(ge=400, le=599)]
    detail: str
    #: the request path the problem is about
    instance: str | msgspec.UnsetType = msgspec.UNSET
    #: for 400, 413, 415 and 422: what failed
    errors: list[FieldError] | msgspec.UnsetType = msgspec.UNSET


def is_secured(handler: HTTPRouteHandler) -> bool:
    """Whether the route needs a signed-in caller."""
    # Every route declares its permission (``requires``/``public``, apps.http.permissions).
    return route_permission(handler) is not None


def _parameters(handler: HTTPRouteHandler) -> set[str]:
    return set(handler.parsed_fn_signature.parameters)


def problem_statuses(route: HTTPRoute, handler: HTTPRouteHandler, kwargs: KwargsModel) -> set[int]:
    """Every error status ``handler`` (mounted at ``route``) can answer, from its signature and
    the parameters Litestar parses for it (``kwargs``); see the module doc."""
    parameters = _parameters(handler)
    methods = set(handler.http_methods)
    statuses = {400, 503}
    if is_secured(handler):
        statuses |= {401, 403}
        if methods & UNSAFE_METHODS:
            statuses.add(409)
        if "POST" in methods:
            statuses.add(422)
    if route.path_parameters:
        statuses.add(404)
    if any(p.type is not UUID for p in route.path_parameters.values()):
        statuses.add(422)
    if kwargs.expected_query_params:
        statuses.add(422)
    if any(p.field_alias.lower() == "if-match" for p in kwargs.expected_header_params):
        statuses.add(412)
    if "data" in parameters:
        statuses |= {413, 415, 422}
    elif "request" in parameters and methods & UNSAFE_METHODS:
        statuses |= {413, 422}  # reads a raw body (uploads)
    if handler.opt.get(RATE_LIMITED):
        statuses.add(429)
    if handler.opt.get(CHECKS_CREDENTIALS):
        statuses.add(401)
    if handler.opt.get(SIGNED_URL):
        statuses.add(403)
    if handler.opt.get(NAMES_RESOURCES):
        statuses.add(404)
    return statuses


def declare_problem_responses(app: Litestar) -> None:
    """Put each route's problem statuses (with the :class:`Problem` schema) into its OpenAPI
    responses; a route's own ``responses`` entries win."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler, kwargs in route.route_handler_map.values():
            if not handler.resolve_include_in_schema():
                continue
            declared = {
                status: ResponseSpec(
                    data_container=Problem,
                    generate_examples=False,
                    description=DESCRIPTIONS[status],
                    media_type=PROBLEM_MEDIA_TYPE,
                )
                for status in sorted(problem_statuses(route, handler, kwargs))
            }
            handler.responses = {**declared, **(handler.responses or {})}


class ClosedStructSchemaPlugin(StructSchemaPlugin):
    """Says ``additionalProperties: false`` for request bodies that refuse unknown fields
    (``forbid_unknown_fields=True``): Litestar's own struct schemas leave it out, so the
    document promised that any extra member was fine while the edge answered 400."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return super().is_plugin_supported_field(field_definition) and bool(
            field_definition.type_.__struct_config__.forbid_unknown_fields
        )

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        # Litestar drops a bound of 0 (it tests ``if ge:``): put ``minimum: 0`` back.
        info = msgspec.inspect.type_info(field_definition.type_)
        assert isinstance(info, msgspec.inspect.StructType)
        for field in info.fields:
            bound = _lower_bound(field.type)
            prop = (schema.properties or {}).get(field.encode_name)
            if bound is not None and isinstance(prop, Schema) and prop.minimum is None:
                prop.minimum = bound
        return schema


def _lower_bound(kind: msgspec.inspect.Type) -> int | None:
    """The ``ge=0`` of an integer field (through ``Annotated`` and ``| None``), if any."""
    if isinstance(kind, msgspec.inspect.UnionType):
        found = [b for t in kind.types if (b := _lower_bound(t)) is not None]
        return found[0] if found else None
    if isinstance(kind, msgspec.inspect.Metadata):
        return _lower_bound(kind.type)
    if isinstance(kind, msgspec.inspect.IntType) and kind.ge == 0:
        return 0
    return None


def mend_options_allow(app: Litestar) -> None:
    """Make ``OPTIONS`` list every method of its path.

    Litestar 2 builds a route's automatic OPTIONS handler before the other handlers of the same
    path are merged into it, so ``Allow`` named only the first method (litestar#4169, fixed in
    Litestar 3). The handler reads ``methods`` from the route it closes over; point that at the
    merged route's methods.
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "OPTIONS" not in route.route_handler_map:
            continue
        handler, _ = route.route_handler_map["OPTIONS"]
        for cell in getattr(handler.fn, "__closure__", None) or ():
            stale = cell.cell_contents
            if isinstance(stale, HTTPRoute) and stale is not route:
                stale.methods = route.methods
