"""Search index: quest events in any order, and rebuilding the index from the quests.

On memory, SQLite (FTS5) and PostgreSQL (tsvector), like tests/contract/test_search_index.py.
What a user would notice: a late, older event never brings back an old title or status; a
deleted quest never comes back; quests that existed before the index (or whose events were
lost) become searchable after ``questlog search reindex``; a second rebuild changes nothing;
a rebuild never undoes what an event indexed after the quest was read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import msgspec
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.search import InMemorySearchStore, InMemorySearchUnitOfWork
from adapters.sql.search import SqlSearchUnitOfWork
from questlog_core.events.quests import (
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestFacts,
    QuestReopened,
    QuestStarted,
    QuestUpdated,
)
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.search.model import SearchDocument, SearchFilters
from questlog_core.search.ports import SearchUnitOfWork
from questlog_core.search.projection import index_quest_event
from questlog_core.search.reindex import ReindexReport, reindex
from questlog_core.search.use_cases import SearchQuests, search_quests

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
ALICE = UserId(UUID(int=1))
BOB = UserId(UUID(int=2))

MakeUow = Callable[[], SearchUnitOfWork]


@pytest.fixture
def make_uow(engine: AsyncEngine | None) -> MakeUow:
    if engine is None:
        store = InMemorySearchStore()
        return lambda: InMemorySearchUnitOfWork(store)
    return lambda: SqlSearchUnitOfWork(engine)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def eid() -> EventId:
    return EventId(uuid4())


def created(
    quest_id: QuestId, title: str, *, minute: int = 0, owner: UserId = ALICE
) -> QuestCreated:
    return QuestCreated(
        event_id=eid(),
        occurred_at=at(minute),
        owner=owner,
        quest_id=quest_id,
        title=title,
        difficulty="easy",
    )


def updated(
    quest_id: QuestId,
    title: str,
    *,
    minute: int,
    notes: str = "",
    tags: tuple[str, ...] = (),
    category: str | None = None,
) -> QuestUpdated:
    return QuestUpdated(
        event_id=eid(),
        occurred_at=at(minute),
        owner=ALICE,
        quest_id=quest_id,
        changes=("title",),
        after=QuestFacts(title=title, difficulty="easy", notes=notes, tags=tags, category=category),
    )


def started(quest_id: QuestId, *, minute: int) -> QuestStarted:
    return QuestStarted(event_id=eid(), occurred_at=at(minute), owner=ALICE, quest_id=quest_id)


def completed(
    quest_id: QuestId,
    *,
    minute: int,
    tags: tuple[str, ...] = (),
    category: str | None = None,
) -> QuestCompleted:
    return QuestCompleted(
        event_id=eid(),
        occurred_at=at(minute),
        owner=ALICE,
        quest_id=quest_id,
        occurrence=0,
        difficulty="easy",
        priority=0,
        due=None,
        completed_at=at(minute),
        created_at=T0,
        on_time=True,
        owner_timezone="UTC",
        tags=tags,
        category=category,
    )


def reopened(quest_id: QuestId, *, minute: int) -> QuestReopened:
    return QuestReopened(
        event_id=eid(),
        occurred_at=at(minute),
        owner=ALICE,
        quest_id=quest_id,
        occurrence=0,
        reopened_at=at(minute),
    )


def deleted(quest_id: QuestId, *, minute: int) -> QuestDeleted:
    return QuestDeleted(
        event_id=eid(), occurred_at=at(minute), owner=ALICE, quest_id=quest_id, status="todo"
    )


async def found(
    make_uow: MakeUow, text: str, *, status: str | None = None, tag: str | None = None
) -> list[str]:
    filters = SearchFilters(statuses=(status,) if status else (), tags=(tag,) if tag else ())
    command = SearchQuests(owner=ALICE, text=text, filters=filters, limit=100)
    page = await search_quests(command, make_uow())
    return sorted(hit.title for hit in page.hits)


async def apply(make_uow: MakeUow, *events: object) -> None:
    for event in events:
        await index_quest_event(event, make_uow())  # type: ignore[arg-type]


# -- events in any order ---------------------------------------------------------------------


async def test_a_late_older_edit_does_not_bring_back_the_old_title(make_uow: MakeUow) -> None:
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Draft report", minute=0))
    await apply(make_uow, updated(quest, "Final report", minute=20))  # "v4"
    await apply(make_uow, updated(quest, "Second draft report", minute=10))  # "v3", late
    assert await found(make_uow, "report") == ["Final report"]
    assert await found(make_uow, "second") == []


async def test_a_late_start_does_not_undo_a_completion(make_uow: MakeUow) -> None:
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Water plants"), completed(quest, minute=30))
    await apply(make_uow, started(quest, minute=10))
    assert await found(make_uow, "water", status="done") == ["Water plants"]
    assert await found(make_uow, "water", status="active") == []


async def test_text_and_status_follow_their_own_newest_event(make_uow: MakeUow) -> None:
    # The edit happened before the start but arrives after it: the edit's title is still the
    # newest title there is, so it is indexed; the status stays active.
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Call mum"), started(quest, minute=20))
    await apply(make_uow, updated(quest, "Call mum and dad", minute=10))
    assert await found(make_uow, "dad", status="active") == ["Call mum and dad"]


async def test_an_edit_made_before_the_completion_but_delivered_after_it_still_counts(
    make_uow: MakeUow,
) -> None:
    # A completion carries the tags and category, not the title or notes: the edit (10:10,
    # resent alone after a failure) is older than the completion (10:11) but is still the
    # newest title and notes there are. Its tags and category are older than the
    # completion's, which stay.
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Draft report", minute=0))
    await apply(make_uow, completed(quest, minute=11, tags=("q4",), category="work"))
    await apply(
        make_uow,
        updated(
            quest, "Quarterly report", minute=10, notes="with charts", tags=("q3",), category="x"
        ),
    )
    assert await found(make_uow, "quarterly", status="done") == ["Quarterly report"]
    assert await found(make_uow, "charts") == ["Quarterly report"]
    assert await found(make_uow, "draft") == []
    assert await found(make_uow, "report", tag="q4") == ["Quarterly report"]
    assert await found(make_uow, "report", tag="q3") == []
    uow = make_uow()
    async with uow:
        document = await uow.index.get(ALICE, quest)
    assert document is not None
    assert (document.title, document.notes) == ("Quarterly report", "with charts")
    assert (document.tags, document.category, document.status) == (("q4",), "work", "done")
    assert (document.text_at, document.content_at, document.status_at) == (at(10), at(11), at(11))


async def test_a_late_start_makes_a_reopened_quest_active(make_uow: MakeUow) -> None:
    # Started, completed, reopened: active again. The start arrives last; the reopening did
    # not know the quest had been started.
    quest = QuestId(uuid4())
    await apply(make_uow, created(quest, "Sort photos"), completed(quest, minute=20))
    await apply(make_uow, reopened(quest, minute=30), started(quest, minute=10))
    assert await found(make_uow, "photos", status="active") == ["Sort photos"]
    assert await found(make_uow, "photos", status="todo") == []


async def test_a_deleted_quest_is_not_brought_back_by_a_late_creation(make_uow: MakeUow) -> None:
    quest = QuestId(uuid4())
    creation = created(quest, "Old errand")
    await apply(make_uow, deleted(quest, minute=5), creation)
    assert await found(make_uow, "errand") == []
    await apply(make_uow, updated(quest, "Old errand again", minute=6))
    assert await found(make_uow, "errand") == []


# -- rebuilding from the quests --------------------------------------------------------------


class Quests:
    """A quest service as the rebuild sees it: each owner's quests, now."""

    def __init__(self) -> None:
        self.rows: dict[QuestId, SearchDocument] = {}
        #: run before each batch is handed over (what happens while the rebuild reads)
        self.meanwhile: list[Callable[[], object]] = []
        self.batch = 2

    def add(
        self,
        title: str,
        *,
        minute: int = 0,
        owner: UserId = ALICE,
        status: str = "todo",
        quest_id: QuestId | None = None,
    ) -> QuestId:
        quest_id = quest_id or QuestId(uuid4())
        self.rows[quest_id] = SearchDocument(
            owner=owner,
            quest_id=quest_id,
            title=title,
            status=status,
            created_at=T0,
            updated_at=at(minute),
        )
        return quest_id

    async def owners(self) -> AsyncIterator[UserId]:
        for owner in sorted({q.owner for q in self.rows.values()}):
            yield owner

    async def quests_of(self, owner: UserId) -> AsyncIterator[list[SearchDocument]]:
        mine = [q for q in self.rows.values() if q.owner == owner]
        for first in range(0, len(mine), self.batch):
            for step in self.meanwhile:
                result = step()
                if hasattr(result, "__await__"):
                    await result  # type: ignore[misc]
            self.meanwhile = []
            yield mine[first : first + self.batch]

    def quests(self, owner: UserId) -> AsyncIterator[list[SearchDocument]]:  # type: ignore[override]
        return self.quests_of(owner)

    async def existing(self, owner: UserId, quest_ids: Collection[QuestId]) -> set[QuestId]:
        return {q for q in quest_ids if q in self.rows and self.rows[q].owner == owner}


async def test_quests_from_before_the_index_become_searchable(make_uow: MakeUow) -> None:
    source = Quests()
    source.add("Fix the bike")
    source.add("Fix the roof", status="done")
    source.add("Bake bread")
    source.add("Fix Bob's sink", owner=BOB)
    assert await found(make_uow, "fix") == []

    report = await reindex(source, make_uow)

    assert report == ReindexReport(owners=2, added=4)
    assert await found(make_uow, "fix") == ["Fix the bike", "Fix the roof"]
    assert await found(make_uow, "fix", status="done") == ["Fix the roof"]
    again = await reindex(source, make_uow)
    assert again == ReindexReport(owners=2, unchanged=4)
    assert await found(make_uow, "fix") == ["Fix the bike", "Fix the roof"]


async def test_one_user_can_be_rebuilt_alone(make_uow: MakeUow) -> None:
    source = Quests()
    source.add("Fix the bike")
    bobs = source.add("Fix Bob's sink", owner=BOB)
    report = await reindex(source, make_uow, owner=ALICE)
    assert report == ReindexReport(owners=1, added=1)
    bob_page = await search_quests(SearchQuests(owner=BOB, text="fix"), make_uow())
    assert bob_page.hits == []
    uow = make_uow()
    async with uow:
        assert await uow.index.get(BOB, bobs) is None


async def test_a_rebuild_takes_newer_quests_and_keeps_newer_events(make_uow: MakeUow) -> None:
    stale, fresh = QuestId(uuid4()), QuestId(uuid4())
    # The index missed an edit of one quest (its event was lost) ...
    await apply(make_uow, created(stale, "Plan trip"), created(fresh, "Book hotel"))
    source = Quests()
    source.add("Plan trip to Lisbon", minute=15, quest_id=stale, status="active")
    # ... and the rebuild read the other quest just before it was edited and completed.
    source.add("Book hotel", minute=1, quest_id=fresh)
    source.meanwhile.append(
        lambda: apply(make_uow, updated(fresh, "Book hotel in Porto", minute=20))
    )
    source.meanwhile.append(lambda: apply(make_uow, completed(fresh, minute=21)))
    source.batch = 1

    report = await reindex(source, make_uow)

    assert report.updated == 1
    assert report.unchanged + report.updated == 2
    assert await found(make_uow, "lisbon", status="active") == ["Plan trip to Lisbon"]
    assert await found(make_uow, "porto", status="done") == ["Book hotel in Porto"]
    assert await found(make_uow, "hotel") == ["Book hotel in Porto"]


async def test_a_rebuild_never_brings_back_a_deleted_quest(make_uow: MakeUow) -> None:
    source = Quests()
    quest = source.add("Return parcel")
    # The quest is deleted (and its event applied) after the rebuild listed it.
    source.meanwhile.append(lambda: apply(make_uow, deleted(quest, minute=3)))
    report = await reindex(source, make_uow)
    assert report.skipped_deleted == 1
    assert report.added == 0
    assert await found(make_uow, "parcel") == []


async def test_a_rebuild_takes_out_quests_that_no_longer_exist(make_uow: MakeUow) -> None:
    gone, kept = QuestId(uuid4()), QuestId(uuid4())
    await apply(make_uow, created(gone, "Cancelled errand"), created(kept, "Kept errand"))
    source = Quests()
    source.add("Kept errand", quest_id=kept)
    # A quest created while the rebuild reads (after its page) is indexed by its event and
    # must stay: the source still has it when asked again.
    late = QuestId(uuid4())
    source.meanwhile.append(lambda: apply(make_uow, created(late, "Late errand", minute=9)))
    source.meanwhile.append(lambda: source.add("Late errand", quest_id=late, minute=9))

    report = await reindex(source, make_uow)

    assert report.removed == 1
    assert await found(make_uow, "errand") == ["Kept errand", "Late errand"]
    # gone for good: its creation event, replayed, does not index it again
    await apply(make_uow, created(gone, "Cancelled errand"))
    assert await found(make_uow, "cancelled") == []


async def test_a_rebuild_never_indexes_a_quest_under_another_owner(make_uow: MakeUow) -> None:
    source = Quests()
    source.add("Secret plan", owner=BOB)

    class Leaky(Quests):
        def quests(self, owner: UserId) -> AsyncIterator[list[SearchDocument]]:  # type: ignore[override]
            return source.quests_of(BOB)

    leaky = Leaky()
    report = await reindex(leaky, make_uow, owner=ALICE)
    assert report == ReindexReport(owners=1)
    assert await found(make_uow, "secret") == []


def test_reports_add_up() -> None:
    total = ReindexReport(owners=1, added=2)
    total.add(ReindexReport(owners=1, updated=1, removed=3))
    assert msgspec.structs.asdict(total) == {
        "owners": 2,
        "added": 2,
        "updated": 1,
        "unchanged": 0,
        "removed": 3,
        "skipped_deleted": 0,
    }
