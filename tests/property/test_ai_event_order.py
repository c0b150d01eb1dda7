"""Property: whatever order a quest's events reach the AI read model in, and however often,
the final view is the one in-order delivery gives; and once a deleted quest's deletion has
arrived, no order of the rest brings it back.

The quest's creation is delivered first here: an event of a quest the read model does not
have yet is dropped (as in search), so the creation must come before the rest does.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.memory.ai import InMemoryAiStore
from questlog_core.ai.ports import QuestView
from questlog_core.ai.projection import apply_to_view, project_quest_event
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.quests.events import (
    DependencyAdded,
    DependencyRemoved,
    QuestAbandoned,
    QuestArchived,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestFacts,
    QuestProgressed,
    QuestReopened,
    QuestStarted,
    QuestUpdated,
)
from tests.support.event_order import Make, event_fields, histories

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
OWNER = UserId(uuid.UUID(int=1))
QUEST = QuestId(uuid.UUID(int=100))
PREREQUISITES = (QuestId(uuid.UUID(int=101)), QuestId(uuid.UUID(int=102)))


def _base(at: datetime) -> dict[str, object]:
    return event_fields(at, OWNER)


def _updated(at: datetime, n: int) -> DomainEvent:
    facts = QuestFacts(title=f"Title {n}", difficulty="hard", priority=n % 5, tags=(f"t{n}",))
    return QuestUpdated(**_base(at), quest_id=QUEST, changes=("title",), after=facts)  # type: ignore[arg-type]


def _completed(at: datetime, n: int) -> DomainEvent:
    return QuestCompleted(
        **_base(at), quest_id=QUEST, occurrence=0, difficulty="epic", priority=n % 5,  # type: ignore[arg-type]
        due=None, completed_at=at, created_at=T0, on_time=True, owner_timezone="UTC",
        tags=(f"done{n}",),
    )  # fmt: skip


def _edge(added: bool, which: int) -> Make:
    kind = DependencyAdded if added else DependencyRemoved

    def make(at: datetime, n: int) -> DomainEvent:
        return kind(**_base(at), prerequisite_id=PREREQUISITES[which], dependent_id=QUEST)  # type: ignore[arg-type]

    return make


KINDS: list[Make] = [
    _updated,
    lambda at, n: QuestStarted(**_base(at), quest_id=QUEST),  # type: ignore[arg-type]
    lambda at, n: QuestProgressed(**_base(at), quest_id=QUEST, progress=n % 101, source="manual"),  # type: ignore[arg-type]
    _completed,
    lambda at, n: QuestReopened(**_base(at), quest_id=QUEST, occurrence=0, reopened_at=at),  # type: ignore[arg-type]
    lambda at, n: QuestAbandoned(**_base(at), quest_id=QUEST),  # type: ignore[arg-type]
    lambda at, n: QuestArchived(**_base(at), quest_id=QUEST, previous_status="todo"),  # type: ignore[arg-type]
    lambda at, n: QuestUpdated(**_base(at), quest_id=QUEST, changes=(), after=None),  # type: ignore[arg-type]
    _edge(True, 0),
    _edge(False, 0),
    _edge(True, 1),
    _edge(False, 1),
]


def creation() -> QuestCreated:
    return QuestCreated(
        **_base(T0),
        quest_id=QUEST,
        title="First",
        difficulty="easy",
        tags=("new",),  # type: ignore[arg-type]
    )


def fold(events: list[DomainEvent]) -> QuestView | None:
    view: QuestView | None = None
    for event in [creation(), *events]:
        view = apply_to_view(view, event)
    return view


@settings(max_examples=300, deadline=None)
@given(histories(KINDS, T0))
def test_any_order_and_any_redelivery_ends_as_in_order(
    case: tuple[list[DomainEvent], list[DomainEvent]],
) -> None:
    in_order, delivered = case
    expected = fold(in_order)
    assert expected is not None
    assert fold(delivered) == expected


@settings(max_examples=100, deadline=None)
@given(histories(KINDS, T0), st.data())
def test_a_deleted_quest_stays_deleted_whatever_comes_after(
    case: tuple[list[DomainEvent], list[DomainEvent]], data: st.DataObject
) -> None:
    _, delivered = case
    gone = QuestDeleted(**_base(T0 + timedelta(minutes=30)), quest_id=QUEST, status="todo")  # type: ignore[arg-type]
    everything = [creation(), *delivered]
    where = data.draw(st.integers(0, len(everything)))
    everything.insert(where, gone)
    store = InMemoryAiStore()

    async def deliver() -> list[QuestView]:
        for event in everything:
            await project_quest_event(event, store.unit_of_work())
        async with store.unit_of_work() as uow:
            return await uow.quest_views.of_owner(OWNER)

    assert asyncio.run(deliver()) == []
    assert (OWNER, QUEST) in store.forgotten
