"""Request and response bodies of the experiment routes; the constraints here are the ones
the OpenAPI document publishes (the domain checks them again)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from questlog_core.analytics.experiments.messages import (
    KEY_PATTERN,
    MAX_VARIANTS,
    MAX_WEIGHT,
    MAX_WINDOW_DAYS,
    Assignment,
    Experiment,
    ExperimentStatus,
    ExperimentSummary,
    Interval,
    Metric,
    Variant,
    VariantSummary,
)

Key = Annotated[str, msgspec.Meta(pattern=KEY_PATTERN, max_length=64)]


class VariantIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One variant: users fall into it in proportion to ``weight``."""

    key: Key
    weight: Annotated[int, msgspec.Meta(ge=1, le=MAX_WEIGHT)] = 1


class ExperimentIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A new experiment, created as a draft. The first variant is the control."""

    key: Key
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    variants: Annotated[list[VariantIn], msgspec.Meta(min_length=2, max_length=MAX_VARIANTS)]
    metric: Metric = Metric.COMPLETION_RATE
    window_days: Annotated[int, msgspec.Meta(ge=1, le=MAX_WINDOW_DAYS)] = 7
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""

    def variants_of(self) -> list[Variant]:
        return [Variant(key=v.key, weight=v.weight) for v in self.variants]


class VariantOut(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    weight: int


class ExperimentOut(msgspec.Struct, frozen=True, kw_only=True):
    """An experiment: its variants (``control`` first), metric, window and life cycle."""

    key: str
    name: str
    description: str
    status: ExperimentStatus
    metric: Metric
    window_days: int
    control: str
    variants: list[VariantOut]
    created_at: datetime
    started_at: datetime | None
    stopped_at: datetime | None

    @classmethod
    def from_domain(cls, e: Experiment) -> ExperimentOut:
        return cls(
            key=e.key,
            name=e.name,
            description=e.description,
            status=e.status,
            metric=e.metric,
            window_days=e.window_days,
            control=e.control,
            variants=[VariantOut(key=v.key, weight=v.weight) for v in e.variants],
            created_at=e.created_at,
            started_at=e.started_at,
            stopped_at=e.stopped_at,
        )


class ExperimentsOut(msgspec.Struct, frozen=True, kw_only=True):
    """Every experiment, newest first."""

    items: list[ExperimentOut]


class AssignmentOut(msgspec.Struct, frozen=True, kw_only=True):
    """The caller's variant; ``null`` when the experiment is not running (unknown, draft or
    stopped): behave as without it. ``exposed_at`` is the caller's first exposure."""

    experiment: str
    variant: str | None
    exposed_at: datetime | None

    @classmethod
    def from_domain(cls, a: Assignment) -> AssignmentOut:
        return cls(experiment=a.experiment, variant=a.variant, exposed_at=a.exposed_at)


class IntervalOut(msgspec.Struct, frozen=True, kw_only=True):
    """A point estimate and its confidence interval."""

    estimate: float
    low: float
    high: float

    @classmethod
    def of(cls, i: Interval | None) -> IntervalOut | None:
        return None if i is None else cls(estimate=i.estimate, low=i.low, high=i.high)


class VariantSummaryOut(msgspec.Struct, frozen=True, kw_only=True):
    """One variant's figures. ``value``: the metric with its interval; ``difference``: the
    metric minus the control's, with its interval (``null`` for the control, or while there
    are too few users)."""

    variant: str
    weight: int
    control: bool
    exposed: int
    converted: int
    completions: int
    value: IntervalOut | None
    difference: IntervalOut | None

    @classmethod
    def from_domain(cls, v: VariantSummary) -> VariantSummaryOut:
        return cls(
            variant=v.variant,
            weight=v.weight,
            control=v.control,
            exposed=v.exposed,
            converted=v.converted,
            completions=v.completions,
            value=IntervalOut.of(v.value),
            difference=IntervalOut.of(v.difference),
        )


class ExperimentSummaryOut(msgspec.Struct, frozen=True, kw_only=True):
    """The experiment's metric per variant at confidence ``level`` (see docs/analytics.md for
    the formulas)."""

    experiment: ExperimentOut
    metric: Metric
    level: float
    variants: list[VariantSummaryOut]

    @classmethod
    def from_domain(cls, s: ExperimentSummary) -> ExperimentSummaryOut:
        return cls(
            experiment=ExperimentOut.from_domain(s.experiment),
            metric=s.experiment.metric,
            level=s.level,
            variants=[VariantSummaryOut.from_domain(v) for v in s.variants],
        )
