"""The in-process implementation of :class:`~.ports.ExperimentAssignments`: it asks the
experiments bus of the same process, so an app running beside the analytics service (the
all-in-one, a worker) learns a user's variant without a network hop."""

from __future__ import annotations

from questlog_core.analytics.experiments.messages import Assignment, AssignVariant
from questlog_core.analytics.experiments.ports import ExperimentUnitOfWork
from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.clock import Clock
from questlog_core.kernel.ids import UserId

__all__ = ["LocalExperimentAssignments"]


class LocalExperimentAssignments:
    """Which variant a user is in, from the experiments bus of this process."""

    def __init__(self, bus: MessageBus[ExperimentUnitOfWork], clock: Clock) -> None:
        self._bus = bus
        self._clock = clock

    async def variant_for(self, user: UserId, experiment_key: str) -> str | None:
        """The user's variant of the running experiment ``experiment_key`` (recording their
        exposure the first time), or ``None`` when it is not running."""
        answer: Assignment = await self._bus.handle(
            AssignVariant(user=user, key=experiment_key, at=self._clock.now())
        )
        return answer.variant
