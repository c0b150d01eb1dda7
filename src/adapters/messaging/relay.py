"""The outbox relay: publishes committed events at least once, in order, and marks them.

One :class:`OutboxRelay` drains any number of services' outboxes (:class:`SqlOutbox`) into one
publisher. It sleeps until woken (:meth:`OutboxRelay.wake`: called at commit in this process,
or by PostgreSQL's ``NOTIFY`` through :class:`~adapters.sql.messaging.OutboxListener`), with a
slow poll as a safety net for wake-ups that never came (another process on SQLite, a listener
reconnecting). Rows published longer ago than the retention are deleted now and then.

State lives only in the outbox rows (``published_at``), so a relay that dies and restarts
starts where the committed stamps say; a batch published but not yet stamped is published
again, and the consumers' inboxes drop the copies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from adapters.sql.messaging import SqlOutbox
from questlog_core.ports.messaging import OutboxRecord
from questlog_core.ports.platform import Clock

log = logging.getLogger(__name__)


class RecordPublisher(Protocol):
    """Sends committed outbox records on (e.g. to a broker); raising leaves them unpublished."""

    async def publish(self, records: Sequence[OutboxRecord]) -> None: ...


class OutboxRelay:
    """Drains outboxes into a publisher whenever woken (see the module docstring)."""

    def __init__(
        self,
        outboxes: Sequence[SqlOutbox],
        publisher: RecordPublisher,
        clock: Clock,
        *,
        batch_size: int = 200,
        poll_interval: timedelta = timedelta(seconds=5),
        retention: timedelta = timedelta(days=7),
        prune_every: timedelta = timedelta(minutes=10),
        error_pause: timedelta = timedelta(seconds=1),
    ) -> None:
        self._outboxes = list(outboxes)
        self._publisher = publisher
        self._clock = clock
        self._batch_size = batch_size
        self._poll = poll_interval.total_seconds()
        self._retention = retention
        self._prune_every = prune_every
        self._error_pause = error_pause.total_seconds()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._woken = asyncio.Event()
        # Which outboxes were written since the last drain ("*": all), and whether a wake-up
        # is already on its way to the loop: a burst of commits costs one cross-thread
        # wake-up and one drain of the outboxes it touched, not one of every outbox per commit.
        self._wake_mutex = threading.Lock()
        self._dirty: set[str] = set()
        self._wake_pending = False
        self._last_prune = None if not self._outboxes else clock.now() - prune_every
        #: events published since start (for logs and tests)
        self.published = 0

    @property
    def services(self) -> list[str]:
        """The services whose outboxes this relay drains."""
        return [o.service for o in self._outboxes]

    def wake(self, service: str = "*") -> None:
        """Drain soon (thread-safe; ``service`` is informational). Before :meth:`run` starts,
        a no-op: the first drain happens anyway."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with self._wake_mutex:
            self._dirty.add(service)
            if self._wake_pending:
                return
            self._wake_pending = True
        loop.call_soon_threadsafe(self._woken.set)

    def _take_dirty(self) -> set[str] | None:
        """The services woken for since the last call (``None``: every one)."""
        with self._wake_mutex:
            dirty, self._dirty = self._dirty, set()
            self._wake_pending = False
        # A name no outbox here has (a NOTIFY payload of another version...) drains every one.
        return dirty if dirty <= set(self.services) else None

    async def drain(self, services: set[str] | None = None) -> int:
        """Publish everything committed so far, outbox by outbox (only those of ``services``
        when given); returns how many events."""
        moved = 0
        for outbox in self._outboxes:
            if services is not None and outbox.service not in services:
                continue
            while True:
                n = await outbox.relay(self._publisher.publish, limit=self._batch_size)
                moved += n
                if n < self._batch_size:
                    break
        self.published += moved
        return moved

    async def prune(self) -> int:
        """Delete rows published before the retention period; returns how many."""
        before = self._clock.now() - self._retention
        removed = 0
        for outbox in self._outboxes:
            removed += await outbox.prune(before)
        self._last_prune = self._clock.now()
        if removed:
            log.info("outbox relay pruned %d published rows older than %s", removed, before)
        return removed

    async def run(self) -> None:
        """Drain, then wait for a wake-up or the poll, until cancelled. Errors (a broker or
        database down) are logged and retried after a pause; nothing is lost meanwhile."""
        self._loop = asyncio.get_running_loop()
        log.info("outbox relay started for %s", ", ".join(self.services))
        woken = False
        while True:
            self._woken.clear()
            dirty = self._take_dirty()
            try:
                # After a wake-up, the outboxes it named; after the poll, every one.
                await self.drain(dirty if woken else None)
                if self._last_prune is not None and (
                    self._clock.now() - self._last_prune >= self._prune_every
                ):
                    await self.prune()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay could not publish (%s); retrying", exc)
                await asyncio.sleep(self._error_pause)
                woken = False  # the retry drains every outbox
                continue
            woken = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self._poll)
                woken = True


__all__ = ["OutboxRelay", "RecordPublisher"]
