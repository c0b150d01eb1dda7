"""Property: whatever order a quest's events reach the search index in, and however often, the
indexed document is the one in-order delivery gives; and once a deleted quest's deletion has
arrived, no order of the rest brings it back.

Like tests/property/test_ai_event_order.py for the AI read model. The quest's creation is
delivered first: an event of a quest the index does not have yet is dropped, so the creation
must come before the rest does. Edits change the title and notes (which only
``quest.created`` and ``quest.updated`` carry) and the tags, category and due date (which
``quest.completed`` carries too), so the history mixes the two groups' times.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.memory.search import InMemorySearchStore, InMemorySearchUnitOfWork
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.quests.events import (
    QuestAbandoned,
    QuestArchived,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestFacts,
    QuestReopened,
    QuestStarted,
    QuestUpdated,
)
from questlog_core.search.model import SearchDocument
from questlog_core.search.projection import apply_to_document, index_quest_event
from tests.support.event_order import Make, event_fields, histories

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
OWNER = UserId(uuid.UUID(int=1))
QUEST = QuestId(uuid.UUID(int=100))


def _base(at: datetime) -> dict[str, object]:
    return event_fields(at, OWNER)


def _updated(at: datetime, n: int) -> DomainEvent:
    facts = QuestFacts(
        title=f"Title {n}",
        difficulty="hard",
        notes=f"note{n}",
        category=f"c{n % 3}",
        tags=(f"t{n}",),
        due=T0 + timedelta(days=n),
    )
    return QuestUpdated(**_base(at), quest_id=QUEST, changes=("title",), after=facts)  # type: ignore[arg-type]


def _completed(at: datetime, n: int) -> DomainEvent:
    return QuestCompleted(
        **_base(at), quest_id=QUEST, occurrence=0, difficulty="epic", priority=n % 5,  # type: ignore[arg-type]
        due=T0 + timedelta(days=100 + n), completed_at=at, created_at=T0, on_time=True,
        owner_timezone="UTC", category=f"done{n % 2}", tags=(f"done{n}",),
    )  # fmt: skip


KINDS: list[Make] = [
    _updated,
    lambda at, n: QuestStarted(**_base(at), quest_id=QUEST),  # type: ignore[arg-type]
    _completed,
    lambda at, n: QuestReopened(**_base(at), quest_id=QUEST, occurrence=0, reopened_at=at),  # type: ignore[arg-type]
    lambda at, n: QuestAbandoned(**_base(at), quest_id=QUEST),  # type: ignore[arg-type]
    lambda at, n: QuestArchived(**_base(at), quest_id=QUEST, previous_status="todo"),  # type: ignore[arg-type]
    lambda at, n: QuestUpdated(**_base(at), quest_id=QUEST, changes=(), after=None),  # type: ignore[arg-type]
]


def creation() -> QuestCreated:
    return QuestCreated(
        **_base(T0),  # type: ignore[arg-type]
        quest_id=QUEST,
        title="First",
        difficulty="easy",
        notes="first notes",
        tags=("new",),
    )


def fold(events: list[DomainEvent]) -> SearchDocument | None:
    document: SearchDocument | None = None
    for event in [creation(), *events]:
        document = apply_to_document(document, event)
    return document


def delivered_to_the_index(events: list[DomainEvent]) -> InMemorySearchStore:
    """A store after each event went through the consumer's use case (inbox included)."""
    store = InMemorySearchStore()

    async def deliver() -> None:
        for event in events:
            await index_quest_event(event, InMemorySearchUnitOfWork(store))

    asyncio.run(deliver())
    return store


@settings(max_examples=300, deadline=None)
@given(histories(KINDS, T0))
def test_any_order_and_any_redelivery_ends_as_in_order(
    case: tuple[list[DomainEvent], list[DomainEvent]],
) -> None:
    in_order, delivered = case
    expected = fold(in_order)
    assert expected is not None
    assert fold(delivered) == expected
    store = delivered_to_the_index([creation(), *delivered])
    assert store.documents == {(OWNER, QUEST): expected}


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
    store = delivered_to_the_index(everything)
    assert store.documents == {}
    assert (OWNER, QUEST) in store.forgotten
