"""Experiments' use cases: define, start and stop an experiment; assign a user to a variant
(recording the exposure once); count a completion toward the exposures it falls in; summarise
an experiment per variant with confidence intervals.

Each takes its ports as arguments and the time as a value, so every rule is deterministic.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from questlog_core.analytics.experiments.model import (
    Experiment,
    ExperimentNotFound,
    ExperimentStatus,
    Exposure,
    Metric,
    Variant,
    VariantTotals,
)
from questlog_core.analytics.experiments.ports import ExperimentUnitOfWork
from questlog_core.analytics.experiments.stats import (
    DEFAULT_LEVEL,
    Interval,
    mean_difference_interval,
    mean_interval,
    rate_difference_interval,
    wilson_interval,
)
from questlog_core.kernel.errors import AlreadyExists
from questlog_core.kernel.ids import EventId, UserId
from questlog_core.quests.events import QuestCompleted

__all__ = [
    "CONSUMER",
    "Assignment",
    "ExperimentSummary",
    "VariantSummary",
    "assign_variant",
    "count_completion",
    "define_experiment",
    "experiment_summary",
    "get_experiment",
    "known_assignment",
    "list_experiments",
    "start_experiment",
    "stop_experiment",
]

#: the inbox consumer name of the completion counter
CONSUMER = "analytics.experiment-completions"


async def define_experiment(
    *,
    key: str,
    name: str,
    variants: list[Variant],
    metric: Metric,
    window_days: int,
    description: str,
    at: datetime,
    uow: ExperimentUnitOfWork,
) -> Experiment:
    """A new draft experiment; ``AlreadyExists`` if the key is taken."""
    experiment = Experiment.define(
        key=key,
        name=name,
        variants=variants,
        metric=metric,
        window_days=window_days,
        at=at,
        description=description,
    )
    async with uow:
        if await uow.experiments.get(key) is not None:
            raise AlreadyExists("experiment", key)
        await uow.experiments.add(experiment)
        await uow.commit()
    return experiment


async def _load(uow: ExperimentUnitOfWork, key: str) -> Experiment:
    experiment = await uow.experiments.get(key)
    if experiment is None:
        raise ExperimentNotFound(key)
    return experiment


async def start_experiment(key: str, at: datetime, uow: ExperimentUnitOfWork) -> Experiment:
    """Start a draft: from now on asking for a variant exposes the user."""
    async with uow:
        experiment = (await _load(uow, key)).start(at)
        await uow.experiments.save(experiment)
        await uow.commit()
    return experiment


async def stop_experiment(key: str, at: datetime, uow: ExperimentUnitOfWork) -> Experiment:
    """Stop a running experiment: nobody else is exposed; completions still count within
    the windows of those who were."""
    async with uow:
        experiment = (await _load(uow, key)).stop(at)
        await uow.experiments.save(experiment)
        await uow.commit()
    return experiment


async def get_experiment(key: str, uow: ExperimentUnitOfWork) -> Experiment:
    async with uow:
        return await _load(uow, key)


async def list_experiments(uow: ExperimentUnitOfWork) -> list[Experiment]:
    async with uow:
        return await uow.experiments.list()


class Assignment(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to "which variant am I in": ``variant`` is ``None`` unless the experiment
    runs; ``exposed_at`` is when the user was first exposed."""

    experiment: str
    variant: str | None
    exposed_at: datetime | None = None


async def known_assignment(user: UserId, key: str, uow: ExperimentUnitOfWork) -> Assignment | None:
    """The answer to "which variant am I in" when reading alone can give it: the experiment
    does not run (``variant=None``), or the user was exposed before. ``None``: the first
    exposure is still to be recorded (:func:`assign_variant`).

    Every call after a user's first takes this path, so it needs no write transaction (on
    SQLite, no wait behind the writers)."""
    async with uow:
        experiment = await uow.experiments.get(key)
        if experiment is None or experiment.status is not ExperimentStatus.RUNNING:
            return Assignment(experiment=key, variant=None)
        exposure = await uow.exposures.get(key, user)
    if exposure is None:
        return None
    return Assignment(experiment=key, variant=exposure.variant, exposed_at=exposure.exposed_at)


async def assign_variant(
    user: UserId, key: str, at: datetime, uow: ExperimentUnitOfWork
) -> Assignment:
    """The user's variant of a running experiment, recording the exposure the first time.

    An unknown, draft or stopped experiment answers ``variant=None`` and records nothing: the
    app behaves as without the experiment. The variant is :func:`~.model.assign`'s; the
    exposure log only keeps the first time (a unique key per user and experiment)."""
    async with uow:
        experiment = await uow.experiments.get(key)
        if experiment is None or experiment.status is not ExperimentStatus.RUNNING:
            return Assignment(experiment=key, variant=None)
        exposure = await uow.exposures.expose(
            Exposure(experiment=key, user=user, variant=experiment.variant_of(user), exposed_at=at)
        )
        await uow.commit()
    return Assignment(experiment=key, variant=exposure.variant, exposed_at=exposure.exposed_at)


async def count_completion(event: QuestCompleted, uow: ExperimentUnitOfWork) -> int:
    """Count a completed quest toward each of its owner's exposures whose window holds the
    completion time, once per event (claimed in the inbox in the same transaction); how many
    exposures it counted toward. A reopened quest's completion stays counted."""
    async with uow:
        if not await uow.inbox.claim(CONSUMER, EventId(event.event_id)):
            return 0
        windows = {
            e.key: e.window_days
            for e in await uow.experiments.list()
            if e.status is not ExperimentStatus.DRAFT
        }
        counted = (
            await uow.exposures.count_completion(event.owner, event.completed_at, windows)
            if windows
            else 0
        )
        await uow.commit()
    return counted


class VariantSummary(msgspec.Struct, frozen=True, kw_only=True):
    """One variant's figures: ``value`` is the metric with its interval, ``difference`` the
    metric minus the control's with its interval (``None`` for the control, or when the data
    cannot give an interval yet)."""

    variant: str
    weight: int
    control: bool
    exposed: int
    #: exposed users who completed at least one quest within the window
    converted: int
    #: quests completed within the window by the variant's exposed users
    completions: int
    value: Interval | None
    difference: Interval | None


class ExperimentSummary(msgspec.Struct, frozen=True, kw_only=True):
    """An experiment's metric per variant, at confidence ``level``."""

    experiment: Experiment
    level: float
    variants: list[VariantSummary]


def _value(metric: Metric, t: VariantTotals, level: float) -> Interval | None:
    if metric is Metric.COMPLETION_RATE:
        return wilson_interval(t.converted, t.exposed, level)
    return mean_interval(t.completions, t.completions_squared, t.exposed, level)


def _difference(
    metric: Metric, t: VariantTotals, base: VariantTotals, level: float
) -> Interval | None:
    if metric is Metric.COMPLETION_RATE:
        return rate_difference_interval(t.converted, t.exposed, base.converted, base.exposed, level)
    return mean_difference_interval(
        t.completions,
        t.completions_squared,
        t.exposed,
        base.completions,
        base.completions_squared,
        base.exposed,
        level,
    )


def summarise(
    experiment: Experiment, totals: list[VariantTotals], level: float = DEFAULT_LEVEL
) -> ExperimentSummary:
    """The summary of ``experiment`` from its exposure totals (pure)."""
    by_variant = {t.variant: t for t in totals}
    base = by_variant.get(experiment.control, VariantTotals(variant=experiment.control))
    rows = []
    for variant in experiment.variants:
        t = by_variant.get(variant.key, VariantTotals(variant=variant.key))
        is_control = variant.key == experiment.control
        rows.append(
            VariantSummary(
                variant=variant.key,
                weight=variant.weight,
                control=is_control,
                exposed=t.exposed,
                converted=t.converted,
                completions=t.completions,
                value=_value(experiment.metric, t, level),
                difference=None if is_control else _difference(experiment.metric, t, base, level),
            )
        )
    return ExperimentSummary(experiment=experiment, level=level, variants=rows)


async def experiment_summary(
    key: str, uow: ExperimentUnitOfWork, level: float = DEFAULT_LEVEL
) -> ExperimentSummary:
    """The experiment's metric per variant and each variant's difference from the control."""
    async with uow:
        experiment = await _load(uow, key)
        totals = await uow.exposures.totals(key)
    return summarise(experiment, totals, level)
