"""From a msgspec type to what providers accept, and from what they answer back to that type.

Providers are asked for structured output with a JSON Schema generated from the caller's msgspec
Struct (OpenAI: ``response_format`` of type ``json_schema``; Anthropic: the input schema of a tool
the model must call). Whatever comes back is decoded *and validated* by msgspec against the same
type; anything that does not fit is a :class:`~questlog_core.ports.ai.ProviderFailure`, so the
failover chain moves on instead of passing a half-right answer along.
"""

from __future__ import annotations

import copy
import re
from typing import Any, TypeVar

import msgspec

from questlog_core.ports.ai import ProviderFailure

T = TypeVar("T")

_NAME = re.compile(r"[^A-Za-z0-9_-]")


class ProviderSchema(msgspec.Struct, frozen=True):
    """A schema as providers take it: its name, the JSON Schema (an object at the root, with
    ``$defs``), and whether it fits OpenAI's strict mode (every property required)."""

    name: str
    schema: dict[str, Any]
    strict: bool


_SCHEMAS: dict[type[Any], ProviderSchema] = {}


def provider_schema(schema: type[Any]) -> ProviderSchema:
    """The JSON Schema of a msgspec Struct type, shaped for structured-output APIs.

    msgspec puts the root behind a ``$ref``; providers want an object at the root, so the root
    definition is inlined. Every object schema is closed (``additionalProperties: false``).
    Raises ``TypeError`` for a type whose JSON form is not an object. Remembered per type.
    """
    known = _SCHEMAS.get(schema)
    if known is not None:
        return known
    generated = msgspec.json.schema(schema)
    defs: dict[str, Any] = dict(generated.get("$defs", {}))
    root: dict[str, Any]
    ref = generated.get("$ref", "")
    if ref.startswith("#/$defs/"):
        root = copy.deepcopy(defs[ref.removeprefix("#/$defs/")])
    else:
        root = copy.deepcopy(generated)
        root.pop("$defs", None)
    if root.get("type") != "object":
        raise TypeError(f"structured output needs an object type (a Struct), not {schema!r}")
    strict = True
    for node in [root, *defs.values()]:
        if node.get("type") == "object":
            node["additionalProperties"] = False
            if set(node.get("required", [])) != set(node.get("properties", {})):
                strict = False
    if defs:
        root["$defs"] = defs
    name = _NAME.sub("_", getattr(schema, "__name__", "answer"))[:64] or "answer"
    shaped = ProviderSchema(name=name, schema=root, strict=strict)
    _SCHEMAS[schema] = shaped
    return shaped


def decode_answer(provider: str, raw: str | bytes, schema: type[T]) -> T:
    """``raw`` JSON text as a validated ``schema`` value, or a ``ProviderFailure``."""
    try:
        return msgspec.json.decode(raw, type=schema)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ProviderFailure(provider, f"answer does not match {_name(schema)}: {exc}") from exc


def convert_answer(provider: str, data: object, schema: type[T]) -> T:
    """Already-parsed JSON (a tool call's input) as a validated ``schema`` value."""
    try:
        return msgspec.convert(data, type=schema)
    except msgspec.ValidationError as exc:
        raise ProviderFailure(provider, f"answer does not match {_name(schema)}: {exc}") from exc


def _name(schema: type[Any]) -> str:
    return getattr(schema, "__name__", repr(schema))


__all__ = ["ProviderSchema", "convert_answer", "decode_answer", "provider_schema"]
