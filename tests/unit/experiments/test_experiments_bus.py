"""The experiments bus is the experiment routes' only way in: one handler per message, and the
controller imports nothing deeper than the messages."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import msgspec
import pytest

from adapters.memory.clock import FixedClock
from adapters.memory.experiments import InMemoryExperimentStore, InMemoryExperimentUnitOfWork
from questlog_core.analytics.experiments import messages as experiments
from questlog_core.analytics.experiments.assignments import LocalExperimentAssignments
from questlog_core.analytics.experiments.bootstrap import bootstrap
from questlog_core.kernel.ids import UserId
from tests.unit.imports_of import ROOT, imported_modules

NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
#: exported for building a message or reading an answer, not messages themselves
PARTS = {
    experiments.Assignment,
    experiments.Experiment,
    experiments.ExperimentSummary,
    experiments.Interval,
    experiments.Variant,
    experiments.VariantSummary,
}
MESSAGES = {
    obj
    for name in experiments.__all__
    if isinstance(obj := getattr(experiments, name), type) and issubclass(obj, msgspec.Struct)
} - PARTS
CONTROLLER = ROOT / "apps/analytics/experiments/controller.py"


def test_every_experiment_message_has_exactly_one_handler() -> None:
    every = experiments.handlers()
    assert set(every) == MESSAGES
    assert experiments.QUERIES < MESSAGES
    store = InMemoryExperimentStore()
    bus = bootstrap(writer=lambda: InMemoryExperimentUnitOfWork(store))
    assert all(bus.handles(message) for message in MESSAGES)
    with pytest.raises(ValueError, match="has a handler already"):
        bus.register(experiments.AssignVariant, every[experiments.AssignVariant])


def test_the_controller_imports_only_the_messages() -> None:
    imported = imported_modules(CONTROLLER)
    assert "questlog_core.analytics.experiments.messages" in imported
    deeper = {
        name
        for name in imported
        if name.startswith("questlog_core.analytics")
        and name != "questlog_core.analytics.experiments.messages"
    }
    assert deeper == set()


async def test_the_local_port_answers_the_variant_and_records_the_exposure_once() -> None:
    store = InMemoryExperimentStore()
    bus = bootstrap(writer=lambda: InMemoryExperimentUnitOfWork(store))
    clock = FixedClock(NOW)
    port = LocalExperimentAssignments(bus, clock)
    player = UserId(UUID(int=42))
    assert await port.variant_for(player, "dark-mode") is None  # unknown: nothing recorded
    await bus.handle(
        experiments.DefineExperiment(
            key="dark-mode",
            name="Dark mode by default",
            variants=[experiments.Variant(key="light"), experiments.Variant(key="dark")],
            at=NOW,
        )
    )
    assert await port.variant_for(player, "dark-mode") is None  # a draft exposes nobody
    await bus.handle(experiments.StartExperiment(key="dark-mode", at=NOW))
    first = await port.variant_for(player, "dark-mode")
    assert first in {"light", "dark"}
    assert [await port.variant_for(player, "dark-mode") for _ in range(3)] == [first] * 3
    assert list(store.exposures) == [("dark-mode", player)]
