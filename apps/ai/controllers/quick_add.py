"""``POST /api/v1/ai/quick-add``: one line of text → the fields of a new quest."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.params import JSONBody

from apps.ai.dependencies import DEPENDENCIES, AiBudgetDep, AiBus, FeatureUseDep
from apps.ai.schemas import QuickAdded, QuickAddIn
from apps.http.dependencies import ClockDep, CurrentUser
from apps.http.permissions import requires
from questlog_core.ai.messages import QuickAdd
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
        bus: AiBus,
        usage: FeatureUseDep,
        clock: ClockDep,
        ai_budget: AiBudgetDep,
    ) -> Response[QuickAdded]:
        """Read title, due date, recurrence (RRULE), priority, tags, estimate and difficulty
        from ``text`` in ``timezone`` (by default the time zone of the caller's profile). The
        local parser reads the common forms; the language
        model is asked only for a line it could not fully read (``method: "model"``). The
        ``quest`` object is in the shape ``POST /api/v1/quests`` accepts."""
        cmd = QuickAdd(owner=user.user_id, text=data.text, now=clock.now(), timezone=data.timezone)
        added: QuickAdded = await bus.handle(cmd)
        return usage.answered(added, "quick_add")
