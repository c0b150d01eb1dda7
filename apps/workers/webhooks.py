"""The webhook sender: the actor that attempts the webhook deliveries that fell due.

The integrations consumer turns events into deliveries (due at once) in the transaction that
claims them (:func:`questlog_core.integrations.use_cases.queue_deliveries`). The actor
``integrations.send_webhooks`` sends what is due (:func:`send_webhooks_due`): it leases a batch,
checks and resolves each URL anew, POSTs the signed body with httpx and records the attempt;
failures come back on the schedule of :data:`questlog_core.integrations.webhooks.RETRY_DELAYS`.
A :class:`~apps.workers.ticker.Ticker` sends the actor a message every
``QUESTLOG_WEBHOOK_SEND_SECONDS`` from each worker that consumes the integrations events and
from the all-in-one's in-process worker.
Several senders are safe together: a delivery is leased (its due time moved past the attempt's
timeout) before it is tried.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from apps.settings import Settings
from apps.workers.actors import run_on_worker_loop
from apps.workers.broker import queue_name
from apps.workers.ticker import outage_skips_the_tick
from questlog_core.integrations.use_cases import SendReport, send_due

if TYPE_CHECKING:
    from apps.container import Container

log = logging.getLogger(__name__)

#: the actor that sends the webhook deliveries that fell due
SEND_WEBHOOKS = "integrations.send_webhooks"
#: deliveries per batch, and batches per run (the rest waits for the next tick)
BATCH = 20
MAX_BATCHES = 10


async def send_webhooks_due(container: Container, settings: Settings) -> SendReport:
    """Send every webhook delivery that is due (up to :data:`MAX_BATCHES` batches)."""
    total = SendReport()
    # a leased delivery is not taken by another sender until its attempt has surely ended
    lease = timedelta(seconds=settings.webhook_timeout_seconds * 2 + 30)
    for _ in range(MAX_BATCHES):
        report = await send_due(
            container.integrations_uow,
            container.webhook_resolver(),
            container.webhook_sender(),
            container.clock(),
            policy=container.webhook_policy(),
            lease=lease,
            limit=BATCH,
        )
        total.delivered += report.delivered
        total.retrying += report.retrying
        total.failed += report.failed
        if report.total < BATCH:
            break
    if total.total:
        log.info(
            "webhooks: %d delivered, %d to retry, %d failed",
            total.delivered,
            total.retrying,
            total.failed,
        )
    return total


def declare_send_webhooks_actor(broker: Any, settings: Settings, container: Container) -> Any:
    """Declare ``integrations.send_webhooks`` on ``broker`` (on the integrations queue)."""
    import dramatiq

    def send_webhooks() -> None:
        with outage_skips_the_tick(SEND_WEBHOOKS):
            run_on_worker_loop(send_webhooks_due(container, settings))

    return dramatiq.actor(
        broker=broker,
        actor_name=SEND_WEBHOOKS,
        queue_name=queue_name(settings, "integrations"),
        # the next tick is the retry: a failed run leaves everything due
        max_retries=0,
        time_limit=settings.worker_time_limit_seconds * 1000,
    )(send_webhooks)


__all__ = [
    "SEND_WEBHOOKS",
    "declare_send_webhooks_actor",
    "send_webhooks_due",
]
