"""The search bus is the search controllers' only way in: one handler per message, and no
search controller imports a use case."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import msgspec
import pytest

from adapters.memory.search import InMemorySearchStore, InMemorySearchUnitOfWork
from questlog_core.ids import QuestId, UserId
from questlog_core.kernel.bus import MessageBus
from questlog_core.search import messages as search
from questlog_core.search.bootstrap import bootstrap
from questlog_core.search.model import SearchDocument
from questlog_core.search.ports import SearchUnitOfWork
from tests.unit.imports_of import ROOT, imported_modules

OWNER = UserId(UUID(int=7))
STRANGER = UserId(UUID(int=8))
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
#: exported for building a message or reading an answer, not messages themselves
PARTS = {search.SearchFilters, search.SearchHit, search.SearchPage, search.SearchAnalytics}
MESSAGES = {
    obj
    for name in search.__all__
    if isinstance(obj := getattr(search, name), type) and issubclass(obj, msgspec.Struct)
} - PARTS
CONTROLLERS = sorted((ROOT / "apps/search/controllers").glob("[!_]*.py"))


def _bus(store: InMemorySearchStore) -> MessageBus[SearchUnitOfWork]:
    return bootstrap(
        writer=lambda: InMemorySearchUnitOfWork(store),
        reader=lambda: InMemorySearchUnitOfWork(store),
    )


def test_every_search_message_has_exactly_one_handler() -> None:
    every = search.handlers()
    assert set(every) == MESSAGES
    assert search.QUERIES < MESSAGES  # recording a search is the one command
    bus = _bus(InMemorySearchStore())
    assert all(bus.handles(message) for message in MESSAGES)
    with pytest.raises(ValueError, match="has a handler already"):
        bus.register_query(search.SearchQuests, every[search.SearchQuests])


@pytest.mark.parametrize("path", CONTROLLERS, ids=lambda p: p.name)
def test_search_controllers_import_only_the_messages(path: Path) -> None:
    imported = imported_modules(path)
    assert "questlog_core.search.messages" in imported
    reaching_past_the_bus = {
        name
        for name in imported
        if name.startswith(("questlog_core.search", "questlog_core.services"))
        and name != "questlog_core.search.messages"
    }
    assert reaching_past_the_bus == set()


async def test_a_search_through_the_bus_finds_only_the_owners_quest_and_is_logged() -> None:
    store = InMemorySearchStore()
    for owner, number in ((OWNER, 1), (STRANGER, 2)):
        document = SearchDocument(
            owner=owner,
            quest_id=QuestId(UUID(int=number)),
            title="Paint the fence",
            created_at=NOW,
            updated_at=NOW,
        )
        store.documents[(owner, document.quest_id)] = document
    bus = _bus(store)
    command = search.SearchQuests(owner=OWNER, text="fence")
    page = await bus.handle(command)
    assert [hit.quest_id for hit in page.hits] == [QuestId(UUID(int=1))]
    suggested = await bus.handle(search.SuggestQuests(owner=OWNER, text="pa"))
    assert [hit.quest_id for hit in suggested] == [QuestId(UUID(int=1))]

    await bus.handle(search.RecordSearch(search=command, page=page, at=NOW))
    summary = await bus.handle(search.GetSearchAnalytics(now=NOW, days=1))
    assert [(row.query, row.searches) for row in summary.top_queries] == [("fence", 1)]
