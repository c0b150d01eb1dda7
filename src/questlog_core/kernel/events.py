"""Domain events: immutable facts, versioned by their tag.

Every event is a frozen ``msgspec.Struct`` tagged ``"<area>.<fact>.v<N>"``; a new schema
version is a new class with a new tag, so old and new can travel side by side. All events
carry an id (for idempotent consumers), the moment it happened and the owner it concerns.

Each context declares its events in its own ``events`` module and adds them to the registry
with :func:`register`. The kernel imports no context, so :func:`registered_types` lists only
the types whose modules were imported; :mod:`questlog_core.events` imports every context's
events and is the place to ask for all of them. :func:`decode_event` turns JSON from the
outbox or a broker back into a registered type.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import msgspec

from questlog_core.kernel.ids import EventId, UserId


class DomainEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every domain event."""

    event_id: EventId
    occurred_at: datetime
    owner: UserId

    #: The schema version, also carried in the tag. Bump by adding a new class.
    schema_version: ClassVar[int] = 1

    @classmethod
    def type_name(cls) -> str:
        """The tag this event is serialised with (e.g. ``quest.completed.v1``)."""
        tag = cls.__struct_config__.tag
        return str(tag) if tag is not None else cls.__name__


_REGISTRY: dict[str, type[DomainEvent]] = {}


def register(cls: type[DomainEvent]) -> type[DomainEvent]:
    """Class decorator adding an event type to the registry (tags must be unique)."""
    name = cls.type_name()
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls:
        raise RuntimeError(f"duplicate event tag {name}: {existing!r} and {cls!r}")
    _REGISTRY[name] = cls
    return cls


def registered_types() -> dict[str, type[DomainEvent]]:
    """The event types registered so far, by tag (those whose modules were imported; see
    :func:`questlog_core.events.event_types` for every context's)."""
    return dict(sorted(_REGISTRY.items()))


_encoder = msgspec.json.Encoder()


def encode_event(event: DomainEvent) -> bytes:
    """JSON bytes of an event, including its ``type`` tag."""
    return _encoder.encode(event)


def decode_event(payload: bytes | str) -> DomainEvent:
    """Parse JSON produced by :func:`encode_event` back into its event type.

    Raises ``msgspec.ValidationError`` for an unknown tag or a malformed body.
    """
    result: DomainEvent = _decoder().decode(payload)
    return result


_decoders: dict[tuple[type[DomainEvent], ...], msgspec.json.Decoder[Any]] = {}


def _decoder() -> msgspec.json.Decoder[Any]:
    """A decoder of every registered type (rebuilt only when a type was registered since)."""
    types = tuple(registered_types().values())
    decoder = _decoders.get(types)
    if decoder is None:
        _decoders.clear()
        decoder = _decoders[types] = msgspec.json.Decoder(_union(types))
    return decoder


def _union(types: tuple[type[DomainEvent], ...]) -> Any:
    from typing import Union

    return Union[types]  # noqa: UP007 - a runtime union of many types


__all__ = [
    "DomainEvent",
    "decode_event",
    "encode_event",
    "register",
    "registered_types",
]
