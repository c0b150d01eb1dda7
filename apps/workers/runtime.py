"""A worker: the consumers of some contexts and the outbox relay of some services, together.

:class:`EventWorker` runs

* a Dramatiq ``Worker`` over the configured broker, consuming the queues of the chosen
  contexts' actors (:mod:`apps.workers.actors`), with failures after the last retry kept as
  dead letters;
* the streak rollover's ticker (:mod:`apps.workers.schedules`) when it consumes the game's
  events, the webhook sender's (:mod:`apps.workers.webhooks`) when it consumes the
  integrations events, and the analytics retention's (:mod:`apps.workers.retention`) when it
  consumes the analytics events;
* the notification dispatcher (:mod:`apps.workers.notifications`) when the notification
  service is among them;
* the :class:`~adapters.messaging.relay.OutboxRelay` of the chosen services' outboxes, in a
  thread with its own event loop and pool, woken at commit: by ``LISTEN questlog_outbox`` on
  PostgreSQL, and in this process by :func:`~adapters.sql.messaging.on_outbox_commit` (the
  all-in-one on SQLite), with ``QUESTLOG_RELAY_POLL_SECONDS`` as a safety net.

``questlog worker [SERVICE]`` runs one in its own process (the relay runs there, next to the
consumers: one process to deploy and scale; several relays are safe, see
:meth:`~adapters.sql.messaging.SqlOutbox.relay`). The all-in-one runs one inside the server
process with the stub broker (:func:`attach_in_process`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from litestar import Litestar

from adapters.messaging.dramatiq import DramatiqPublisher
from adapters.messaging.relay import OutboxRelay
from adapters.sql.dead_letters import SqlDeadLetters
from adapters.sql.messaging import OutboxListener, SqlOutbox, on_outbox_commit
from apps.container import build_container, close_container, database_kind
from apps.services import consumers, table_groups, with_state
from apps.settings import Settings
from apps.workers.actors import dead_letter_recorder, declare_actors, routes
from apps.workers.broker import configure_broker, queue_name
from apps.workers.notifications import NotificationDispatcher
from apps.workers.retention import RETENTION_TICK_SECONDS, declare_forget_actor
from apps.workers.schedules import declare_roll_over_actor
from apps.workers.ticker import Ticker
from apps.workers.webhooks import declare_send_webhooks_actor
from questlog_core.events.identity import AccountDeleted

if TYPE_CHECKING:
    from apps.container import Container

log = logging.getLogger(__name__)

#: how long an idle consumer waits between polls of a Redis queue (Dramatiq's default: 1 s,
#: which would add up to a second to an event's latency)
CONSUMER_POLL_MS = 100


def services_of(service: str) -> list[str]:
    """The services ``questlog worker SERVICE`` covers (``all``: every one in the registry)."""
    return with_state() if service == "all" else [service]


class EventWorker:
    """Consumers plus relay (see the module docstring). ``start`` then ``stop``."""

    def __init__(self, settings: Settings, services: Sequence[str], *, relay: bool = True) -> None:
        if database_kind(settings.database_url) != "sql":
            raise ValueError("a worker needs a SQL database (the outboxes and inboxes live there)")
        self.settings = settings
        self.services = list(services)
        # Declares the services' tables (their outboxes, inboxes and dead letters).
        self.groups = table_groups(self.services)
        self.contexts = list(consumers(self.services))
        self.with_relay = relay
        self.relay: OutboxRelay | None = None
        self._container: Container | None = None
        self._worker: Any = None
        self._relay_thread: threading.Thread | None = None
        self._relay_loop: asyncio.AbstractEventLoop | None = None
        self._relay_task: asyncio.Task[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tickers: list[Ticker] = []
        self.dispatcher = (
            NotificationDispatcher(settings) if "notification" in self.services else None
        )

    def start(self) -> None:
        """Choose the broker, declare the actors, start consuming and relaying."""
        import dramatiq
        from dramatiq.asyncio import get_event_loop_thread
        from dramatiq.middleware import Retries

        settings = self.settings
        broker = configure_broker(settings)  # before any actor exists
        # Only the parts the consuming services need (none: the relay alone).
        container = self._container = build_container(settings, self.contexts)
        declare_actors(broker, settings, container, self.contexts)
        roll_over = None
        if "gamification" in self.contexts and settings.streak_rollover_seconds > 0:
            roll_over = declare_roll_over_actor(broker, settings, container)
        send_webhooks = None
        if "integrations" in self.contexts and settings.webhook_send_seconds > 0:
            send_webhooks = declare_send_webhooks_actor(broker, settings, container)
        forget_records = None
        if "analytics" in self.contexts and settings.analytics_retention_days > 0:
            forget_records = declare_forget_actor(broker, settings, container)
        engine = container.engine()
        assert engine is not None  # checked in __init__: a SQL database
        # Before Retries in the list: "after" hooks run in reverse, so the recorder sees the
        # message once Retries has decided it failed for good.
        broker.add_middleware(
            dead_letter_recorder(SqlDeadLetters(engine, self.contexts)), before=Retries
        )
        self._worker = dramatiq.Worker(
            broker,
            queues={queue_name(settings, c) for c in self.contexts} or None,
            worker_threads=settings.worker_threads,
            worker_timeout=CONSUMER_POLL_MS,
        )
        self._worker.start()
        loop_thread = get_event_loop_thread()
        assert loop_thread is not None, "the broker's AsyncIO middleware starts the loop"
        self._loop = loop_thread.loop
        if roll_over is not None:
            self._tickers.append(
                Ticker(roll_over, settings.streak_rollover_seconds, "streak rollover")
            )
        if send_webhooks is not None:
            self._tickers.append(
                Ticker(send_webhooks, settings.webhook_send_seconds, "webhook sender")
            )
        if forget_records is not None:
            self._tickers.append(
                Ticker(forget_records, RETENTION_TICK_SECONDS, "analytics retention")
            )
        for ticker in self._tickers:
            ticker.start()
        if self.with_relay:
            self._start_relay(broker)
        if self.dispatcher is not None:
            self.dispatcher.start()
        log.info(
            "worker started: consumers of %s, relay of %s, broker %s",
            ", ".join(self.contexts) or "nothing",
            ", ".join(self.services) if self.with_relay else "nothing",
            settings.broker,
        )

    def _start_relay(self, broker: Any) -> None:
        # Its own thread, event loop and pool: on the consumers' loop it would wait behind
        # every consumer's callbacks, and each event's latency with it.
        ready = threading.Event()
        self._relay_thread = threading.Thread(
            target=lambda: asyncio.run(self._run_relay(broker, ready)),
            name="questlog-outbox-relay",
            daemon=True,
        )
        self._relay_thread.start()
        if not ready.wait(30):
            raise RuntimeError("the outbox relay did not start")

    async def _run_relay(self, broker: Any, ready: threading.Event) -> None:
        settings = self.settings
        container = build_container(settings, [])  # the shared part: engine, clock
        engine = container.engine()
        assert engine is not None
        relay = self.relay = OutboxRelay(
            [SqlOutbox(engine, s, container.clock()) for s in self.services],
            DramatiqPublisher(
                broker,
                routes(settings),
                blocking_client=settings.broker != "stub",
                batch_size=settings.consumer_batch_size,
                # An erasure commits on its own (see apps.workers.consumers).
                alone={AccountDeleted.type_name()},
            ),
            container.clock(),
            poll_interval=timedelta(seconds=settings.relay_poll_seconds),
            retention=timedelta(hours=settings.outbox_retention_hours),
        )
        self._relay_loop = asyncio.get_running_loop()
        self._relay_task = asyncio.current_task()
        stop_waking = on_outbox_commit(engine, relay.wake)
        listener_task = None
        if engine.dialect.name == "postgresql":
            listener = OutboxListener(settings.database_url, relay.wake)
            listener_task = asyncio.create_task(listener.run())
        ready.set()
        try:
            await relay.run()
        except asyncio.CancelledError:
            pass
        finally:
            stop_waking()
            if listener_task is not None:
                listener_task.cancel()
            await close_container(container)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop relaying and dispatching, finish the messages in hand, close the pools."""
        for ticker in self._tickers:
            ticker.stop()
        self._tickers = []
        if self.dispatcher is not None:
            self.dispatcher.stop(timeout)
        relay_loop, relay_task = self._relay_loop, self._relay_task
        if relay_loop is not None and relay_task is not None and not relay_loop.is_closed():
            relay_loop.call_soon_threadsafe(relay_task.cancel)
        if self._relay_thread is not None:
            self._relay_thread.join(timeout)
            self._relay_thread = None
        if self._loop is not None and self._container is not None and self._loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(
                    close_container(self._container), self._loop
                ).result(timeout)
            except Exception:
                log.exception("closing the worker's pools failed")
        if self._worker is not None:
            self._worker.stop(timeout=int(timeout * 1000))
            self._worker = None


def attach_in_process(app: Litestar) -> None:
    """Run an :class:`EventWorker` for every service inside ``app``'s process (the all-in-one
    with the stub broker): started with the app, stopped with it."""
    workers: list[EventWorker] = []

    # Made at each start from the app's settings, so a started app always consumes from the
    # database its state names.
    async def start(started: Litestar) -> None:
        worker = EventWorker(started.state.settings, with_state())
        workers.append(worker)
        await asyncio.to_thread(worker.start)

    async def stop(_: Litestar) -> None:
        while workers:
            await asyncio.to_thread(workers.pop().stop)

    app.on_startup.append(start)
    app.on_shutdown.insert(0, stop)


__all__ = ["CONSUMER_POLL_MS", "EventWorker", "attach_in_process", "services_of"]
