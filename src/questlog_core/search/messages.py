"""The search context's commands and queries as messages for the bus, and the handler of each.

Searching, suggesting and summarising the query log only read (queries, on the reader's unit
of work); recording a search in the query log is the one command, dispatched after the answer
was sent. :func:`handlers` binds each message to its use case (see
:mod:`questlog_core.search.bootstrap`). The names a controller needs to build a message or read
its answer (filters, statuses, limits) are re-exported here, so a controller needs nothing
deeper than this module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec

from questlog_core.kernel.ids import UserId
from questlog_core.search.model import QUEST_STATUSES, SearchFilters, SearchHit
from questlog_core.search.ports import SearchUnitOfWork
from questlog_core.search.text import QUERY_MAX_LENGTH
from questlog_core.search.use_cases import (
    ANALYTICS_MAX_DAYS,
    PAGE_MAX,
    SearchAnalytics,
    SearchPage,
    SearchQuests,
    record_search,
    search_analytics,
    search_quests,
    suggest_quests,
)

__all__ = [
    "ANALYTICS_MAX_DAYS",
    "PAGE_MAX",
    "QUERIES",
    "QUERY_MAX_LENGTH",
    "QUEST_STATUSES",
    "GetSearchAnalytics",
    "RecordSearch",
    "SearchAnalytics",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "SearchQuests",
    "SuggestQuests",
    "handlers",
]


class SuggestQuests(msgspec.Struct, frozen=True, kw_only=True):
    """As-you-type: the owner's best quests whose words begin with the words of ``text``."""

    owner: UserId
    text: str
    limit: int = 8


class RecordSearch(msgspec.Struct, frozen=True, kw_only=True):
    """Add a search that was answered with ``page`` at ``at`` to the query log."""

    search: SearchQuests
    page: SearchPage
    at: datetime


class GetSearchAnalytics(msgspec.Struct, frozen=True, kw_only=True):
    """The query-log summary of the last ``days`` days before ``now``, ``limit`` rows each."""

    now: datetime
    days: int = 7
    limit: int = 20


#: the search messages that only read
QUERIES: frozenset[type[msgspec.Struct]] = frozenset(
    {SearchQuests, SuggestQuests, GetSearchAnalytics}
)

Handler = Callable[[Any, SearchUnitOfWork], Awaitable[Any]]


def handlers() -> dict[type[msgspec.Struct], Handler]:
    """Every search message mapped to its use case."""

    async def search(q: SearchQuests, uow: SearchUnitOfWork) -> SearchPage:
        return await search_quests(q, uow)

    async def suggest(q: SuggestQuests, uow: SearchUnitOfWork) -> list[SearchHit]:
        return await suggest_quests(q.owner, q.text, uow, limit=q.limit)

    async def record(c: RecordSearch, uow: SearchUnitOfWork) -> None:
        await record_search(c.search, c.page, c.at, uow)

    async def analytics(q: GetSearchAnalytics, uow: SearchUnitOfWork) -> SearchAnalytics:
        return await search_analytics(q.now, uow, days=q.days, limit=q.limit)

    return {
        SearchQuests: search,
        SuggestQuests: suggest,
        RecordSearch: record,
        GetSearchAnalytics: analytics,
    }
