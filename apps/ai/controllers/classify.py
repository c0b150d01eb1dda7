"""``POST /api/v1/ai/classify``: category, tags, difficulty and estimate, with confidence."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.params import JSONBody

from apps.ai.dependencies import DEPENDENCIES, AiBudgetDep, AiBus, FeatureUseDep
from apps.ai.schemas import Classified, ClassifyIn
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.ai.messages import ClassifyQuest
from questlog_core.identity.rbac import Permission


class ClassifyController(Controller):
    path = "/api/v1/ai/classify"
    tags = ["ai"]
    dependencies = DEPENDENCIES

    @post("/", status_code=200, rate_limited=True, **requires(Permission.AI_USE))
    async def classify(
        self,
        data: JSONBody[ClassifyIn],
        user: CurrentUser,
        bus: AiBus,
        usage: FeatureUseDep,
        ai_budget: AiBudgetDep,
    ) -> Response[Classified]:
        """Classify a title and notes from the caller's own labelled quests (nearest
        neighbours) and keyword rules, or by the language model given those as examples."""
        cmd = ClassifyQuest(owner=user.user_id, title=data.title, notes=data.notes)
        classified: Classified = await bus.handle(cmd)
        return usage.answered(classified, "classify")
