"""Contract suite of the search context on memory, SQLite (FTS5) and PostgreSQL (tsvector).

Quests reach the index only through quest events (the projection use case), as they do in
production; searches go through the use cases. Every backend must agree on what is found,
in what order, and that nobody ever finds another user's quest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import msgspec
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.search import InMemorySearchStore, InMemorySearchUnitOfWork
from adapters.sql.search import SqlSearchUnitOfWork
from questlog_core.errors import ValidationFailed
from questlog_core.events import DomainEvent
from questlog_core.events.quests import (
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestFacts,
    QuestStarted,
    QuestUpdated,
)
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.search.model import QueryRecord, SearchFilters
from questlog_core.search.ports import SearchUnitOfWork
from questlog_core.search.projection import index_quest_event
from questlog_core.search.use_cases import (
    SearchQuests,
    search_analytics,
    search_quests,
    suggest_quests,
)

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


def eid() -> EventId:
    return EventId(uuid4())


_minutes = iter(range(1, 1_000_000))


def created(
    owner: UserId,
    title: str,
    *,
    notes: str = "",
    tags: tuple[str, ...] = (),
    category: str | None = None,
    due: datetime | None = None,
    quest_id: QuestId | None = None,
) -> QuestCreated:
    # Each quest a minute later than the last: ties in relevance go to the newest.
    return QuestCreated(
        event_id=eid(),
        occurred_at=T0 + timedelta(minutes=next(_minutes)),
        owner=owner,
        quest_id=quest_id or QuestId(uuid4()),
        title=title,
        difficulty="easy",
        category=category,
        due=due,
        tags=tags,
        notes=notes,
    )


async def index(make_uow: MakeUow, *events: DomainEvent) -> None:
    for event in events:
        await index_quest_event(event, make_uow())


async def titles(
    make_uow: MakeUow,
    text: str,
    owner: UserId = ALICE,
    *,
    prefix: bool = False,
    filters: SearchFilters | None = None,
) -> list[str]:
    command = SearchQuests(
        owner=owner, text=text, prefix=prefix, filters=filters or SearchFilters(), limit=100
    )
    page = await search_quests(command, make_uow())
    return [hit.title for hit in page.hits]


async def test_a_created_quest_is_found_by_any_word_of_its_title_tags_or_notes(
    make_uow: MakeUow,
) -> None:
    await index(
        make_uow,
        created(ALICE, "Paint the fence", notes="Buy white paint first", tags=("garden",)),
    )
    assert await titles(make_uow, "fence") == ["Paint the fence"]
    assert await titles(make_uow, "white") == ["Paint the fence"]
    assert await titles(make_uow, "garden") == ["Paint the fence"]
    assert await titles(make_uow, "PAINT Fence") == ["Paint the fence"]
    assert await titles(make_uow, "roof") == []


async def test_every_word_must_match(make_uow: MakeUow) -> None:
    await index(make_uow, created(ALICE, "Paint the fence"), created(ALICE, "Paint the roof"))
    assert await titles(make_uow, "paint roof") == ["Paint the roof"]
    assert sorted(await titles(make_uow, "paint")) == ["Paint the fence", "Paint the roof"]


async def test_a_title_match_ranks_above_a_tag_match_above_a_notes_match(
    make_uow: MakeUow,
) -> None:
    # Created title-first, so recency alone would put them in the opposite order.
    await index(
        make_uow,
        created(ALICE, "Pay the bills"),
        created(ALICE, "Renew passport", tags=("bills",)),
        created(ALICE, "Call mum", notes="ask about the bills from the flat"),
    )
    assert await titles(make_uow, "bills") == ["Pay the bills", "Renew passport", "Call mum"]


async def test_equal_relevance_lists_the_most_recently_updated_first(make_uow: MakeUow) -> None:
    older, newer = created(ALICE, "Water plants"), created(ALICE, "Water lawn")
    await index(make_uow, older, newer)
    assert await titles(make_uow, "water") == ["Water lawn", "Water plants"]


async def test_prefix_search_finds_words_that_begin_with_what_was_typed(
    make_uow: MakeUow,
) -> None:
    await index(make_uow, created(ALICE, "Paint the fence"), created(ALICE, "Pack for Paris"))
    assert await titles(make_uow, "pai") == []
    assert await titles(make_uow, "pai", prefix=True) == ["Paint the fence"]
    assert sorted(await titles(make_uow, "pa", prefix=True)) == [
        "Pack for Paris",
        "Paint the fence",
    ]
    assert await titles(make_uow, "pa par", prefix=True) == ["Pack for Paris"]
    hits = await suggest_quests(ALICE, "fen", make_uow())
    assert [h.title for h in hits] == ["Paint the fence"]


async def test_nobody_finds_another_users_quests(make_uow: MakeUow) -> None:
    await index(make_uow, created(ALICE, "Secret birthday plan"), created(BOB, "Birthday cake"))
    assert await titles(make_uow, "birthday", BOB) == ["Birthday cake"]
    assert await titles(make_uow, "secret", BOB) == []
    assert await titles(make_uow, "sec", BOB, prefix=True) == []
    assert await titles(make_uow, "birthday", ALICE) == ["Secret birthday plan"]


async def test_filters_combine_with_the_words(make_uow: MakeUow) -> None:
    home = created(ALICE, "Fix the tap", tags=("home", "50%_off"), category="chores")
    work = created(
        ALICE, "Fix the build", tags=("work",), category="job", due=T0 + timedelta(days=3)
    )
    late = created(ALICE, "Fix the bike", tags=("home",), due=T0 + timedelta(days=10))
    await index(make_uow, home, work, late)
    await index(
        make_uow,
        QuestStarted(
            event_id=eid(), occurred_at=T0 + timedelta(hours=1), owner=ALICE, quest_id=work.quest_id
        ),
    )

    def only(**kw: object) -> SearchFilters:
        return SearchFilters(**kw)  # type: ignore[arg-type]

    assert await titles(make_uow, "fix", filters=only(statuses=("active",))) == ["Fix the build"]
    assert sorted(await titles(make_uow, "fix", filters=only(statuses=("todo", "active")))) == [
        "Fix the bike",
        "Fix the build",
        "Fix the tap",
    ]
    assert sorted(await titles(make_uow, "fix", filters=only(tags=("home",)))) == [
        "Fix the bike",
        "Fix the tap",
    ]
    # Tags match exactly: LIKE wildcards in a tag are plain characters.
    assert await titles(make_uow, "fix", filters=only(tags=("50%_off",))) == ["Fix the tap"]
    assert await titles(make_uow, "fix", filters=only(tags=("50%",))) == []
    assert await titles(make_uow, "fix", filters=only(tags=("hom",))) == []
    assert await titles(make_uow, "fix", filters=only(tags=("home", "work"))) == []
    assert await titles(make_uow, "fix", filters=only(category="job")) == ["Fix the build"]
    window = only(due_from=T0, due_before=T0 + timedelta(days=5))
    assert await titles(make_uow, "fix", filters=window) == ["Fix the build"]
    assert await titles(make_uow, "fix", filters=only(due_from=T0 + timedelta(days=5))) == [
        "Fix the bike"
    ]


async def test_the_index_follows_edits_completion_and_deletion(make_uow: MakeUow) -> None:
    quest = created(ALICE, "Read a book", notes="something light")
    await index(make_uow, quest)
    facts = QuestFacts(title="Read a novel", difficulty="easy", notes="crime, set in Oslo")
    edit = QuestUpdated(
        event_id=eid(),
        occurred_at=T0 + timedelta(hours=1),
        owner=ALICE,
        quest_id=quest.quest_id,
        changes=("title", "notes"),
        after=facts,
    )
    await index(make_uow, edit)
    assert await titles(make_uow, "book") == []
    assert await titles(make_uow, "light") == []
    assert await titles(make_uow, "oslo novel") == ["Read a novel"]

    done = QuestCompleted(
        event_id=eid(),
        occurred_at=T0 + timedelta(hours=2),
        owner=ALICE,
        quest_id=quest.quest_id,
        occurrence=0,
        difficulty="easy",
        priority=0,
        due=None,
        completed_at=T0 + timedelta(hours=2),
        created_at=quest.occurred_at,
        on_time=True,
        owner_timezone="UTC",
    )
    await index(make_uow, done)
    assert await titles(make_uow, "novel", filters=SearchFilters(statuses=("done",))) == [
        "Read a novel"
    ]
    assert await titles(make_uow, "novel", filters=SearchFilters(statuses=("todo",))) == []

    gone = QuestDeleted(
        event_id=eid(),
        occurred_at=T0 + timedelta(hours=3),
        owner=ALICE,
        quest_id=quest.quest_id,
        status="done",
    )
    await index(make_uow, gone)
    assert await titles(make_uow, "novel") == []
    assert await titles(make_uow, "nov", prefix=True) == []


async def test_a_redelivered_event_changes_nothing(make_uow: MakeUow) -> None:
    quest = created(ALICE, "Walk the dog")
    assert await index_quest_event(quest, make_uow()) is True
    gone = QuestDeleted(
        event_id=eid(),
        occurred_at=T0 + timedelta(hours=1),
        owner=ALICE,
        quest_id=quest.quest_id,
        status="todo",
    )
    await index(make_uow, gone)
    # The creation arrives again (at-least-once delivery): the quest stays deleted.
    assert await index_quest_event(quest, make_uow()) is False
    assert await titles(make_uow, "dog") == []


async def test_words_in_any_script_and_form_are_found(make_uow: MakeUow) -> None:
    await index(
        make_uow,
        created(ALICE, "Café crème brûlée"),
        created(ALICE, "Купить молоко"),
        created(ALICE, "日本語 練習", notes="ｆｕｌｌｗｉｄｔｈ letters"),
        created(ALICE, "Straße fegen"),
    )
    assert await titles(make_uow, "CAFÉ") == ["Café crème brûlée"]
    assert await titles(make_uow, "brûlée crème") == ["Café crème brûlée"]
    assert await titles(make_uow, "cafe") == []  # accents are kept: café is not cafe
    assert await titles(make_uow, "МОЛОКО") == ["Купить молоко"]
    assert await titles(make_uow, "мол", prefix=True) == ["Купить молоко"]
    assert await titles(make_uow, "練習") == ["日本語 練習"]
    assert await titles(make_uow, "fullwidth") == ["日本語 練習"]
    assert await titles(make_uow, "straße") == ["Straße fegen"]


HOSTILE = [
    '"',
    '""paint',
    "paint*",
    "*",
    "paint OR roof",
    "NEAR(paint fence)",
    "title:paint",
    "paint:*",
    "'",
    "pa'int",
    "!paint & (fence | roof)",
    "-paint",
    "^paint",
    "paint + fence",
    "\\",
    "%_",
    "AND",
    "NOT",
    "):*&|!",
    "'':*",
    "{title notes}: paint",
]


@pytest.mark.parametrize("prefix", [False, True])
async def test_query_syntax_in_user_input_never_fails(make_uow: MakeUow, prefix: bool) -> None:
    await index(make_uow, created(ALICE, "Paint the fence"))
    for text in HOSTILE:
        found = await titles(make_uow, text, prefix=prefix)
        assert found in ([], ["Paint the fence"]), text
    # The syntax is not obeyed: an OR is a word that must match too, a - does not exclude.
    assert await titles(make_uow, "paint OR roof", prefix=prefix) == []
    assert await titles(make_uow, "-paint", prefix=prefix) == ["Paint the fence"]
    assert await titles(make_uow, "title:paint", prefix=prefix) == []


async def test_pages_follow_one_another_without_overlap(make_uow: MakeUow) -> None:
    await index(make_uow, *(created(ALICE, f"Chore number {n}") for n in range(7)))
    seen: list[str] = []
    cursor: str | None = None
    while True:
        command = SearchQuests(owner=ALICE, text="chore", cursor=cursor, limit=3)
        page = await search_quests(command, make_uow())
        seen += [h.title for h in page.hits]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [f"Chore number {n}" for n in reversed(range(7))]


async def test_bad_queries_are_refused_with_the_field(make_uow: MakeUow) -> None:
    for command, field in [
        (SearchQuests(owner=ALICE, text="x" * 201), "q"),
        (SearchQuests(owner=ALICE, text=" ".join(f"w{n}" for n in range(9))), "q"),
        (SearchQuests(owner=ALICE, text="a", limit=0), "limit"),
        (SearchQuests(owner=ALICE, text="a", cursor="not-a-cursor"), "cursor"),
        (SearchQuests(owner=ALICE, text="a", filters=SearchFilters(statuses=("late",))), "status"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            await search_quests(command, make_uow())
        assert caught.value.field == field


async def test_the_query_log_counts_top_and_zero_result_queries_in_the_window(
    make_uow: MakeUow,
) -> None:
    now = T0 + timedelta(days=30)
    entries = [
        QueryRecord(owner=ALICE, query="paint", results=3, at=now - timedelta(hours=1)),
        QueryRecord(owner=BOB, query="paint", results=1, at=now - timedelta(hours=2)),
        QueryRecord(owner=ALICE, query="paint", results=3, at=now - timedelta(hours=3)),
        QueryRecord(owner=ALICE, query="taxes", results=0, at=now - timedelta(hours=4)),
        QueryRecord(owner=BOB, query="taxes", results=0, at=now - timedelta(hours=5)),
        QueryRecord(owner=BOB, query="unicorn", results=0, at=now - timedelta(hours=6)),
        # outside a 7-day window
        QueryRecord(owner=BOB, query="ancient", results=0, at=now - timedelta(days=8)),
    ]
    async with make_uow() as uow:
        for entry in entries:
            await uow.query_log.record(entry)
        await uow.commit()

    summary = await search_analytics(now, make_uow(), days=7, limit=10)
    top = [(s.query, s.searches, s.users) for s in summary.top_queries]
    assert top == [("paint", 3, 2), ("taxes", 2, 2), ("unicorn", 1, 1)]
    assert summary.top_queries[0].last_searched_at == now - timedelta(hours=1)
    zero = [(s.query, s.searches) for s in summary.zero_result_queries]
    assert zero == [("taxes", 2), ("unicorn", 1)]
    wider = await search_analytics(now, make_uow(), days=30, limit=1)
    assert [s.query for s in wider.zero_result_queries] == ["taxes"]


async def test_a_bulk_load_is_searchable_like_single_puts(make_uow: MakeUow) -> None:
    # put_many is the bulk path of rebuilds and benchmarks (every adapter has it)
    from questlog_core.search.model import SearchDocument

    documents = [
        SearchDocument(
            owner=ALICE,
            quest_id=QuestId(uuid4()),
            title=f"Bulk quest {n}",
            notes="loaded in one go" if n % 2 else "loaded in two steps",
            tags=("bulk",),
            created_at=T0,
            updated_at=T0 + timedelta(minutes=n),
        )
        for n in range(5)
    ]
    uow = make_uow()
    async with uow:
        await uow.index.put_many(documents)
        await uow.commit()
    assert await titles(make_uow, "bulk") == [f"Bulk quest {n}" for n in reversed(range(5))]
    assert await titles(make_uow, "go") == ["Bulk quest 3", "Bulk quest 1"]
    assert await titles(make_uow, "bulk", BOB) == []


async def test_only_the_most_recently_indexed_matches_are_ranked(make_uow: MakeUow) -> None:
    from questlog_core.search.model import parse_query

    old_best = created(ALICE, "Alpha alpha", notes="alpha")
    rest = [created(ALICE, f"Quest {n}", notes="alpha") for n in range(3)]
    await index(make_uow, old_best, *rest)
    query = msgspec.structs.replace(parse_query("alpha"), window=3)
    async with make_uow() as uow:
        hits = await uow.index.search(ALICE, query)
    # The oldest quest would rank first, but only the three newest matches are considered.
    assert [h.title for h in hits] == ["Quest 2", "Quest 1", "Quest 0"]
    # Editing a quest makes it the most recently indexed.
    edit = QuestUpdated(
        event_id=eid(),
        occurred_at=T0 + timedelta(days=1),
        owner=ALICE,
        quest_id=old_best.quest_id,
        changes=("notes",),
        after=QuestFacts(title="Alpha alpha", difficulty="easy", notes="alpha again"),
    )
    await index(make_uow, edit)
    async with make_uow() as uow:
        hits = await uow.index.search(ALICE, query)
    assert [h.title for h in hits] == ["Alpha alpha", "Quest 2", "Quest 1"]
