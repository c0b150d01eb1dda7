"""An A/B test with the core as a library: define an experiment, let an app ask which variant
each player is in through the ``ExperimentAssignments`` port, count their completed quests and
read the per-variant summary with confidence intervals. In memory, deterministic.

Run: ``PYTHONPATH=src python examples/experiment_quickstart.py``
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from adapters.memory.clock import FixedClock
from adapters.memory.experiments import InMemoryExperimentStore, InMemoryExperimentUnitOfWork
from questlog_core.analytics.experiments.assignments import LocalExperimentAssignments
from questlog_core.analytics.experiments.bootstrap import bootstrap
from questlog_core.analytics.experiments.messages import (
    DefineExperiment,
    ExperimentSummary,
    GetExperimentSummary,
    Metric,
    StartExperiment,
    Variant,
)
from questlog_core.analytics.experiments.use_cases import count_completion
from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.quests.events import QuestCompleted

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def completed(owner: UserId, at: datetime) -> QuestCompleted:
    """What the quest service publishes when a player completes a quest."""
    return QuestCompleted(
        event_id=EventId(uuid4()),
        occurred_at=at,
        owner=owner,
        quest_id=QuestId(uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=2,
        due=None,
        completed_at=at,
        created_at=at,
        on_time=True,
        owner_timezone="UTC",
    )


async def main() -> None:
    store = InMemoryExperimentStore()
    bus = bootstrap(writer=lambda: InMemoryExperimentUnitOfWork(store))
    clock = FixedClock(START)
    await bus.handle(
        DefineExperiment(
            key="onboarding-tips",
            name="Tips on the first day",
            variants=[Variant(key="control", weight=1), Variant(key="tips", weight=1)],
            metric=Metric.COMPLETION_RATE,
            window_days=7,
            at=START,
        )
    )
    await bus.handle(StartExperiment(key="onboarding-tips", at=START))

    # The app: show first-day tips to the players in the "tips" variant.
    assignments = LocalExperimentAssignments(bus, clock)
    players = [UserId(UUID(int=n)) for n in range(1, 1001)]
    shown = {p: await assignments.variant_for(p, "onboarding-tips") for p in players}
    again = {p: await assignments.variant_for(p, "onboarding-tips") for p in players}
    print(f"Same variant when asked again: {shown == again}")

    # Their quests: a made-up world where 30 % of control and 40 % of tips players finish one.
    for n, player in enumerate(players, start=1):
        share = 40 if shown[player] == "tips" else 30
        if n % 100 < share:
            event = completed(player, START + timedelta(days=2))
            await count_completion(event, InMemoryExperimentUnitOfWork(store))

    summary: ExperimentSummary = await bus.handle(GetExperimentSummary(key="onboarding-tips"))
    for row in summary.variants:
        assert row.value is not None
        line = (
            f"{row.variant}: {row.converted}/{row.exposed} completed a quest = "
            f"{row.value.estimate:.1%} [{row.value.low:.1%}, {row.value.high:.1%}]"
        )
        if row.difference is not None:
            d = row.difference
            line += f"; vs control {d.estimate:+.1%} [{d.low:+.1%}, {d.high:+.1%}]"
        print(line)


if __name__ == "__main__":
    asyncio.run(main())
