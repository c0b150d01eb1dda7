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
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._woken.set)

    async def drain(self) -> int:
        """Publish everything committed so far, outbox by outbox; returns how many events."""
        moved = 0
        for outbox in self._outboxes:
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
        while True:
            self._woken.clear()
            try:
                await self.drain()
                if self._last_prune is not None and (
                    self._clock.now() - self._last_prune >= self._prune_every
                ):
                    await self.prune()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay could not publish (%s); retrying", exc)
                await asyncio.sleep(self._error_pause)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self._poll)


__all__ = ["OutboxRelay", "RecordPublisher"]
