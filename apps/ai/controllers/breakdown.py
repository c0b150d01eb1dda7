"""``POST /api/v1/ai/breakdown``: a preview of one quest as ordered steps (creates nothing)."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.params import JSONBody

from apps.ai.dependencies import DEPENDENCIES, AiBudgetDep, AiBus, FeatureUseDep
from apps.ai.schemas import BreakdownIn, BreakdownPreview
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.ai.messages import BreakDown
from questlog_core.identity.rbac import Permission


class BreakdownController(Controller):
    path = "/api/v1/ai/breakdown"
    tags = ["ai"]
    dependencies = DEPENDENCIES

    @post("/", status_code=200, rate_limited=True, **requires(Permission.AI_USE))
    async def breakdown(
        self,
        data: JSONBody[BreakdownIn],
        user: CurrentUser,
        bus: AiBus,
        usage: FeatureUseDep,
        ai_budget: AiBudgetDep,
    ) -> Response[BreakdownPreview]:
        """Steps in order with estimates and the parent's XP split, as a quest-template body
        (``template``) that ``POST /api/v1/templates`` accepts as is; instantiating it creates
        the sub-quests and their dependency chain."""
        cmd = BreakDown(
            owner=user.user_id,
            title=data.title,
            notes=data.notes,
            difficulty=data.difficulty,
            estimate_minutes=data.estimate_minutes,
            granularity=data.granularity,
        )
        preview: BreakdownPreview = await bus.handle(cmd)
        return usage.answered(preview, "breakdown")
