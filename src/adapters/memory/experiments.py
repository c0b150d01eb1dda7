"""Experiments in memory: reference semantics of the definitions and the exposure log."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Self

import msgspec

from questlog_core.analytics.experiments.model import Experiment, Exposure, VariantTotals
from questlog_core.kernel.errors import AlreadyExists
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import EventId, UserId

__all__ = ["InMemoryExperimentStore", "InMemoryExperimentUnitOfWork"]


class InMemoryExperimentStore:
    """The experiments, the exposures and the inbox, shared by the units of work made on it."""

    def __init__(self) -> None:
        self.experiments: dict[str, Experiment] = {}
        self.exposures: dict[tuple[str, UserId], Exposure] = {}
        self.inbox: set[tuple[str, EventId]] = set()
        #: what committed units of work recorded (experiments publish no events)
        self.outbox: list[DomainEvent] = []


class _Experiments:
    def __init__(self, uow: InMemoryExperimentUnitOfWork) -> None:
        self._uow = uow

    async def get(self, key: str) -> Experiment | None:
        return self._uow.experiment_rows.get(key)

    async def add(self, experiment: Experiment) -> None:
        if experiment.key in self._uow.experiment_rows:
            raise AlreadyExists("experiment", experiment.key)
        self._uow.experiment_rows[experiment.key] = experiment

    async def save(self, experiment: Experiment) -> None:
        self._uow.experiment_rows[experiment.key] = experiment

    async def list(self) -> list[Experiment]:
        by_key = sorted(self._uow.experiment_rows.values(), key=lambda e: e.key)
        return sorted(by_key, key=lambda e: e.created_at, reverse=True)


class _Exposures:
    def __init__(self, uow: InMemoryExperimentUnitOfWork) -> None:
        self._uow = uow

    async def expose(self, exposure: Exposure) -> Exposure:
        key = (exposure.experiment, exposure.user)
        return self._uow.exposure_rows.setdefault(key, exposure)

    async def get(self, experiment: str, user: UserId) -> Exposure | None:
        return self._uow.exposure_rows.get((experiment, user))

    async def count_completion(
        self, user: UserId, at: datetime, window_days: dict[str, int]
    ) -> int:
        counted = 0
        for key, days in window_days.items():
            exposure = self._uow.exposure_rows.get((key, user))
            if exposure and exposure.exposed_at <= at < exposure.exposed_at + timedelta(days=days):
                self._uow.exposure_rows[(key, user)] = msgspec.structs.replace(
                    exposure, completions=exposure.completions + 1
                )
                counted += 1
        return counted

    async def totals(self, experiment: str) -> list[VariantTotals]:
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for (key, _), e in self._uow.exposure_rows.items():
            if key == experiment:
                row = sums[e.variant]
                row[0] += 1
                row[1] += e.completions > 0
                row[2] += e.completions
                row[3] += e.completions * e.completions
        return [
            VariantTotals(
                variant=v, exposed=r[0], converted=r[1], completions=r[2], completions_squared=r[3]
            )
            for v, r in sorted(sums.items())
        ]

    async def erase_user(self, user: UserId) -> int:
        gone = [k for k in self._uow.exposure_rows if k[1] == user]
        for k in gone:
            del self._uow.exposure_rows[k]
        return len(gone)


class _Inbox:
    def __init__(self, uow: InMemoryExperimentUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        key = (consumer, event_id)
        if key in self._uow.store.inbox or key in self._uow.claims:
            return False
        self._uow.claims.add(key)
        return True


class InMemoryExperimentUnitOfWork:
    """A transaction over an :class:`InMemoryExperimentStore`: changes land on commit.

    A new exposure is added at commit only if no other unit of work committed one for the same
    user and experiment meanwhile (what the SQL adapters' unique key does)."""

    def __init__(self, store: InMemoryExperimentStore) -> None:
        self.store = store
        self.experiment_rows: dict[str, Experiment] = {}
        self.exposure_rows: dict[tuple[str, UserId], Exposure] = {}
        self._seen: dict[tuple[str, UserId], Exposure] = {}
        self.claims: set[tuple[str, EventId]] = set()
        self.events: list[DomainEvent] = []
        self._last_committed: list[DomainEvent] = []
        self.experiments = _Experiments(self)
        self.exposures = _Exposures(self)
        self.inbox = _Inbox(self)

    async def __aenter__(self) -> Self:
        await self.rollback()
        self._last_committed = []
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.store.experiments = dict(self.experiment_rows)
        stored = self.store.exposures
        for key in self._seen.keys() - self.exposure_rows.keys():
            stored.pop(key, None)
        for key, exposure in self.exposure_rows.items():
            if key in self._seen:
                if exposure is not self._seen[key]:
                    stored[key] = exposure
            else:
                stored.setdefault(key, exposure)
        self.store.inbox |= self.claims
        self.store.outbox.extend(self.events)
        self._last_committed = self.events
        self.claims = set()
        self.events = []
        await self.rollback()

    async def rollback(self) -> None:
        """Discard the changes, claims and recorded events; the unit of work goes on."""
        self.experiment_rows = dict(self.store.experiments)
        self.exposure_rows = dict(self.store.exposures)
        self._seen = dict(self.store.exposures)
        self.claims = set()
        self.events = []

    def record(self, *events: DomainEvent) -> None:
        self.events.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        return list(self._last_committed)
