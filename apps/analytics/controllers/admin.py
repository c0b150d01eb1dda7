"""``/api/v1/analytics/admin``: every player's daily figures (admins only)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from apps.analytics.controllers import ANALYTICS_PATH
from apps.analytics.dependencies import DEPENDENCIES, AnalyticsBus
from apps.analytics.schemas import DailyOut
from apps.http.permissions import requires
from questlog_core.analytics.messages import DAILY_MAX_DAYS, DailyFigures, GetDailyFigures
from questlog_core.identity.rbac import Permission


class AnalyticsAdminController(Controller):
    path = f"{ANALYTICS_PATH}/admin"
    tags = ["analytics"]
    dependencies = DEPENDENCIES

    @get("/daily", **requires(Permission.ANALYTICS_READ_ALL))
    async def daily(
        self,
        bus: AnalyticsBus,
        first: Annotated[
            date, QueryParameter(name="from", description="the first UTC day (YYYY-MM-DD)")
        ],
        last: Annotated[
            date,
            QueryParameter(
                name="to",
                description=f"the last UTC day, included (at most {DAILY_MAX_DAYS} days from "
                "``from``)",
            ),
        ],
    ) -> DailyOut:
        """For each UTC day of the range: how many players did anything Questlog records, how
        many quests were completed and by how many players. No player is named."""
        figures: list[DailyFigures] = await bus.handle(GetDailyFigures(first=first, last=last))
        return DailyOut.from_domain(figures)
