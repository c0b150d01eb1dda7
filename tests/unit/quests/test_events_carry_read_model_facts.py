"""Quest events carry the facts other services plan with, so the AI service's read model can
follow a quest without reading the quest service's tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from adapters.memory import SequentialIds
from questlog_core.events.quests import QuestCreated, QuestFacts, QuestUpdated
from questlog_core.ids import QuestId, UserId
from questlog_core.quests import Quest

AT = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_created_and_updated_carry_priority_tags_estimate_and_the_state_after_the_edit() -> None:
    ids = SequentialIds()
    quest = Quest.create(
        id=QuestId(UUID(int=5)), owner=UserId(UUID(int=1)), title="Taxes", at=AT, ids=ids,
        priority=3, tags=("admin",), estimate_minutes=90, category="money",
    )  # fmt: skip
    quest.revise(
        {"title": "File taxes", "due": AT + timedelta(days=3)}, at=AT + timedelta(hours=1), ids=ids
    )
    created, updated = quest.pull_events()
    assert isinstance(created, QuestCreated)
    assert (created.priority, created.tags, created.estimate_minutes) == (3, ("admin",), 90)
    assert isinstance(updated, QuestUpdated)
    assert updated.after == QuestFacts(
        title="File taxes", difficulty="medium", priority=3, category="money",
        tags=("admin",), due=AT + timedelta(days=3), estimate_minutes=90,
    )  # fmt: skip
