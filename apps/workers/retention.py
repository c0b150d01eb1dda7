"""The retention of product analytics: the actor that forgets recorded events older than
``QUESTLOG_ANALYTICS_RETENTION_DAYS``
(:func:`questlog_core.analytics.recording.forget_old_records`).

A :class:`~apps.workers.ticker.Ticker` sends ``analytics.forget_old_records`` a message every
:data:`RETENTION_TICK_SECONDS` from each worker that consumes the analytics events (and from
the all-in-one's in-process worker); a retention of 0 keeps everything and ticks nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from apps.settings import Settings
from apps.workers.actors import run_on_worker_loop
from apps.workers.broker import queue_name
from apps.workers.ticker import outage_skips_the_tick
from questlog_core.analytics.recording import forget_old_records

if TYPE_CHECKING:
    from apps.container import Container

log = logging.getLogger(__name__)

#: the actor that forgets analytics records past the retention
FORGET_OLD_RECORDS = "analytics.forget_old_records"
#: how often the workers ask for it (a day's records go once their day is past the window)
RETENTION_TICK_SECONDS = 3600.0


async def forget_old_records_due(container: Container, settings: Settings) -> int:
    """Forget the recorded events past the retention; how many went."""
    today = container.clock().now().date()
    forgotten = await forget_old_records(
        container.analytics_uow(), today, settings.analytics_retention_days
    )
    if forgotten:
        log.info(
            "analytics: forgot %d records older than %d days",
            forgotten,
            settings.analytics_retention_days,
        )
    return forgotten


def declare_forget_actor(broker: Any, settings: Settings, container: Container) -> Any:
    """Declare ``analytics.forget_old_records`` on ``broker`` (on the analytics queue)."""
    import dramatiq

    def forget_old_analytics_records() -> None:
        with outage_skips_the_tick(FORGET_OLD_RECORDS):
            run_on_worker_loop(forget_old_records_due(container, settings))

    return dramatiq.actor(
        broker=broker,
        actor_name=FORGET_OLD_RECORDS,
        queue_name=queue_name(settings, "analytics"),
        # the next tick is the retry: a failed run leaves everything to forget
        max_retries=0,
        time_limit=settings.worker_time_limit_seconds * 1000,
    )(forget_old_analytics_records)


__all__ = [
    "FORGET_OLD_RECORDS",
    "RETENTION_TICK_SECONDS",
    "declare_forget_actor",
    "forget_old_records_due",
]
