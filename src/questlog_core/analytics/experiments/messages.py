"""Experiments' commands and queries as messages for the bus, and the handler of each.

Defining, starting and stopping an experiment and assigning a variant (which records the
exposure) are commands; reading an experiment, the list and a summary are queries. The names a
controller needs to build a message or read its answer are re-exported here, so a controller
needs nothing deeper than this module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec

from questlog_core.analytics.experiments.model import (
    KEY_PATTERN,
    MAX_VARIANTS,
    MAX_WEIGHT,
    MAX_WINDOW_DAYS,
    Experiment,
    ExperimentStatus,
    Metric,
    Variant,
)
from questlog_core.analytics.experiments.ports import ExperimentUnitOfWork
from questlog_core.analytics.experiments.stats import Interval
from questlog_core.analytics.experiments.use_cases import (
    Assignment,
    ExperimentSummary,
    VariantSummary,
    assign_variant,
    define_experiment,
    experiment_summary,
    get_experiment,
    known_assignment,
    list_experiments,
    start_experiment,
    stop_experiment,
)
from questlog_core.kernel.ids import UserId

__all__ = [
    "KEY_PATTERN",
    "MAX_VARIANTS",
    "MAX_WEIGHT",
    "MAX_WINDOW_DAYS",
    "QUERIES",
    "AssignVariant",
    "Assignment",
    "DefineExperiment",
    "Experiment",
    "ExperimentStatus",
    "ExperimentSummary",
    "GetExperiment",
    "GetExperimentSummary",
    "Interval",
    "ListExperiments",
    "Metric",
    "StartExperiment",
    "StopExperiment",
    "Variant",
    "VariantSummary",
    "handlers",
]


class DefineExperiment(msgspec.Struct, frozen=True, kw_only=True):
    """Define a draft experiment (the first variant is the control)."""

    key: str
    name: str
    variants: list[Variant]
    metric: Metric = Metric.COMPLETION_RATE
    window_days: int = 7
    description: str = ""
    at: datetime


class StartExperiment(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    at: datetime


class StopExperiment(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    at: datetime


class AssignVariant(msgspec.Struct, frozen=True, kw_only=True):
    """Which variant ``user`` is in, recording their exposure at ``at`` the first time."""

    user: UserId
    key: str
    at: datetime


class GetExperiment(msgspec.Struct, frozen=True, kw_only=True):
    key: str


class ListExperiments(msgspec.Struct, frozen=True, kw_only=True):
    pass


class GetExperimentSummary(msgspec.Struct, frozen=True, kw_only=True):
    key: str


#: the experiment messages that only read
QUERIES: frozenset[type[msgspec.Struct]] = frozenset(
    {GetExperiment, ListExperiments, GetExperimentSummary}
)

Handler = Callable[[Any, ExperimentUnitOfWork], Awaitable[Any]]


def handlers(
    reader: Callable[[], ExperimentUnitOfWork] | None = None,
) -> dict[type[msgspec.Struct], Handler]:
    """Every experiment message mapped to its use case. With ``reader`` (read-only units of
    work), :class:`AssignVariant` first reads (:func:`~.use_cases.known_assignment`) and
    opens its writing unit of work only for a user's first exposure."""

    async def define(c: DefineExperiment, uow: ExperimentUnitOfWork) -> Experiment:
        return await define_experiment(
            key=c.key,
            name=c.name,
            variants=c.variants,
            metric=c.metric,
            window_days=c.window_days,
            description=c.description,
            at=c.at,
            uow=uow,
        )

    async def start(c: StartExperiment, uow: ExperimentUnitOfWork) -> Experiment:
        return await start_experiment(c.key, c.at, uow)

    async def stop(c: StopExperiment, uow: ExperimentUnitOfWork) -> Experiment:
        return await stop_experiment(c.key, c.at, uow)

    async def assign(c: AssignVariant, uow: ExperimentUnitOfWork) -> Assignment:
        if reader is not None:
            known = await known_assignment(c.user, c.key, reader())
            if known is not None:
                return known
        return await assign_variant(c.user, c.key, c.at, uow)

    async def get(q: GetExperiment, uow: ExperimentUnitOfWork) -> Experiment:
        return await get_experiment(q.key, uow)

    async def list_all(q: ListExperiments, uow: ExperimentUnitOfWork) -> list[Experiment]:
        return await list_experiments(uow)

    async def summary(q: GetExperimentSummary, uow: ExperimentUnitOfWork) -> ExperimentSummary:
        return await experiment_summary(q.key, uow)

    return {
        DefineExperiment: define,
        StartExperiment: start,
        StopExperiment: stop,
        AssignVariant: assign,
        GetExperiment: get,
        ListExperiments: list_all,
        GetExperimentSummary: summary,
    }
