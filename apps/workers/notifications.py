"""The notification dispatcher: the periodic job that sends what fell due.

Every ``QUESTLOG_NOTIFICATION_DISPATCH_SECONDS`` it turns due schedules into notifications
(broadcasts a batch at a time) and attempts the queued emails and pushes that are due
(:func:`~questlog_core.notifications.use_cases.dispatch_due`,
:func:`~questlog_core.notifications.use_cases.deliver_due`). The schedule lives in the
database, so a restart loses nothing, and several dispatchers (workers on several machines)
are safe together: due rows are claimed ``FOR UPDATE SKIP LOCKED`` and deliveries are leased.

It runs in a thread of its own with its own event loop and pool (like the outbox relay), in
``questlog worker notification`` (or ``all``) and in the all-in-one's in-process worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import TYPE_CHECKING

from adapters.outages import as_outage
from apps.container import build_container, close_container
from apps.settings import Settings
from questlog_core.notifications import use_cases as uc

if TYPE_CHECKING:
    from apps.container import Container

log = logging.getLogger(__name__)

#: rounds of one tick, so a burst cannot keep the dispatcher from sleeping (the rest waits
#: for the next tick)
MAX_ROUNDS = 50


async def dispatch_once(container: Container, settings: Settings) -> tuple[int, uc.DeliveryReport]:
    """One tick: schedules due → notifications, then due deliveries → attempts."""
    clock, ids = container.clock(), container.ids()
    made = 0
    for _ in range(MAX_ROUNDS):
        batch = await uc.dispatch_due(
            container.notification_uow(),
            clock,
            ids,
            batch=settings.notification_broadcast_batch,
        )
        made += batch
        if batch == 0:
            break
    total = uc.DeliveryReport()
    outlets = container.notification_outlets()
    for _ in range(MAX_ROUNDS):
        report = await uc.deliver_due(container.notification_uow, outlets, clock, ids)
        total.sent += report.sent
        total.retrying += report.retrying
        total.failed += report.failed
        if report.sent + report.retrying + report.failed == 0:
            break
    return made, total


class NotificationDispatcher:
    """Runs :func:`dispatch_once` every tick in a thread of its own. ``start`` then ``stop``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None

    def start(self) -> None:
        ready = threading.Event()
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._run(ready)),
            name="questlog-notification-dispatcher",
            daemon=True,
        )
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the notification dispatcher did not start")

    async def _run(self, ready: threading.Event) -> None:
        # only the notification service's parts: its units of work and its outlets
        container = build_container(self.settings, ["notification"])
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        ready.set()
        try:
            while not self._stopping.is_set():
                try:
                    made, report = await dispatch_once(container, self.settings)
                    if made or report.sent or report.retrying or report.failed:
                        log.info(
                            "notifications: %d made, %d sent, %d to retry, %d failed",
                            made,
                            report.sent,
                            report.retrying,
                            report.failed,
                        )
                except Exception as exc:
                    outage = as_outage(exc)
                    if outage is None:
                        log.exception("the notification dispatcher failed; trying again")
                    else:
                        log.warning("notification dispatcher: %s; trying again", outage)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._stopping.wait(), self.settings.notification_dispatch_seconds
                    )
        finally:
            await close_container(container)

    def stop(self, timeout: float = 10.0) -> None:
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


__all__ = ["MAX_ROUNDS", "NotificationDispatcher", "dispatch_once"]
