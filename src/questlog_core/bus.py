"""A small in-process message bus.

Commands go to exactly one handler, which runs with a fresh unit of work; when it returns, the
events that unit of work committed are dispatched to every subscriber of their type (and to
subscribers of :class:`~questlog_core.events.DomainEvent`, who see everything).

In-process dispatch is a convenience for reactions inside one process (refresh a cache, log).
Durable, cross-service delivery goes through the transactional outbox instead, so a subscriber
that fails is logged and skipped: the command has committed already and must not look failed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from questlog_core.events import DomainEvent

__all__ = ["CommitsEvents", "MessageBus"]

log = logging.getLogger(__name__)


class CommitsEvents(Protocol):
    """What the bus needs of a unit of work: the events its last commit stored."""

    def committed_events(self) -> list[DomainEvent]: ...


U = TypeVar("U", bound=CommitsEvents)
C = TypeVar("C")
E = TypeVar("E", bound=DomainEvent)


class MessageBus(Generic[U]):
    """Dispatches commands to handlers and committed events to subscribers."""

    def __init__(self, unit_of_work: Callable[[], U]) -> None:
        """``unit_of_work`` makes a fresh unit of work for each command."""
        self._unit_of_work = unit_of_work
        self._handlers: dict[type[Any], Callable[[Any, U], Awaitable[Any]]] = {}
        self._subscribers: dict[type[Any], list[Callable[[Any], Awaitable[None]]]] = {}

    def register(self, command_type: type[C], handler: Callable[[C, U], Awaitable[Any]]) -> None:
        """Route ``command_type`` to ``handler`` (one handler per command type).

        Raises:
            ValueError: the command type has a handler already.
        """
        if command_type in self._handlers:
            raise ValueError(f"{command_type.__name__} has a handler already")
        self._handlers[command_type] = handler

    def subscribe(self, event_type: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        """Call ``handler`` with every committed event of ``event_type`` (or a subclass)."""
        self._subscribers.setdefault(event_type, []).append(handler)

    async def handle(self, command: object) -> Any:
        """Run the command's handler, then dispatch the events it committed.

        Raises:
            LookupError: no handler is registered for the command's type.
        """
        handler = self._handlers.get(type(command))
        if handler is None:
            raise LookupError(f"no handler for {type(command).__name__}")
        uow = self._unit_of_work()
        result = await handler(command, uow)
        await self.publish(uow.committed_events())
        return result

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        """Dispatch events to their subscribers, in order (also an ``EventPublisher``)."""
        for event in events:
            for event_type in type(event).__mro__:
                for subscriber in self._subscribers.get(event_type, ()):
                    try:
                        await subscriber(event)
                    except Exception:
                        log.exception(
                            "subscriber %r failed on %s %s",
                            subscriber,
                            event.type_name(),
                            event.event_id,
                        )
