"""Which variant a player is in is a read after their first exposure: on SQLite it does not
queue behind the writers (the event consumers hold the write lock for whole bursts)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from adapters.memory.clock import FixedClock
from adapters.sql.engine import make_engine
from adapters.sql.experiments import SqlExperimentUnitOfWork
from adapters.sql.migrations import upgrade_async
from questlog_core.analytics.experiments import messages as experiments
from questlog_core.analytics.experiments.bootstrap import bootstrap
from questlog_core.kernel.ids import UserId

NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
PLAYER = UserId(UUID(int=42))
NEWCOMER = UserId(UUID(int=43))


async def test_a_known_players_variant_is_answered_while_a_writer_holds_the_database(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'experiments.db'}"
    await upgrade_async(url)
    # A variant request that queued for the write lock would wait this whole busy timeout
    # (and be cut off at 5 s below); one that only reads answers at once.
    engine = make_engine(url, sqlite_busy_timeout_ms=30_000)
    clock = FixedClock(NOW)
    bus = bootstrap(
        writer=lambda: SqlExperimentUnitOfWork(engine, clock),
        reader=lambda: SqlExperimentUnitOfWork(engine, clock).reading(),
    )
    try:
        variants = [experiments.Variant(key="light"), experiments.Variant(key="dark")]
        await bus.handle(
            experiments.DefineExperiment(key="dark-mode", name="Dark", variants=variants, at=NOW)
        )
        await bus.handle(experiments.StartExperiment(key="dark-mode", at=NOW))
        first = await bus.handle(experiments.AssignVariant(user=PLAYER, key="dark-mode", at=NOW))

        async with engine.connect() as writer:
            await writer.begin()  # BEGIN IMMEDIATE: holds the write lock
            async with asyncio.timeout(5):
                again = await bus.handle(
                    experiments.AssignVariant(user=PLAYER, key="dark-mode", at=NOW)
                )
                missing = await bus.handle(
                    experiments.AssignVariant(user=PLAYER, key="no-such-test", at=NOW)
                )
        assert (again.variant, again.exposed_at) == (first.variant, first.exposed_at)
        assert missing.variant is None

        # A newcomer's first exposure is still recorded (a write, once the lock is free).
        newcomer = await bus.handle(
            experiments.AssignVariant(user=NEWCOMER, key="dark-mode", at=NOW)
        )
        summary = await bus.handle(experiments.GetExperimentSummary(key="dark-mode"))
        assert newcomer.variant in {"light", "dark"}
        assert sum(v.exposed for v in summary.variants) == 2
    finally:
        await engine.dispose()
