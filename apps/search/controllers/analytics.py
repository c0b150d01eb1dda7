"""``/api/v1/search/analytics``: what everyone searches for (admins only)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from apps.http.dependencies import ClockDep
from apps.http.permissions import requires
from apps.search.controllers import SEARCH_PATH
from apps.search.dependencies import DEPENDENCIES, SearchBus
from apps.search.schemas import SearchAnalyticsOut
from questlog_core.identity.rbac import Permission
from questlog_core.search.messages import (
    ANALYTICS_MAX_DAYS,
    PAGE_MAX,
    GetSearchAnalytics,
    SearchAnalytics,
)


class SearchAnalyticsController(Controller):
    path = f"{SEARCH_PATH}/analytics"
    tags = ["search"]
    dependencies = DEPENDENCIES

    @get("/", **requires(Permission.SEARCH_ANALYTICS_READ))
    async def analytics(
        self,
        bus: SearchBus,
        clock: ClockDep,
        days: Annotated[
            int,
            QueryParameter(
                ge=1,
                le=ANALYTICS_MAX_DAYS,
                description=f"the window: the last 1 to {ANALYTICS_MAX_DAYS} days",
            ),
        ] = 7,
        limit: Annotated[
            int, QueryParameter(ge=1, le=PAGE_MAX, description=f"rows per list, 1 to {PAGE_MAX}")
        ] = 20,
    ) -> SearchAnalyticsOut:
        """The most run queries and the queries that found nothing over the window, most
        searched first, with how many people ran each (never who). Suggestions as one types
        and later pages of a search are not counted."""
        query = GetSearchAnalytics(now=clock.now(), days=days, limit=limit)
        summary: SearchAnalytics = await bus.handle(query)
        return SearchAnalyticsOut.from_domain(summary)
