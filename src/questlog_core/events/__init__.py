"""Every context's domain events, in one registry.

The base of every event (:class:`DomainEvent`) and the registry mechanism live in the kernel
(:mod:`questlog_core.kernel.events`), which imports no context. This module is where the
registry is assembled: :func:`event_types` and :func:`decode_event` first import the events
of every context, so they know all of them. Each context's events live in its own package
(``questlog_core.<context>.events``); the submodules here re-export them under their old
paths.
"""

from __future__ import annotations

from questlog_core.kernel.events import (
    DomainEvent,
    encode_event,
    register,
    registered_types,
)
from questlog_core.kernel.events import decode_event as _decode_registered


def _import_every_context() -> None:
    # Imported on first use, not at module load: a context's model imports its own events
    # module, and this package must not sit on that import path.
    import questlog_core.ai.events
    import questlog_core.gamification.events
    import questlog_core.identity.events
    import questlog_core.notifications.events
    import questlog_core.quests.events  # noqa: F401


def event_types() -> dict[str, type[DomainEvent]]:
    """Every context's event types by tag."""
    _import_every_context()
    return registered_types()


def decode_event(payload: bytes | str) -> DomainEvent:
    """Parse JSON produced by :func:`encode_event` back into its event type (any context's).

    Raises ``msgspec.ValidationError`` for an unknown tag or a malformed body.
    """
    _import_every_context()
    return _decode_registered(payload)


__all__ = ["DomainEvent", "decode_event", "encode_event", "event_types", "register"]
