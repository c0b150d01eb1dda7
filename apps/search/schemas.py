"""Response bodies of the search service, built from the use cases' results (``from_domain``),
so the published contract changes only when this file does."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from questlog_core.search.model import QueryStat, SearchHit
from questlog_core.search.use_cases import SearchAnalytics, SearchPage


class SearchHitOut(msgspec.Struct, frozen=True, kw_only=True):
    """A quest that matched; ``score`` orders the hits of one answer (higher is better)."""

    quest_id: UUID
    title: str
    tags: list[str]
    category: str | None
    status: str
    due: datetime | None
    score: float

    @classmethod
    def from_domain(cls, hit: SearchHit) -> SearchHitOut:
        return cls(
            quest_id=hit.quest_id,
            title=hit.title,
            tags=list(hit.tags),
            category=hit.category,
            status=hit.status,
            due=hit.due,
            score=hit.score,
        )


class SearchPageOut(msgspec.Struct, frozen=True, kw_only=True):
    """A page of hits, best first; pass ``next_cursor`` back as ``cursor`` for the next one
    (``null`` on the last page). ``words`` are the words searched for, as the index read the
    query (punctuation and query syntax only separate words)."""

    items: list[SearchHitOut]
    next_cursor: str | None
    words: list[str]

    @classmethod
    def from_domain(cls, page: SearchPage) -> SearchPageOut:
        return cls(
            items=[SearchHitOut.from_domain(h) for h in page.hits],
            next_cursor=page.next_cursor,
            words=list(page.words),
        )


class SuggestionOut(msgspec.Struct, frozen=True, kw_only=True):
    """A quest whose words begin with what was typed."""

    quest_id: UUID
    title: str
    status: str


class SuggestionsOut(msgspec.Struct, frozen=True, kw_only=True):
    """The best matches first."""

    items: list[SuggestionOut]

    @classmethod
    def from_domain(cls, hits: list[SearchHit]) -> SuggestionsOut:
        return cls(
            items=[SuggestionOut(quest_id=h.quest_id, title=h.title, status=h.status) for h in hits]
        )


class QueryStatOut(msgspec.Struct, frozen=True, kw_only=True):
    """A query (its words, normalised), how often it was run, by how many people, last when."""

    query: str
    searches: int
    users: int
    last_searched_at: datetime

    @classmethod
    def from_domain(cls, stat: QueryStat) -> QueryStatOut:
        return cls(
            query=stat.query,
            searches=stat.searches,
            users=stat.users,
            last_searched_at=stat.last_searched_at,
        )


class SearchAnalyticsOut(msgspec.Struct, frozen=True, kw_only=True):
    """What everyone searched for in ``[since, until)``: the most run queries and the queries
    that found nothing. No user is named."""

    since: datetime
    until: datetime
    top_queries: list[QueryStatOut]
    zero_result_queries: list[QueryStatOut]

    @classmethod
    def from_domain(cls, summary: SearchAnalytics) -> SearchAnalyticsOut:
        return cls(
            since=summary.since,
            until=summary.until,
            top_queries=[QueryStatOut.from_domain(s) for s in summary.top_queries],
            zero_result_queries=[QueryStatOut.from_domain(s) for s in summary.zero_result_queries],
        )
