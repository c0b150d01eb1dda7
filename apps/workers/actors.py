"""The consumers' Dramatiq actors, declared on a given broker (never at import).

One actor per consuming context, ``<context>.events`` on queue ``<prefix>_<context>``: it
decodes the event and dispatches it on the context's message bus (:mod:`apps.workers.consumers`).
A message the relay filled with a burst of events (see :mod:`adapters.messaging.dramatiq`) is
applied in one shared transaction (:mod:`adapters.sql.shared_transaction`), event by event in
order; an event whose handlers fail there is taken back alone (its savepoint) and sent again
in a message of its own once the others committed, so it gets the usual retries and, after
the last, a dead letter of its own, and never holds the rest of the burst back.
Every actor sets its retries, backoff and time limit explicitly (Dramatiq's defaults are 20
retries and 10 minutes). A message whose last retry failed is recorded as a dead letter
(:class:`DeadLetterRecorder`) for ``questlog dead-letters``. The request id in the message's
options is set again around the consumer, so what it writes carries it on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from adapters import tracing
from adapters.messaging.dramatiq import Route
from adapters.outages import as_outage
from adapters.sql.dead_letters import DeadLetter, SqlDeadLetters
from adapters.sql.shared_transaction import shared_transaction
from apps.settings import Settings
from apps.workers.broker import queue_name
from apps.workers.consumers import consumers_of
from questlog_core.bus import MessageBus
from questlog_core.events import DomainEvent, decode_event

if TYPE_CHECKING:
    from apps.container import Container

log = logging.getLogger(__name__)

#: the longest one transaction of a burst runs before it commits and lets other writers in
BURST_HOLD_SECONDS = 0.02

#: first and longest pause between retries (exponential with jitter in between)
MIN_BACKOFF_MS = 500
MAX_BACKOFF_MS = 30_000


def actor_name(context: str) -> str:
    """The actor that takes ``context``'s events."""
    return f"{context}.events"


def routes(settings: Settings) -> Callable[[str], list[Route]]:
    """The relay's routing: event type → the queue and actor of each consuming context."""

    known: dict[str, list[Route]] = {}  # the registry does not change while a relay runs

    def of(event_type: str) -> list[Route]:
        found = known.get(event_type)
        if found is None:
            found = known[event_type] = [
                Route(queue_name(settings, c.context), actor_name(c.context))
                for c in consumers_of(event_type)
            ]
        return found

    return of


def run_on_worker_loop(coroutine: Any) -> Any:
    """Run ``coroutine`` on the worker's event loop (the AsyncIO middleware's) and wait."""
    from dramatiq.asyncio import get_event_loop_thread

    loop_thread = get_event_loop_thread()
    if loop_thread is None:
        raise RuntimeError("the AsyncIO middleware is not running (see apps.workers.broker)")
    return loop_thread.run_coroutine(coroutine)


async def _still_usable(connection: Any) -> bool:
    """Whether the shared transaction still takes statements (PostgreSQL refuses every one
    after an error outside a savepoint, until a rollback)."""
    try:
        await connection.exec_driver_sql("SELECT 1")
    except Exception:
        return False
    return True


def _consume(
    context: str, bus: MessageBus[Any], container: Container, broker: Any
) -> Callable[..., None]:
    async def handle(payload: str, request_id: str | None) -> None:
        # Runs in its own task on the worker's event loop: the request id set here is this
        # message's alone.
        tracing.request_id.set(request_id)
        event = decode_event(payload)
        ran = await bus.dispatch(event)
        log.debug("%s handled %s %s (%d handlers)", context, event.type_name(), event.event_id, ran)

    async def handle_burst(payloads: tuple[str, ...], request_ids: list[Any]) -> list[int]:
        """Apply ``payloads`` in one shared transaction; returns the positions of those that
        failed (taken back, to be sent again alone)."""
        engine = container.engine()
        assert engine is not None  # a worker runs on a SQL database
        failed: list[int] = []
        events: list[tuple[int, DomainEvent]] = []
        for position, payload in enumerate(payloads):
            try:
                events.append((position, decode_event(payload)))
            except (msgspec.DecodeError, msgspec.ValidationError):
                failed.append(position)  # alone, it goes straight to the dead letters
        # Each owner's events together (in their order), owners in one order: two bursts of
        # one consumer running at once (PostgreSQL; several worker threads or processes),
        # each holding rows of several players to its end, then never wait in a cycle.
        events.sort(key=lambda item: item[1].owner)
        loop = asyncio.get_running_loop()
        left = iter(events)
        event = next(left, None)
        while event is not None:
            # A transaction holds SQLite's one writer lock while it runs: it commits after
            # BURST_HOLD_SECONDS and the rest of the burst queues again, so requests waiting
            # to write get their turn in between.
            async with shared_transaction(engine) as shared:
                until = loop.time() + BURST_HOLD_SECONDS
                while event is not None:
                    position, current = event
                    tracing.request_id.set(request_ids[position])
                    try:
                        await bus.dispatch(current)
                    except Exception as exc:
                        if as_outage(exc) is not None:
                            raise  # the database or cache is down: the whole burst waits
                        if not await _still_usable(shared.connection):
                            # It failed outside its savepoint (a read) and PostgreSQL has
                            # aborted the transaction: committing would silently keep
                            # nothing, so the whole burst fails and is retried instead.
                            raise
                        log.warning(
                            "%s: %s %s of a burst of %d failed (%r); sending it again alone",
                            context,
                            current.type_name(),
                            current.event_id,
                            len(payloads),
                            exc,
                        )
                        failed.append(position)
                    event = next(left, None)
                    if loop.time() >= until:
                        break
        return failed

    def send_again_alone(message: Any, payloads: tuple[str, ...], failed: list[int]) -> None:
        import dramatiq

        unknown = [None] * len(payloads)
        ids = message.options.get("event_ids") or unknown
        types = message.options.get("event_types") or unknown
        request_ids = message.options.get("request_ids") or unknown
        for position in failed:
            alone: dict[str, Any] = {}
            for key, values in (
                ("event_id", ids),
                ("event_type", types),
                ("request_id", request_ids),
            ):
                if values[position] is not None:
                    alone[key] = values[position]
            again: Any = dramatiq.Message(
                queue_name=message.queue_name,
                actor_name=message.actor_name,
                args=(payloads[position],),
                kwargs={},
                options=alone,
            )
            broker.enqueue(again, delay=MIN_BACKOFF_MS)

    def consume(*payloads: str) -> None:
        from dramatiq import Retry
        from dramatiq.middleware import CurrentMessage

        message = CurrentMessage.get_current_message()
        options = {} if message is None else message.options
        try:
            if len(payloads) == 1:
                run_on_worker_loop(handle(payloads[0], options.get("request_id")))
            else:
                request_ids = options.get("request_ids") or [None] * len(payloads)
                failed = run_on_worker_loop(handle_burst(payloads, request_ids))
                if failed:
                    send_again_alone(message, payloads, failed)
        except Exception as exc:
            outage = as_outage(exc)
            if outage is None:
                raise
            # A database or cache outage is expected and passing: one line, not a traceback;
            # the retry counts like any other (dead letter after the last one).
            log.warning("%s: %s (%s); retrying", context, outage, type(exc).__name__)
            raise Retry(str(outage)) from exc

    consume.__name__ = f"consume_{context}_events"
    return consume


def declare_actors(
    broker: Any, settings: Settings, container: Container, contexts: Iterable[str]
) -> dict[str, Any]:
    """Declare the actors of ``contexts`` on ``broker``; returns them by context."""
    import dramatiq

    from apps.services import consumers

    by_service = consumers()
    actors: dict[str, Any] = {}
    for context in contexts:
        consumer = by_service[context]
        declare = dramatiq.actor(
            broker=broker,
            actor_name=actor_name(context),
            queue_name=queue_name(settings, context),
            max_retries=settings.worker_max_retries,
            min_backoff=MIN_BACKOFF_MS,
            max_backoff=MAX_BACKOFF_MS,
            time_limit=settings.worker_time_limit_seconds * 1000,
            # A message that does not decode will never decode: no retries, straight to the
            # dead letters.
            throws=(msgspec.DecodeError, msgspec.ValidationError),
        )
        actors[context] = declare(_consume(context, consumer.bus(container), container, broker))
    return actors


def _context_of(actor: str) -> str | None:
    from apps.services import consumers

    context = actor.removesuffix(".events")
    return context if context in consumers() and context != actor else None


def dead_letter_recorder(store: SqlDeadLetters) -> Any:
    """Middleware that keeps every message whose last retry failed (add it *before* Retries:
    Dramatiq runs "after" hooks in reverse order)."""
    from dramatiq.middleware import Middleware

    class DeadLetterRecorder(Middleware):
        def after_process_message(
            self,
            broker: Any,
            message: Any,
            *,
            result: Any = None,
            exception: BaseException | None = None,
        ) -> None:
            if exception is None or not message.failed:
                return
            context = _context_of(message.actor_name)
            if context is None:
                return
            event_id = message.options.get("event_id")
            event_type = message.options.get("event_type")
            burst = message.options.get("event_types")
            if event_type is None and burst:
                # a burst that failed as a whole (its events are in the message)
                event_type = f"{len(burst)} events: {', '.join(sorted(set(burst)))}"[:120]
            letter = DeadLetter(
                service=context,
                message_id=message.message_id,
                queue_name=message.queue_name,
                actor_name=message.actor_name,
                event_id=UUID(event_id) if event_id else None,
                event_type=event_type,
                message=message.encode().decode(),
                error=repr(exception)[:2000],
                failed_at=datetime.now(UTC),
            )
            try:
                run_on_worker_loop(store.add(letter))
                log.error(
                    "%s gave up on %s after its retries: %r (kept as a dead letter)",
                    message.actor_name,
                    message.message_id,
                    exception,
                )
            except Exception:
                log.exception("could not keep dead letter %s", message.message_id)

    return DeadLetterRecorder()


__all__ = [
    "BURST_HOLD_SECONDS",
    "MAX_BACKOFF_MS",
    "MIN_BACKOFF_MS",
    "actor_name",
    "dead_letter_recorder",
    "declare_actors",
    "routes",
    "run_on_worker_loop",
]
