"""The message bus: every way into a context goes through it.

Commands and queries (frozen msgspec Structs) go to exactly one handler each, which runs with
a fresh unit of work: a command with one made by ``unit_of_work``, a query (registered with
:meth:`MessageBus.register_query`) with one made by ``reader`` (a read-only unit of work: on
SQLite it takes no write lock). When a command's handler returns, the events its unit of work
committed are dispatched to every subscriber of their type (and to subscribers of
:class:`~questlog_core.kernel.events.DomainEvent`, who see everything). An HTTP controller
builds a command and awaits :meth:`MessageBus.handle`; a worker hands the events it receives
to :meth:`MessageBus.dispatch`. Each context registers its handlers at bootstrap (e.g.
:func:`questlog_core.quests.bootstrap.bootstrap`), with its ports injected there: the bus itself
knows none of them (cosmicpython's ``bootstrap.py``/``messagebus.py``, async).

Two ways events reach subscribers:

* :meth:`MessageBus.publish`, right after a command, in the process that ran it: a convenience
  for reactions inside one process (refresh a cache, log). A subscriber that fails is logged
  and skipped: the command has committed already and must not look failed.
* :meth:`MessageBus.dispatch`, in a worker, for an event that came through the transactional
  outbox and the broker: every subscriber runs and a failure propagates, so the broker
  delivers the event again. Subscribers there are idempotent (each claims the event id in its
  context's inbox in the transaction that applies it), so the ones that had succeeded change
  nothing the second time. A bus may have one **dispatch guard** (:meth:`MessageBus.guard`)
  around all its subscribers: a worker's consumer drops there the events about an account the
  service erased (:func:`questlog_core.moving.erasure.unless_erased`).

Subscribers are registered per context at bootstrap (see ``apps.workers.consumers``), with
their ports (units of work, clock, ids) injected there: the bus itself knows none of them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from questlog_core.kernel.events import DomainEvent

__all__ = ["CommitsEvents", "DispatchGuard", "MessageBus"]

log = logging.getLogger(__name__)


class CommitsEvents(Protocol):
    """What the bus needs of a unit of work: the events its last commit stored."""

    def committed_events(self) -> list[DomainEvent]: ...


U = TypeVar("U", bound=CommitsEvents)
C = TypeVar("C")
E = TypeVar("E", bound=DomainEvent)

#: runs around :meth:`MessageBus.dispatch`: given the event and a call that runs its
#: subscribers (returning how many ran), decides whether and how to make that call
DispatchGuard = Callable[[DomainEvent, Callable[[], Awaitable[int]]], Awaitable[int]]


class MessageBus(Generic[U]):
    """Dispatches commands to handlers and committed events to subscribers."""

    def __init__(
        self,
        unit_of_work: Callable[[], U] | None = None,
        *,
        reader: Callable[[], U] | None = None,
    ) -> None:
        """``unit_of_work`` makes a fresh unit of work for each command (a bus that only
        dispatches events, as in a worker, needs none); ``reader`` one for each query (the
        writing one when not given)."""
        self._unit_of_work = unit_of_work
        self._reader = reader
        self._handlers: dict[type[Any], Callable[[Any, U], Awaitable[Any]]] = {}
        self._queries: set[type[Any]] = set()
        self._subscribers: dict[type[Any], list[Callable[[Any], Awaitable[None]]]] = {}
        self._guard: DispatchGuard | None = None

    def register(self, command_type: type[C], handler: Callable[[C, U], Awaitable[Any]]) -> None:
        """Route ``command_type`` to ``handler`` (one handler per command type).

        Raises:
            ValueError: the command type has a handler already.
        """
        if command_type in self._handlers:
            raise ValueError(f"{command_type.__name__} has a handler already")
        self._handlers[command_type] = handler

    def register_query(
        self, query_type: type[C], handler: Callable[[C, U], Awaitable[Any]]
    ) -> None:
        """Route ``query_type`` to ``handler``, which gets a read-only unit of work.

        Raises:
            ValueError: the query type has a handler already.
        """
        self.register(query_type, handler)
        self._queries.add(query_type)

    def handles(self, message_type: type[Any]) -> bool:
        """Whether a handler is registered for ``message_type``."""
        return message_type in self._handlers

    def subscribe(self, event_type: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        """Call ``handler`` with every committed event of ``event_type`` (or a subclass)."""
        self._subscribers.setdefault(event_type, []).append(handler)

    def guard(self, guard: DispatchGuard) -> None:
        """Run every :meth:`dispatch` through ``guard`` (one per bus).

        Raises:
            ValueError: the bus has a guard already.
        """
        if self._guard is not None:
            raise ValueError("the bus has a dispatch guard already")
        self._guard = guard

    async def handle(self, command: object) -> Any:
        """Run the command's (or query's) handler, then dispatch the events it committed.

        Raises:
            LookupError: no handler is registered for the command's type.
        """
        handler = self._handlers.get(type(command))
        if handler is None or self._unit_of_work is None:
            raise LookupError(f"no handler for {type(command).__name__}")
        if type(command) in self._queries:
            return await handler(command, (self._reader or self._unit_of_work)())
        uow = self._unit_of_work()
        result = await handler(command, uow)
        await self.publish(uow.committed_events())
        return result

    def subscribed_types(self) -> list[type[DomainEvent]]:
        """The event types someone subscribed to, in subscription order."""
        return [t for t in self._subscribers if issubclass(t, DomainEvent)]

    async def dispatch(self, event: DomainEvent) -> int:
        """Run every subscriber of ``event`` in order; returns how many ran.

        Unlike :meth:`publish`, a failing subscriber's error propagates (after the others
        ran), so a broker redelivers the event. With a :meth:`guard`, the guard decides
        whether they run (0 when it dropped the event).
        """
        if self._guard is not None:
            return await self._guard(event, lambda: self._run_subscribers(event))
        return await self._run_subscribers(event)

    async def _run_subscribers(self, event: DomainEvent) -> int:
        failures: list[Exception] = []
        ran = 0
        for event_type in type(event).__mro__:
            for subscriber in self._subscribers.get(event_type, ()):
                ran += 1
                try:
                    await subscriber(event)
                except Exception as exc:
                    failures.append(exc)
        if len(failures) == 1:
            raise failures[0]
        if failures:
            raise ExceptionGroup(f"{len(failures)} subscribers failed", failures)
        return ran

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
