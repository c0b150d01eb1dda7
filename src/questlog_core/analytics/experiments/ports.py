"""Ports of experiments: the definitions, the exposure log, their unit of work, and the one the
apps use to ask "which variant am I in".

Adapters: :mod:`adapters.memory.experiments` (reference semantics) and
:mod:`adapters.sql.experiments` (SQLite and PostgreSQL); one contract suite
(``tests/contract/test_experiment_store.py``) runs over all three.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from questlog_core.analytics.experiments.model import Experiment, Exposure, VariantTotals
from questlog_core.kernel.ids import UserId
from questlog_core.kernel.unit_of_work import UnitOfWork

__all__ = [
    "ExperimentAssignments",
    "ExperimentRepository",
    "ExperimentUnitOfWork",
    "ExposureLog",
]


class ExperimentRepository(Protocol):
    """Experiment definitions, by key."""

    async def get(self, key: str) -> Experiment | None: ...

    async def add(self, experiment: Experiment) -> None:
        """Store a new experiment; raises ``AlreadyExists`` if the key is taken (at once or,
        when two transactions race, at commit)."""
        ...

    async def save(self, experiment: Experiment) -> None:
        """Replace the stored experiment of the same key (its status and times)."""
        ...

    async def list(self) -> list[Experiment]:
        """Every experiment, newest first (ties: by key)."""
        ...


class ExposureLog(Protocol):
    """Who was exposed to which variant of which experiment, once per user and experiment."""

    async def expose(self, exposure: Exposure) -> Exposure:
        """Record ``exposure`` unless the user was exposed to the experiment already; the
        stored exposure either way. Concurrent calls for one user and experiment store one row
        (a unique key), and each caller gets that row."""
        ...

    async def get(self, experiment: str, user: UserId) -> Exposure | None: ...

    async def count_completion(
        self, user: UserId, at: datetime, window_days: dict[str, int]
    ) -> int:
        """Add one completion to each of ``user``'s exposures to the experiments named in
        ``window_days`` whose window holds ``at`` (``exposed_at <= at < exposed_at + days``);
        how many exposures counted it."""
        ...

    async def totals(self, experiment: str) -> list[VariantTotals]:
        """The experiment's exposures added up per variant (variants nobody was exposed to
        are absent)."""
        ...

    async def erase_user(self, user: UserId) -> int:
        """Forget every exposure of ``user``; how many there were."""
        ...


class ExperimentUnitOfWork(UnitOfWork, Protocol):
    """One transaction over the experiments, the exposure log and the context's inbox."""

    experiments: ExperimentRepository
    exposures: ExposureLog


class ExperimentAssignments(Protocol):
    """What an app asks to vary its behaviour: which variant of a running experiment a user
    is in. Asking records the user's exposure (once: later asks change nothing)."""

    async def variant_for(self, user: UserId, experiment_key: str) -> str | None:
        """The user's variant, or ``None`` when no experiment with this key is running (the app
        then behaves as it would without the experiment)."""
        ...
