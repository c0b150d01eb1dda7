"""Domain events: immutable facts, versioned by their tag.

Every event is a frozen ``msgspec.Struct`` tagged ``"<area>.<fact>.v<N>"``; a new schema
version is a new class with a new tag, so old and new can travel side by side. All events
carry an id (for idempotent consumers), the moment it happened and the owner it concerns.

The modules here group events by the area that raises them. :func:`event_types` lists every
registered type; :func:`decode_event` turns JSON from the outbox or a broker back into one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import msgspec

from questlog_core.ids import EventId, UserId


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


def event_types() -> dict[str, type[DomainEvent]]:
    """Every registered event type by tag (imports the event modules first)."""
    from questlog_core.events import gamification, identity, quests  # noqa: F401
    from questlog_core.notifications import events as _notifications  # noqa: F401

    return dict(sorted(_REGISTRY.items()))


_encoder = msgspec.json.Encoder()


def encode_event(event: DomainEvent) -> bytes:
    """JSON bytes of an event, including its ``type`` tag."""
    return _encoder.encode(event)


def decode_event(payload: bytes | str) -> DomainEvent:
    """Parse JSON produced by :func:`encode_event` back into its event type.

    Raises ``msgspec.ValidationError`` for an unknown tag or a malformed body.
    """
    types = tuple(event_types().values())
    decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(_union(types))
    result: DomainEvent = decoder.decode(payload)
    return result


def _union(types: tuple[type[DomainEvent], ...]) -> Any:
    from typing import Union

    return Union[types]  # noqa: UP007 - a runtime union of many types


__all__ = ["DomainEvent", "decode_event", "encode_event", "event_types", "register"]
