"""``/api/v1/search``: full-text search over the caller's quests, and as-you-type suggestions.

A search's words and result count go to the query log after the answer is sent (a background
task with its own unit of work): the caller never waits on it, and a failure to log is logged,
never answered.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import HTTPException
from litestar.params import QueryParameter

from apps.http.dependencies import ClockDep, CurrentUser
from apps.http.permissions import requires
from apps.http.text import SPACE
from apps.search.controllers import SEARCH_PATH
from apps.search.dependencies import DEPENDENCIES, SearchBus
from apps.search.schemas import SearchPageOut, SuggestionsOut
from questlog_core.identity.rbac import Permission
from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.ids import UserId
from questlog_core.search.messages import (
    PAGE_MAX,
    QUERY_MAX_LENGTH,
    QUEST_STATUSES,
    RecordSearch,
    SearchFilters,
    SearchHit,
    SearchPage,
    SearchQuests,
    SuggestQuests,
)

log = logging.getLogger(__name__)

_STATUS = "(?:" + "|".join(QUEST_STATUSES) + ")"
#: one ``status`` value: statuses separated by commas (spaces and empty items ignored)
_STATUS_LIST = {
    "type": "string",
    "pattern": f"^{SPACE}*(?:{_STATUS}{SPACE}*)?(?:,{SPACE}*(?:{_STATUS}{SPACE}*)?)*$",
}

_QUERY = QueryParameter(
    min_length=1,
    max_length=QUERY_MAX_LENGTH,
    description="what to look for: words of the title, tags or notes (all must match); any "
    "punctuation only separates words",
)


def _optional(description: str, **extra: Any) -> Any:
    """An optional text parameter (absent, never null)."""
    return QueryParameter(
        description=description, schema_extra={"one_of": None, "type": "string", **extra}
    )


def _unparseable(name: str, reason: str) -> HTTPException:
    """A 400 naming a query parameter that cannot be read as its type."""
    return HTTPException(status_code=400, detail=f"{name}: {reason}", extra={"field": name})


def _moment(name: str, value: str | None) -> datetime | None:
    """An RFC 3339 date-time with its offset; 400 naming the parameter otherwise."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _unparseable(name, "must be an RFC 3339 date-time") from None
    if moment.tzinfo is None:
        raise _unparseable(name, "must carry its UTC offset")
    return moment


def _flag(name: str, value: str | None) -> bool:
    if value is None:
        return False
    if value not in {"true", "false"}:
        raise _unparseable(name, "must be true or false")
    return value == "true"


async def _log_search(bus: MessageBus[Any], command: RecordSearch) -> None:
    try:
        await bus.handle(command)
    except Exception:
        # The search was answered; only its line in the query log is lost.
        log.warning("search query not recorded in the query log", exc_info=True)


class SearchController(Controller):
    path = SEARCH_PATH
    tags = ["search"]
    dependencies = DEPENDENCIES

    @get("/", **requires(Permission.QUESTS_READ))
    async def search(
        self,
        user: CurrentUser,
        bus: SearchBus,
        clock: ClockDep,
        q: Annotated[str, _QUERY],
        prefix: Annotated[
            str | None,
            QueryParameter(
                description="true: each word also matches the words it begins (as-you-type)",
                schema_extra={"one_of": None, "type": "boolean"},
            ),
        ] = None,
        status: Annotated[
            list[str] | None,
            QueryParameter(
                description="only quests in these statuses (todo, active, done, abandoned, "
                "archived); repeat or comma-separate. Default: any status.",
                schema_extra={"one_of": None, "type": "array", "items": _STATUS_LIST},
            ),
        ] = None,
        tags: Annotated[
            list[str] | None,
            QueryParameter(
                description="only quests carrying every one of these tags (exact; repeat the "
                "parameter for several)",
                schema_extra={"one_of": None, "type": "array", "items": {"type": "string"}},
            ),
        ] = None,
        category: Annotated[str | None, _optional("only quests of this category")] = None,
        due_from: Annotated[
            str | None, _optional("due at or after; RFC 3339 with an offset", format="date-time")
        ] = None,
        due_before: Annotated[
            str | None, _optional("due before; RFC 3339 with an offset", format="date-time")
        ] = None,
        cursor: Annotated[
            str | None,
            QueryParameter(
                max_length=64,
                description="next_cursor of the previous page",
                schema_extra={"one_of": None, "type": "string"},
            ),
        ] = None,
        limit: Annotated[
            int, QueryParameter(ge=1, le=PAGE_MAX, description=f"page size, 1 to {PAGE_MAX}")
        ] = 20,
    ) -> Response[SearchPageOut]:
        """The caller's quests matching every word of ``q`` and every filter, best first: a
        word in the title counts most, then tags, then notes; equal relevance lists the most
        recently updated first. Only the caller's own quests are ever searched. The index
        follows the quest service's events, so a change shows up here a moment later."""
        statuses = tuple(s.strip() for v in status or () for s in v.split(",") if s.strip())
        command = SearchQuests(
            owner=UserId(user.user_id),
            text=q,
            prefix=_flag("prefix", prefix),
            filters=SearchFilters(
                statuses=statuses,
                tags=tuple(tags or ()),
                category=category,
                due_from=_moment("due_from", due_from),
                due_before=_moment("due_before", due_before),
            ),
            cursor=cursor,
            limit=limit,
        )
        page: SearchPage = await bus.handle(command)
        record = RecordSearch(search=command, page=page, at=clock.now())
        task = BackgroundTask(_log_search, bus, record)
        return Response(SearchPageOut.from_domain(page), background=task)

    @get("/suggest", **requires(Permission.QUESTS_READ))
    async def suggest(
        self,
        user: CurrentUser,
        bus: SearchBus,
        q: Annotated[str, _QUERY],
        limit: Annotated[
            int, QueryParameter(ge=1, le=PAGE_MAX, description=f"at most, 1 to {PAGE_MAX}")
        ] = 8,
    ) -> SuggestionsOut:
        """As the caller types: their quests whose words begin with the typed words (``pa``
        finds "Paint the fence"), best first. Not recorded in the query log."""
        query = SuggestQuests(owner=UserId(user.user_id), text=q, limit=limit)
        hits: list[SearchHit] = await bus.handle(query)
        return SuggestionsOut.from_domain(hits)


__all__ = ["SearchController"]
