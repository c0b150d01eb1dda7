"""Contract suite of experiments on memory, SQLite and PostgreSQL.

Experiments go through the use cases, as the HTTP routes and the local assignments port do:
a variant is the same on every backend, an exposure is recorded once (also when requests race),
completions count within the window after exposure, once per event, and the summary adds up
what was stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.experiments import InMemoryExperimentStore, InMemoryExperimentUnitOfWork
from adapters.sql.experiments import SqlExperimentUnitOfWork
from questlog_core.analytics.experiments.model import (
    ExperimentNotFound,
    ExperimentStatus,
    Metric,
    Variant,
    assign,
)
from questlog_core.analytics.experiments.ports import ExperimentUnitOfWork
from questlog_core.analytics.experiments.use_cases import (
    assign_variant,
    count_completion,
    define_experiment,
    experiment_summary,
    list_experiments,
    start_experiment,
    stop_experiment,
)
from questlog_core.errors import InvalidTransition
from questlog_core.kernel.errors import AlreadyExists, ValidationFailed
from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.quests.events import QuestCompleted

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
VARIANTS = [Variant(key="control", weight=1), Variant(key="tips", weight=1)]

MakeUow = Callable[[], ExperimentUnitOfWork]


@pytest.fixture
def make_uow(engine: AsyncEngine | None) -> MakeUow:
    if engine is None:
        store = InMemoryExperimentStore()
        return lambda: InMemoryExperimentUnitOfWork(store)
    return lambda: SqlExperimentUnitOfWork(engine)


async def running(
    make_uow: MakeUow,
    key: str = "onboarding-tips",
    *,
    metric: Metric = Metric.COMPLETION_RATE,
    window_days: int = 7,
    variants: list[Variant] = VARIANTS,
) -> None:
    await define_experiment(
        key=key,
        name="Onboarding tips",
        variants=variants,
        metric=metric,
        window_days=window_days,
        description="Do tips on the first day make people finish a quest?",
        at=T0,
        uow=make_uow(),
    )
    await start_experiment(key, T0, make_uow())


def completed(owner: UserId, at: datetime, event_id: EventId | None = None) -> QuestCompleted:
    return QuestCompleted(
        event_id=event_id or EventId(uuid4()),
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


def user(n: int) -> UserId:
    return UserId(UUID(int=n))


async def test_a_user_gets_the_hashed_variant_and_the_same_one_every_time(
    make_uow: MakeUow,
) -> None:
    await running(make_uow)
    for n in range(1, 30):
        first = await assign_variant(
            user(n), "onboarding-tips", T0 + timedelta(hours=1), make_uow()
        )
        again = await assign_variant(user(n), "onboarding-tips", T0 + timedelta(days=2), make_uow())
        assert first.variant == assign("onboarding-tips", user(n), VARIANTS)
        assert again.variant == first.variant
        # the exposure is the first time, not the latest
        assert again.exposed_at == first.exposed_at == T0 + timedelta(hours=1)


async def test_exposure_is_recorded_once_per_user(make_uow: MakeUow) -> None:
    await running(make_uow)
    for _ in range(3):
        await assign_variant(user(1), "onboarding-tips", T0 + timedelta(hours=1), make_uow())
    await assign_variant(user(2), "onboarding-tips", T0 + timedelta(hours=1), make_uow())
    summary = await experiment_summary("onboarding-tips", make_uow())
    assert sum(v.exposed for v in summary.variants) == 2


async def test_concurrent_first_requests_record_one_exposure(
    make_uow: MakeUow, backend: str
) -> None:
    await running(make_uow)
    answers = await asyncio.gather(
        *(
            assign_variant(user(7), "onboarding-tips", T0 + timedelta(seconds=i), make_uow())
            for i in range(8)
        )
    )
    assert len({a.variant for a in answers}) == 1
    summary = await experiment_summary("onboarding-tips", make_uow())
    assert [v.exposed for v in summary.variants if v.exposed] == [1]
    async with make_uow() as uow:
        stored = await uow.exposures.get("onboarding-tips", user(7))
    assert stored is not None
    assert stored.variant == answers[0].variant


async def test_only_a_running_experiment_assigns_and_exposes(make_uow: MakeUow) -> None:
    assert (await assign_variant(user(1), "nope", T0, make_uow())).variant is None
    await define_experiment(
        key="later",
        name="Later",
        variants=VARIANTS,
        metric=Metric.COMPLETION_RATE,
        window_days=7,
        description="",
        at=T0,
        uow=make_uow(),
    )
    assert (await assign_variant(user(1), "later", T0, make_uow())).variant is None
    await start_experiment("later", T0, make_uow())
    assert (await assign_variant(user(1), "later", T0, make_uow())).variant is not None
    stopped = await stop_experiment("later", T0 + timedelta(days=1), make_uow())
    assert stopped.status is ExperimentStatus.STOPPED
    assert (
        await assign_variant(user(2), "later", T0 + timedelta(days=2), make_uow())
    ).variant is None
    summary = await experiment_summary("later", make_uow())
    assert sum(v.exposed for v in summary.variants) == 1


async def test_life_cycle_and_keys_are_checked(make_uow: MakeUow) -> None:
    await running(make_uow)
    with pytest.raises(AlreadyExists):
        await running(make_uow)
    with pytest.raises(InvalidTransition):
        await start_experiment("onboarding-tips", T0, make_uow())
    await stop_experiment("onboarding-tips", T0, make_uow())
    with pytest.raises(InvalidTransition):
        await stop_experiment("onboarding-tips", T0, make_uow())
    with pytest.raises(ExperimentNotFound):
        await start_experiment("missing", T0, make_uow())
    with pytest.raises(ValidationFailed):
        await running(make_uow, "two", variants=[Variant(key="a"), Variant(key="a")])
    [only] = await list_experiments(make_uow())
    assert only.key == "onboarding-tips"
    assert only.variants == tuple(VARIANTS)
    assert only.started_at == only.stopped_at == T0


async def test_completions_count_within_the_window_after_exposure_once_per_event(
    make_uow: MakeUow,
) -> None:
    await running(make_uow, window_days=7)
    exposed_at = T0 + timedelta(days=1)
    await assign_variant(user(1), "onboarding-tips", exposed_at, make_uow())
    before = completed(user(1), exposed_at - timedelta(minutes=1))
    inside = completed(user(1), exposed_at + timedelta(days=6, hours=23))
    after = completed(user(1), exposed_at + timedelta(days=7))
    stranger = completed(user(2), exposed_at + timedelta(hours=1))
    assert await count_completion(before, make_uow()) == 0
    assert await count_completion(inside, make_uow()) == 1
    assert await count_completion(inside, make_uow()) == 0  # redelivered: counted once
    assert await count_completion(after, make_uow()) == 0
    assert await count_completion(stranger, make_uow()) == 0
    async with make_uow() as uow:
        exposure = await uow.exposures.get("onboarding-tips", user(1))
    assert exposure is not None
    assert exposure.completions == 1


async def test_summary_adds_up_the_stored_exposures_with_intervals(make_uow: MakeUow) -> None:
    await running(make_uow)
    at = T0 + timedelta(hours=1)
    by_variant: dict[str, list[UserId]] = {"control": [], "tips": []}
    n = 1
    while min(len(v) for v in by_variant.values()) < 10:
        answer = await assign_variant(user(n), "onboarding-tips", at, make_uow())
        assert answer.variant is not None
        by_variant[answer.variant].append(user(n))
        n += 1
    # 3 of control's first 10 complete once; 7 of tips' first 10 complete twice
    for u in by_variant["control"][:3]:
        await count_completion(completed(u, at + timedelta(days=1)), make_uow())
    for u in by_variant["tips"][:7]:
        await count_completion(completed(u, at + timedelta(days=1)), make_uow())
        await count_completion(completed(u, at + timedelta(days=2)), make_uow())
    summary = await experiment_summary("onboarding-tips", make_uow())
    control, tips = summary.variants
    assert (control.variant, control.control, tips.control) == ("control", True, False)
    assert (control.exposed, control.converted, control.completions) == (
        len(by_variant["control"]),
        3,
        3,
    )
    assert (tips.exposed, tips.converted, tips.completions) == (len(by_variant["tips"]), 7, 14)
    assert control.value is not None
    assert tips.value is not None
    assert control.value.estimate == pytest.approx(3 / control.exposed)
    assert control.value.low < control.value.estimate < control.value.high
    assert control.difference is None
    assert tips.difference is not None
    assert tips.difference.estimate == pytest.approx(7 / tips.exposed - 3 / control.exposed)
    assert tips.difference.low < tips.difference.estimate < tips.difference.high


async def test_erasing_a_user_forgets_their_exposures_only(make_uow: MakeUow) -> None:
    await running(make_uow)
    await assign_variant(user(1), "onboarding-tips", T0, make_uow())
    await assign_variant(user(2), "onboarding-tips", T0, make_uow())
    async with make_uow() as uow:
        assert await uow.exposures.erase_user(user(1)) == 1
        await uow.commit()
    async with make_uow() as uow:
        assert await uow.exposures.get("onboarding-tips", user(1)) is None
        assert await uow.exposures.get("onboarding-tips", user(2)) is not None


async def test_completions_per_user_is_a_mean_with_its_interval(make_uow: MakeUow) -> None:
    await running(make_uow, "per-user", metric=Metric.COMPLETIONS_PER_USER)
    at = T0 + timedelta(hours=1)
    per_variant: dict[str, list[int]] = {"control": [], "tips": []}
    for n in range(1, 13):
        answer = await assign_variant(user(n), "per-user", at, make_uow())
        assert answer.variant is not None
        done = n % 4  # 0 to 3 quests each
        per_variant[answer.variant].append(done)
        for k in range(done):
            await count_completion(completed(user(n), at + timedelta(hours=k + 1)), make_uow())
    summary = await experiment_summary("per-user", make_uow())
    for row in summary.variants:
        values = per_variant[row.variant]
        assert row.exposed == len(values)
        assert row.completions == sum(values)
        assert row.converted == sum(1 for v in values if v)
        if len(values) >= 2:
            assert row.value is not None
            assert row.value.estimate == pytest.approx(sum(values) / len(values))
            assert row.value.low <= row.value.estimate <= row.value.high
