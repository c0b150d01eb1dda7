"""The AI bus is the AI controllers' only way in: one handler per query, and no AI controller
imports a use case."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import pytest

from questlog_core.ai import messages as ai
from questlog_core.ai.bootstrap import bootstrap
from questlog_core.errors import ValidationFailed
from questlog_core.ids import UserId
from tests.unit.imports_of import ROOT, imported_modules

OWNER = UserId(UUID(int=7))
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
#: exported for building a message, not messages themselves
PARTS = {ai.RankableQuest}
MESSAGES = {
    obj
    for name in ai.__all__
    if isinstance(obj := getattr(ai, name), type) and issubclass(obj, msgspec.Struct)
} - PARTS
CONTROLLERS = sorted((ROOT / "apps/ai/controllers").glob("[!_]*.py"))


def _bus(model: Any = None) -> Any:
    return bootstrap(
        reader=lambda: None,  # type: ignore[arg-type, return-value]
        model=lambda: model,
        embedder=lambda: None,  # type: ignore[arg-type, return-value]
        index=lambda: None,  # type: ignore[arg-type, return-value]
    )


def test_every_ai_message_has_exactly_one_handler_and_only_reads() -> None:
    every = ai.handlers(model=lambda: None, embedder=lambda: None, index=lambda: None)  # type: ignore[arg-type, return-value]
    # every message but the one command, recording a feature's use after the answer, reads
    assert set(every) == MESSAGES == ai.QUERIES | {ai.RecordFeatureUse}
    bus = _bus()
    assert all(bus.handles(message) for message in MESSAGES)
    with pytest.raises(ValueError, match="has a handler already"):
        bus.register_query(ai.Suggest, every[ai.Suggest])


@pytest.mark.parametrize("path", CONTROLLERS, ids=lambda p: p.name)
def test_ai_controllers_import_only_the_messages(path: Path) -> None:
    imported = imported_modules(path)
    assert "questlog_core.ai.messages" in imported
    reaching_past_the_bus = {
        name
        for name in imported
        if name.startswith(("questlog_core.ai", "questlog_core.services"))
        and name != "questlog_core.ai.messages"
    }
    assert reaching_past_the_bus == set()


def test_recording_a_feature_use_puts_ai_feature_used_in_the_ai_outbox() -> None:
    from adapters.memory.ai import InMemoryAiStore, InMemoryAiUnitOfWork
    from questlog_core.ai.events import AiFeatureUsed
    from questlog_core.ids import EventId

    store = InMemoryAiStore()
    bus = bootstrap(
        reader=lambda: InMemoryAiUnitOfWork(store),
        model=lambda: None,  # type: ignore[arg-type, return-value]
        embedder=lambda: None,  # type: ignore[arg-type, return-value]
        index=lambda: None,  # type: ignore[arg-type, return-value]
    )
    event_id = EventId(UUID(int=99))
    command = ai.RecordFeatureUse(event_id=event_id, owner=OWNER, feature="quick_add", at=NOW)
    asyncio.run(bus.handle(command))
    assert store.outbox == [
        AiFeatureUsed(event_id=event_id, occurred_at=NOW, owner=OWNER, feature="quick_add")
    ]


def test_a_ranking_goes_through_the_bus() -> None:
    query = ai.Prioritize(
        owner=OWNER,
        now=NOW,
        quests=(
            ai.RankableQuest(id="a", title="A", priority=1),
            ai.RankableQuest(id="b", title="B", priority=4),
        ),
    )
    ranked = asyncio.run(_bus().handle(query))
    assert [item.id for item in ranked.items] == ["b", "a"]


def test_quick_add_in_an_unknown_zone_is_refused_naming_the_field() -> None:
    query = ai.QuickAdd(owner=OWNER, text="water plants tomorrow", now=NOW, timezone="Mars/Olympus")
    with pytest.raises(ValidationFailed) as refused:
        asyncio.run(_bus().handle(query))
    assert refused.value.field == "timezone"
