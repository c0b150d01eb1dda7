"""``POST /api/v1/ai/quick-add``: one line of text → the fields of a new quest."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import JSONBody

from apps.ai.dependencies import DEPENDENCIES, AiBudgetDep, AiModelDep, AiUowDep
from apps.ai.schemas import QuickAdded, QuickAddIn
from apps.http.dependencies import ClockDep, CurrentUser
from apps.http.permissions import requires
from questlog_core.ai.insights import zone_named
from questlog_core.ai.quick_add import QuickAdd, quick_add
from questlog_core.ai.zones import player_zone
from questlog_core.identity.rbac import Permission


class QuickAddController(Controller):
    path = "/api/v1/ai/quick-add"
    tags = ["ai"]
    dependencies = DEPENDENCIES

    @post("/", status_code=200, rate_limited=True, **requires(Permission.AI_USE))
    async def quick_add(
        self,
        data: JSONBody[QuickAddIn],
        user: CurrentUser,
        ai_model: AiModelDep,
        ai_uow: AiUowDep,
        clock: ClockDep,
        ai_budget: AiBudgetDep,
    ) -> QuickAdded:
        """Read title, due date, recurrence (RRULE), priority, tags, estimate and difficulty
        from ``text`` in ``timezone`` (by default the time zone of the caller's profile). The
        local parser reads the common forms; the language
        model is asked only for a line it could not fully read (``method: "model"``). The
        ``quest`` object is in the shape ``POST /api/v1/quests`` accepts."""
        if data.timezone is not None:
            zone_named(data.timezone)
        zone = await player_zone(user.user_id, ai_uow, data.timezone)
        cmd = QuickAdd(owner=user.user_id, text=data.text, now=clock.now(), timezone=zone)
        return await quick_add(cmd, ai_model)
