"""The search context in memory: reference semantics of the index and the query log.

Scores follow the port's rule with fixed field weights (title 1.0, tags 0.4, notes 0.2 per
occurrence of a query word, like PostgreSQL's default ``ts_rank`` weights for A, B, C).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Self

from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import EventId, QuestId, UserId
from questlog_core.search.model import (
    QueryRecord,
    QueryStat,
    SearchDocument,
    SearchHit,
    SearchQuery,
)

__all__ = ["InMemorySearchStore", "InMemorySearchUnitOfWork"]

_WEIGHTS = (1.0, 0.4, 0.2)


class InMemorySearchStore:
    """The index, the query log and the inbox, shared by the units of work made on it."""

    def __init__(self) -> None:
        #: in indexing order: a put moves the quest to the end (dicts keep insertion order)
        self.documents: dict[tuple[UserId, QuestId], SearchDocument] = {}
        self.queries: list[QueryRecord] = []
        #: deleted quests (never indexed again) and when they were deleted
        self.forgotten: dict[tuple[UserId, QuestId], datetime] = {}
        self.inbox: set[tuple[str, EventId]] = set()
        #: what committed units of work recorded (the search service publishes nothing yet)
        self.outbox: list[DomainEvent] = []


def _matches(word: str, candidates: list[str], prefix: bool) -> int:
    if prefix:
        return sum(1 for c in candidates if c.startswith(word))
    return sum(1 for c in candidates if c == word)


def _score(document: SearchDocument, query: SearchQuery) -> float | None:
    fields = (document.title_words, document.tag_words, document.note_words)
    total = 0.0
    for word in query.words:
        found = [_matches(word, field, query.prefix) for field in fields]
        if not any(found):
            return None
        total += sum(w * n for w, n in zip(_WEIGHTS, found, strict=True))
    return total


def _passes(document: SearchDocument, query: SearchQuery) -> bool:
    f = query.filters
    if f.statuses and document.status not in f.statuses:
        return False
    if f.category is not None and document.category != f.category:
        return False
    if any(tag not in document.tags for tag in f.tags):
        return False
    if f.due_from is not None and (document.due is None or document.due < f.due_from):
        return False
    return f.due_before is None or (document.due is not None and document.due < f.due_before)


class _Index:
    def __init__(self, uow: InMemorySearchUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId, quest_id: QuestId) -> SearchDocument | None:
        return self._uow.documents.get((owner, quest_id))

    async def put(self, document: SearchDocument) -> None:
        key = (document.owner, document.quest_id)
        self._uow.documents.pop(key, None)
        self._uow.documents[key] = document

    async def get_many(
        self, owner: UserId, quest_ids: Collection[QuestId]
    ) -> dict[QuestId, SearchDocument]:
        found = (self._uow.documents.get((owner, q)) for q in quest_ids)
        return {doc.quest_id: doc for doc in found if doc is not None}

    async def put_many(self, documents: Sequence[SearchDocument]) -> None:
        for document in documents:
            await self.put(document)

    async def remove(self, owner: UserId, quest_id: QuestId) -> None:
        self._uow.documents.pop((owner, quest_id), None)

    async def forget(self, owner: UserId, quest_id: QuestId, *, at: datetime) -> None:
        self._uow.documents.pop((owner, quest_id), None)
        self._uow.forgotten.setdefault((owner, quest_id), at)

    async def is_forgotten(self, owner: UserId, quest_id: QuestId) -> bool:
        return (owner, quest_id) in self._uow.forgotten

    async def forgotten_among(self, owner: UserId, quest_ids: Collection[QuestId]) -> set[QuestId]:
        return {q for q in quest_ids if (owner, q) in self._uow.forgotten}

    async def quest_ids(self, owner: UserId) -> set[QuestId]:
        return {quest_id for who, quest_id in self._uow.documents if who == owner}

    async def search(
        self, owner: UserId, query: SearchQuery, *, offset: int = 0, limit: int = 20
    ) -> list[SearchHit]:
        if not query.words:
            return []
        scored: list[tuple[float, SearchDocument]] = []
        for (who, _), document in reversed(self._uow.documents.items()):
            if who != owner or not _passes(document, query):
                continue
            score = _score(document, query)
            if score is not None:
                scored.append((score, document))
                if len(scored) == query.window:
                    break
        scored.sort(key=lambda s: (-s[0], -s[1].updated_at.timestamp(), str(s[1].quest_id)))
        return [
            SearchHit(
                quest_id=d.quest_id,
                title=d.title,
                tags=d.tags,
                category=d.category,
                status=d.status,
                due=d.due,
                score=score,
            )
            for score, d in scored[offset : offset + limit]
        ]


class _QueryLog:
    def __init__(self, uow: InMemorySearchUnitOfWork) -> None:
        self._uow = uow

    async def record(self, entry: QueryRecord) -> None:
        self._uow.records.append(entry)

    def _stats(self, since: datetime, limit: int, *, zero_only: bool) -> list[QueryStat]:
        runs: dict[str, list[QueryRecord]] = defaultdict(list)
        for entry in self._uow.records:
            if entry.at >= since and (not zero_only or entry.results == 0):
                runs[entry.query].append(entry)
        stats = [
            QueryStat(
                query=query,
                searches=len(entries),
                users=len({e.owner for e in entries}),
                last_searched_at=max(e.at for e in entries),
            )
            for query, entries in runs.items()
        ]
        stats.sort(key=lambda s: (-s.searches, -s.last_searched_at.timestamp(), s.query))
        return stats[:limit]

    async def top_queries(self, since: datetime, limit: int) -> list[QueryStat]:
        return self._stats(since, limit, zero_only=False)

    async def zero_result_queries(self, since: datetime, limit: int) -> list[QueryStat]:
        return self._stats(since, limit, zero_only=True)


class _Inbox:
    def __init__(self, uow: InMemorySearchUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        return await self._uow.claim(consumer, event_id)


class InMemorySearchUnitOfWork:
    """A transaction over an :class:`InMemorySearchStore`: changes land on commit."""

    def __init__(self, store: InMemorySearchStore) -> None:
        self.store = store
        self.documents: dict[tuple[UserId, QuestId], SearchDocument] = {}
        self.records: list[QueryRecord] = []
        self.forgotten: dict[tuple[UserId, QuestId], datetime] = {}
        self.claims: set[tuple[str, EventId]] = set()
        self.events: list[DomainEvent] = []
        self._last_committed: list[DomainEvent] = []
        self.index = _Index(self)
        self.query_log = _QueryLog(self)
        self.inbox = _Inbox(self)

    async def __aenter__(self) -> Self:
        await self.rollback()
        self._last_committed = []
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.store.documents = dict(self.documents)
        self.store.queries = list(self.records)
        self.store.forgotten = dict(self.forgotten)
        self.store.inbox |= self.claims
        self.store.outbox.extend(self.events)
        self._last_committed = self.events
        self.claims = set()
        self.events = []

    async def rollback(self) -> None:
        """Discard the changes, claims and recorded events; the unit of work goes on."""
        self.documents = dict(self.store.documents)
        self.records = list(self.store.queries)
        self.forgotten = dict(self.store.forgotten)
        self.claims = set()
        self.events = []

    def record(self, *events: DomainEvent) -> None:
        self.events.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        return list(self._last_committed)

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        """Claim ``event_id`` for ``consumer`` in the inbox (what ``inbox.claim`` does)."""
        key = (consumer, event_id)
        if key in self.store.inbox or key in self.claims:
            return False
        self.claims.add(key)
        return True
