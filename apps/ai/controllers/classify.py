"""``POST /api/v1/ai/classify``: category, tags, difficulty and estimate, with confidence."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import JSONBody

from apps.ai.dependencies import (
    DEPENDENCIES,
    AiBudgetDep,
    AiModelDep,
    AiUowDep,
    EmbedderDep,
    VectorIndexDep,
)
from apps.ai.schemas import Classified, ClassifyIn
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.ai.classify import ClassifyQuest, classify
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
        ai_uow: AiUowDep,
        ai_model: AiModelDep,
        embedder: EmbedderDep,
        vector_index: VectorIndexDep,
        ai_budget: AiBudgetDep,
    ) -> Classified:
        """Classify a title and notes from the caller's own labelled quests (nearest
        neighbours) and keyword rules, or by the language model given those as examples."""
        cmd = ClassifyQuest(owner=user.user_id, title=data.title, notes=data.notes)
        return await classify(cmd, ai_uow, ai_model, embedder, vector_index)
