"""The workers' periodic jobs (streak rollover, webhook sender, analytics retention) meet a
database outage as the event consumers do: one warning line per run, the next tick is the
retry, and no traceback in the log (an operator reads a traceback as a bug)."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from apps.settings import Settings
from apps.workers.retention import FORGET_OLD_RECORDS
from apps.workers.runtime import EventWorker
from apps.workers.schedules import ROLL_OVER_STREAKS
from apps.workers.webhooks import SEND_WEBHOOKS


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once the probe is closed


def test_an_unreachable_database_skips_each_periodic_run_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/questlog"
    settings = Settings(
        database_url=url,
        broker="stub",
        streak_rollover_seconds=0.2,
        webhook_send_seconds=0.2,
        analytics_retention_days=30,
    )
    worker = EventWorker(settings, ["gamification", "integrations", "analytics"], relay=False)
    caplog.set_level(logging.WARNING)
    worker.start()
    try:
        deadline = time.monotonic() + 20
        jobs = (ROLL_OVER_STREAKS, SEND_WEBHOOKS, FORGET_OLD_RECORDS)
        while not all(f"{job}: " in caplog.text for job in jobs):
            assert time.monotonic() < deadline, f"not every job met the outage:\n{caplog.text}"
            time.sleep(0.1)
    finally:
        worker.stop()

    for job in jobs:
        assert f"{job}: the database is unavailable" in caplog.text
        assert "the next tick tries again" in caplog.text
    tracebacks = [r for r in caplog.records if r.exc_info is not None]
    assert tracebacks == [], [r.getMessage() for r in tracebacks]
