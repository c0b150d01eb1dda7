"""``/api/v1/analytics/experiments``: which variant am I in (players), and defining, starting,
stopping and summarising experiments (admins, ``experiments:manage``)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import JSONBody, Parameter

from apps.analytics.experiments import EXPERIMENTS_PATH
from apps.analytics.experiments.dependencies import DEPENDENCIES, ExperimentsBus
from apps.analytics.experiments.schemas import (
    AssignmentOut,
    ExperimentIn,
    ExperimentOut,
    ExperimentsOut,
    ExperimentSummaryOut,
)
from apps.http.dependencies import ClockDep, CurrentUser
from apps.http.permissions import requires
from questlog_core.analytics.experiments.messages import (
    KEY_PATTERN,
    AssignVariant,
    DefineExperiment,
    GetExperiment,
    GetExperimentSummary,
    ListExperiments,
    StartExperiment,
    StopExperiment,
)
from questlog_core.identity.rbac import Permission
from questlog_core.kernel.ids import UserId

KeyParam = Annotated[
    str, Parameter(pattern=KEY_PATTERN, max_length=64, description="the experiment's key")
]


class ExperimentsController(Controller):
    path = EXPERIMENTS_PATH
    tags = ["experiments"]
    dependencies = DEPENDENCIES

    @get("/{key:str}/variant", **requires(Permission.EXPERIMENTS_READ))
    async def variant(
        self, key: KeyParam, user: CurrentUser, bus: ExperimentsBus, clock: ClockDep
    ) -> AssignmentOut:
        """The caller's variant of a running experiment, the same on every call; the first
        call records the caller's exposure (once). ``variant`` is ``null`` when no experiment
        with this key is running: behave as without it."""
        answer = await bus.handle(AssignVariant(user=UserId(user.user_id), key=key, at=clock.now()))
        return AssignmentOut.from_domain(answer)

    @post("/", status_code=201, **requires(Permission.EXPERIMENTS_MANAGE))
    async def define(
        self, data: JSONBody[ExperimentIn], bus: ExperimentsBus, clock: ClockDep
    ) -> ExperimentOut:
        """A new experiment, as a draft (409 if the key is taken). Nobody is exposed until it
        starts."""
        command = DefineExperiment(
            key=data.key,
            name=data.name,
            description=data.description,
            variants=data.variants_of(),
            metric=data.metric,
            window_days=data.window_days,
            at=clock.now(),
        )
        return ExperimentOut.from_domain(await bus.handle(command))

    @get("/", **requires(Permission.EXPERIMENTS_MANAGE))
    async def list_all(self, bus: ExperimentsBus) -> ExperimentsOut:
        """Every experiment, newest first."""
        experiments = await bus.handle(ListExperiments())
        return ExperimentsOut(items=[ExperimentOut.from_domain(e) for e in experiments])

    @get("/{key:str}", **requires(Permission.EXPERIMENTS_MANAGE))
    async def get_one(self, key: KeyParam, bus: ExperimentsBus) -> ExperimentOut:
        """One experiment (404 if no experiment has this key)."""
        return ExperimentOut.from_domain(await bus.handle(GetExperiment(key=key)))

    @post("/{key:str}/start", status_code=200, **requires(Permission.EXPERIMENTS_MANAGE))
    async def start(self, key: KeyParam, bus: ExperimentsBus, clock: ClockDep) -> ExperimentOut:
        """Start a draft: from now on players asking for their variant are exposed (409 unless
        it is a draft)."""
        return ExperimentOut.from_domain(await bus.handle(StartExperiment(key=key, at=clock.now())))

    @post("/{key:str}/stop", status_code=200, **requires(Permission.EXPERIMENTS_MANAGE))
    async def stop(self, key: KeyParam, bus: ExperimentsBus, clock: ClockDep) -> ExperimentOut:
        """Stop a running experiment: nobody else is exposed; completions within the windows
        of those exposed still count (409 unless it is running)."""
        return ExperimentOut.from_domain(await bus.handle(StopExperiment(key=key, at=clock.now())))

    @get("/{key:str}/summary", **requires(Permission.EXPERIMENTS_MANAGE))
    async def summary(self, key: KeyParam, bus: ExperimentsBus) -> ExperimentSummaryOut:
        """The metric per variant with its 95 % confidence interval, and each variant's
        difference from the control with its interval. Counts every exposure so far, also
        those whose window is still open."""
        return ExperimentSummaryOut.from_domain(await bus.handle(GetExperimentSummary(key=key)))


__all__ = ["ExperimentsController"]
