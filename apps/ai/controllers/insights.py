"""``GET /api/v1/ai/insights`` (figures) and ``POST /api/v1/ai/analyze`` (figures + narrative)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import JSONBody, QueryParameter

from apps.ai.dependencies import DEPENDENCIES, AiBudgetDep, AiBus, FeatureUseDep
from apps.ai.schemas import Analysis, AnalyzeIn, Insights
from apps.http.dependencies import ClockDep, CurrentUser
from apps.http.permissions import requires
from questlog_core.ai.messages import Analyze, GetInsights
from questlog_core.identity.rbac import Permission


class InsightsController(Controller):
    path = "/api/v1/ai"
    tags = ["ai"]
    dependencies = DEPENDENCIES

    @get("/insights", **requires(Permission.AI_USE))
    async def insights(
        self,
        user: CurrentUser,
        bus: AiBus,
        usage: FeatureUseDep,
        clock: ClockDep,
        timezone: Annotated[
            str | None,
            QueryParameter(
                description="IANA time zone of the hour/weekday buckets "
                "(default: the profile's time zone)",
                max_length=64,
                schema_extra={"one_of": None, "type": "string"},
            ),
        ] = None,
        days: Annotated[int, QueryParameter(ge=1, le=365, description="window in days")] = 30,
    ) -> Response[Insights]:
        """Completions by hour and weekday, estimate accuracy, category balance and overdue
        trend over the last ``days`` days, plus short sentences; no language model."""
        query = GetInsights(
            owner=user.user_id, now=clock.now(), timezone=timezone, window_days=days
        )
        figures: Insights = await bus.handle(query)
        return usage.answered(figures, "insights")

    @post("/analyze", status_code=200, rate_limited=True, **requires(Permission.AI_USE))
    async def analyze(
        self,
        data: JSONBody[AnalyzeIn],
        user: CurrentUser,
        bus: AiBus,
        usage: FeatureUseDep,
        clock: ClockDep,
        ai_budget: AiBudgetDep,
    ) -> Response[Analysis]:
        """The insights plus a short narrative by the language model (the local fallback
        returns the computed sentences, ``degraded: true``)."""
        query = Analyze(
            owner=user.user_id, now=clock.now(), timezone=data.timezone, window_days=data.days
        )
        analysis: Analysis = await bus.handle(query)
        return usage.answered(analysis, "analyze")
