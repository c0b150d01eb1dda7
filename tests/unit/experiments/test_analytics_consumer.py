"""The analytics consumer counts a completed quest toward the owner's experiment exposure, once
however often the event is delivered."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from apps.container import build_container
from apps.settings import Settings
from apps.workers.consumers import ANALYTICS
from questlog_core.analytics.experiments.messages import (
    DefineExperiment,
    GetExperimentSummary,
    StartExperiment,
    Variant,
)
from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.quests.events import QuestCompleted

T0 = datetime(2026, 12, 6, 12, tzinfo=UTC)


async def test_a_completion_after_exposure_is_counted_once() -> None:
    container = build_container(Settings(database_url="memory://"), ["analytics"])
    experiments = container.experiments_bus()
    await experiments.handle(
        DefineExperiment(
            key="streak-nudge", name="Nudge", variants=[Variant(key="a"), Variant(key="b")], at=T0
        )
    )
    await experiments.handle(StartExperiment(key="streak-nudge", at=T0))
    player = UserId(uuid.uuid4())
    variant = await container.experiment_assignments().variant_for(player, "streak-nudge")
    at = datetime.now(UTC) + timedelta(hours=1)
    event = QuestCompleted(
        event_id=EventId(uuid.uuid4()),
        occurred_at=at,
        owner=player,
        quest_id=QuestId(uuid.uuid4()),
        occurrence=0,
        difficulty="easy",
        priority=2,
        due=None,
        completed_at=at,
        created_at=at,
        on_time=True,
        owner_timezone="UTC",
    )
    bus = ANALYTICS.bus(container)
    await bus.dispatch(event)
    await bus.dispatch(event)  # redelivered
    summary = await experiments.handle(GetExperimentSummary(key="streak-nudge"))
    row = next(v for v in summary.variants if v.variant == variant)
    assert (row.exposed, row.converted, row.completions) == (1, 1, 1)
