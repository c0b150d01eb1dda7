"""The search context's use cases: search, suggest, record a search, summarise the query log.

Each takes its ports as arguments. Searches and suggestions only read (any unit of work that
reads will do); :func:`record_search` is meant to run after the answer was sent, so a search
never waits on the query log.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta

import msgspec

from questlog_core.kernel.errors import ValidationFailed
from questlog_core.kernel.ids import UserId
from questlog_core.search.model import (
    RANK_WINDOW,
    QueryRecord,
    QueryStat,
    SearchFilters,
    SearchHit,
    parse_query,
)
from questlog_core.search.ports import SearchUnitOfWork

__all__ = [
    "ANALYTICS_MAX_DAYS",
    "MAX_OFFSET",
    "PAGE_MAX",
    "SearchAnalytics",
    "SearchPage",
    "SearchQuests",
    "record_search",
    "search_analytics",
    "search_quests",
    "suggest_quests",
]

#: largest page of hits
PAGE_MAX = 100
#: deepest a cursor may page: a search ranks at most this many matches
MAX_OFFSET = RANK_WINDOW
#: longest window the query-log summary covers (days)
ANALYTICS_MAX_DAYS = 90


class SearchQuests(msgspec.Struct, frozen=True, kw_only=True):
    """Search the owner's quests for ``text`` (see :func:`~.model.parse_query`)."""

    owner: UserId
    text: str
    prefix: bool = False
    filters: SearchFilters = SearchFilters()
    #: ``next_cursor`` of the previous page, or ``None`` for the first page
    cursor: str | None = None
    limit: int = 20


class SearchPage(msgspec.Struct, frozen=True, kw_only=True):
    """One page of hits, best first; ``next_cursor`` is ``None`` on the last page."""

    hits: list[SearchHit]
    next_cursor: str | None
    #: the words searched for, as the index understood them
    words: tuple[str, ...]


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        tag, _, number = raw.partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        offset = -1
        tag = ""
    if tag != "o" or not 0 < offset <= MAX_OFFSET:
        raise ValidationFailed("cursor", "is not a cursor from a previous answer")
    return offset


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= PAGE_MAX:
        raise ValidationFailed("limit", f"must be between 1 and {PAGE_MAX}")


async def search_quests(command: SearchQuests, uow: SearchUnitOfWork) -> SearchPage:
    """A page of the owner's quests matching the query and filters, best first.

    Raises ``ValidationFailed`` for a bad query (see :func:`~.model.parse_query`), limit or
    cursor. Query syntax characters in ``text`` only separate words: never an error.
    """
    _check_limit(command.limit)
    query = parse_query(command.text, prefix=command.prefix, filters=command.filters)
    offset = _decode_cursor(command.cursor)
    if not query.words:
        return SearchPage(hits=[], next_cursor=None, words=())
    async with uow:
        hits = await uow.index.search(command.owner, query, offset=offset, limit=command.limit + 1)
    more = len(hits) > command.limit and offset + command.limit < MAX_OFFSET
    return SearchPage(
        hits=hits[: command.limit],
        next_cursor=_encode_cursor(offset + command.limit) if more else None,
        words=query.words,
    )


async def suggest_quests(
    owner: UserId, text: str, uow: SearchUnitOfWork, *, limit: int = 8
) -> list[SearchHit]:
    """As-you-type: the owner's best quests whose words begin with the typed words."""
    _check_limit(limit)
    query = parse_query(text, prefix=True)
    if not query.words:
        return []
    async with uow:
        return await uow.index.search(owner, query, limit=limit)


async def record_search(
    command: SearchQuests, page: SearchPage, at: datetime, uow: SearchUnitOfWork
) -> None:
    """Add a search to the query log: first pages of queries with words only (paging on is
    not a new search, and a query of punctuation searched nothing)."""
    if command.cursor is not None or not page.words:
        return
    entry = QueryRecord(
        owner=command.owner, query=" ".join(page.words), results=len(page.hits), at=at
    )
    async with uow:
        await uow.query_log.record(entry)
        await uow.commit()


class SearchAnalytics(msgspec.Struct, frozen=True, kw_only=True):
    """What people searched for over a window: the most run queries and those that found
    nothing (the quests people expect and do not have, or words the index misses)."""

    since: datetime
    until: datetime
    top_queries: list[QueryStat]
    zero_result_queries: list[QueryStat]


async def search_analytics(
    now: datetime, uow: SearchUnitOfWork, *, days: int = 7, limit: int = 20
) -> SearchAnalytics:
    """The query-log summary of the last ``days`` days (1..90), ``limit`` rows (1..100) each."""
    if not 1 <= days <= ANALYTICS_MAX_DAYS:
        raise ValidationFailed("days", f"must be between 1 and {ANALYTICS_MAX_DAYS}")
    _check_limit(limit)
    since = now - timedelta(days=days)
    async with uow:
        top = await uow.query_log.top_queries(since, limit)
        zero = await uow.query_log.zero_result_queries(since, limit)
    return SearchAnalytics(since=since, until=now, top_queries=top, zero_result_queries=zero)
