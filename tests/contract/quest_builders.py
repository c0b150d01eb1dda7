"""Builders shared by the quest contract suites."""

from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.memory.clock import RandomIds
from questlog_core.ids import QuestId, UserId
from questlog_core.quests.model import Quest

T0 = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)
IDS = RandomIds()


def new_user() -> UserId:
    return UserId(uuid.uuid4())


def new_quest(
    owner: UserId,
    title: str = "Slay the dragon",
    *,
    at: datetime = T0,
    quest_id: QuestId | None = None,
    **fields_: Any,
) -> Quest:
    return Quest.create(
        id=quest_id or QuestId(uuid.uuid4()), owner=owner, title=title, at=at, ids=IDS, **fields_
    )


def state(quest: Quest) -> dict[str, Any]:
    """Every stored field of a quest (``Quest`` compares by identity)."""
    return {f.name: getattr(quest, f.name) for f in fields(quest) if not f.name.startswith("_")}


def later(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)
