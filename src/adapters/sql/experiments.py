"""Experiments on SQL (SQLite and PostgreSQL): definitions and the exposure log.

An exposure goes in with ``INSERT ... ON CONFLICT DO NOTHING`` on the ``(experiment, owner)``
primary key, then the stored row is read back: two requests racing for one user record one
row and both answer with it. The per-variant totals are one ``GROUP BY``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.dialects import insert_if_absent

# The analytics group owns the experiment tables: importing it declares their schema (which
# SQLite translates away); the experiment tables module alone would leave it undeclared.
from adapters.sql.tables import analytics as _analytics_group  # noqa: F401
from adapters.sql.tables import experiments as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.analytics.experiments.model import (
    Experiment,
    ExperimentStatus,
    Exposure,
    Metric,
    Variant,
    VariantTotals,
)
from questlog_core.kernel.errors import AlreadyExists
from questlog_core.kernel.ids import UserId

__all__ = ["SqlExperimentRepository", "SqlExperimentUnitOfWork", "SqlExposureLog"]

_VARIANTS = msgspec.json.Decoder(list[Variant])


def _row(experiment: Experiment) -> dict[str, Any]:
    return {
        "key": experiment.key,
        "name": experiment.name,
        "description": experiment.description,
        "variants": msgspec.to_builtins(list(experiment.variants)),
        "metric": experiment.metric.value,
        "window_days": experiment.window_days,
        "status": experiment.status.value,
        "created_at": experiment.created_at,
        "started_at": experiment.started_at,
        "stopped_at": experiment.stopped_at,
    }


def _experiment(row: Any) -> Experiment:
    return Experiment(
        key=row.key,
        name=row.name,
        description=row.description,
        variants=tuple(msgspec.convert(row.variants, list[Variant])),
        metric=Metric(row.metric),
        window_days=row.window_days,
        status=ExperimentStatus(row.status),
        created_at=row.created_at,
        started_at=row.started_at,
        stopped_at=row.stopped_at,
    )


def _exposure(row: Any) -> Exposure:
    return Exposure(
        experiment=row.experiment,
        user=UserId(row.owner),
        variant=row.variant,
        exposed_at=row.exposed_at,
        completions=row.completions,
    )


class SqlExperimentRepository:
    """Experiment definitions in ``analytics_experiments``."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def get(self, key: str) -> Experiment | None:
        row = (
            await self._uow.connection.execute(
                select(t.experiments).where(t.experiments.c.key == key)
            )
        ).first()
        return None if row is None else _experiment(row)

    async def add(self, experiment: Experiment) -> None:
        if not await insert_if_absent(self._uow.connection, t.experiments, _row(experiment)):
            raise AlreadyExists("experiment", experiment.key)
        self._uow.inserted("analytics.analytics_experiments")

    async def save(self, experiment: Experiment) -> None:
        values = _row(experiment)
        del values["key"]
        await self._uow.connection.execute(
            update(t.experiments).where(t.experiments.c.key == experiment.key).values(values)
        )

    async def list(self) -> list[Experiment]:
        rows = await self._uow.connection.execute(
            select(t.experiments).order_by(t.experiments.c.created_at.desc(), t.experiments.c.key)
        )
        return [_experiment(r) for r in rows]


class SqlExposureLog:
    """Exposures in ``analytics_exposures``, one row per user and experiment."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def expose(self, exposure: Exposure) -> Exposure:
        values = {
            "experiment": exposure.experiment,
            "owner": exposure.user,
            "variant": exposure.variant,
            "exposed_at": exposure.exposed_at,
            "completions": 0,
        }
        if await insert_if_absent(self._uow.connection, t.exposures, values):
            self._uow.inserted("analytics.analytics_exposures")
            return msgspec.structs.replace(exposure, completions=0)
        stored = await self.get(exposure.experiment, exposure.user)
        assert stored is not None  # the conflicting row is committed and visible
        return stored

    async def get(self, experiment: str, user: UserId) -> Exposure | None:
        e = t.exposures
        row = (
            await self._uow.connection.execute(
                select(e).where(e.c.experiment == experiment, e.c.owner == user)
            )
        ).first()
        return None if row is None else _exposure(row)

    async def count_completion(
        self, user: UserId, at: datetime, window_days: dict[str, int]
    ) -> int:
        e = t.exposures
        # the window's end is computed here, per experiment: date arithmetic differs per
        # database, and a user is exposed to few experiments
        in_window = or_(
            *(
                and_(
                    e.c.experiment == key,
                    e.c.exposed_at <= at,
                    e.c.exposed_at > at - timedelta(days=days),
                )
                for key, days in window_days.items()
            )
        )
        result = await self._uow.connection.execute(
            update(e).where(e.c.owner == user, in_window).values(completions=e.c.completions + 1)
        )
        return int(result.rowcount or 0)

    async def totals(self, experiment: str) -> list[VariantTotals]:
        e = t.exposures
        rows = await self._uow.connection.execute(
            select(
                e.c.variant,
                func.count(),
                func.sum(case((e.c.completions > 0, 1), else_=0)),
                func.sum(e.c.completions),
                func.sum(e.c.completions * e.c.completions),
            )
            .where(e.c.experiment == experiment)
            .group_by(e.c.variant)
            .order_by(e.c.variant)
        )
        return [
            VariantTotals(
                variant=v,
                exposed=int(n),
                converted=int(c or 0),
                completions=int(s or 0),
                completions_squared=int(q or 0),
            )
            for v, n, c, s, q in rows
        ]

    async def erase_user(self, user: UserId) -> int:
        result = await self._uow.connection.execute(
            delete(t.exposures).where(t.exposures.c.owner == user)
        )
        return int(result.rowcount or 0)


class SqlExperimentUnitOfWork(SqlUnitOfWork):
    """One transaction over the experiments, the exposures and the analytics inbox/outbox."""

    service = "analytics"

    def __init__(self, engine: AsyncEngine, clock: Any = None) -> None:
        super().__init__(engine, clock)
        self.experiments = SqlExperimentRepository(self)
        self.exposures = SqlExposureLog(self)
