"""A thread that sends an actor a message every so often: the workers' periodic jobs.

The streak rollover, the webhook sender and the analytics retention each run as an actor on
their context's queue; a :class:`Ticker` in every worker that consumes that context (and in the
all-in-one's in-process worker) sends it a message every ``interval`` seconds. Several workers
ticking at once is safe: each job takes only what is due, under its own locks or leases.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from adapters.outages import as_outage

log = logging.getLogger(__name__)


@contextmanager
def outage_skips_the_tick(job: str) -> Iterator[None]:
    """Around a periodic job's run: a database or cache outage skips this run with one warning
    line (the next tick is the retry, and the job left everything due), not a traceback; any
    other error propagates."""
    try:
        yield
    except Exception as exc:
        outage = as_outage(exc)
        if outage is None:
            raise
        log.warning("%s: %s (%s); the next tick tries again", job, outage, type(exc).__name__)


class Ticker:
    """Sends ``actor`` a message every ``interval`` seconds (the first at once) until stopped;
    ``what`` names the job in the thread's name and in the log."""

    def __init__(self, actor: Any, interval: float, what: str) -> None:
        self._actor = actor
        self._interval = interval
        self._what = what
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._tick, name=f"questlog-{what.replace(' ', '-')}-ticker", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def _tick(self) -> None:
        while not self._stopped.is_set():
            try:
                self._actor.send()
            except Exception as exc:  # a broker outage: the next tick tries again
                log.warning("could not schedule the %s: %r", self._what, exc)
            self._stopped.wait(self._interval)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout)


__all__ = ["Ticker", "outage_skips_the_tick"]
