"""``POST /api/v1/ai/prioritize``: rank quests with a policy, optionally re-ranked by a model."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.datastructures import State
from litestar.params import JSONBody

from apps.ai.dependencies import DEPENDENCIES, AiBus, FeatureUseDep, spend_ai_request
from apps.ai.schemas import Prioritized, PrioritizeIn
from apps.http.dependencies import ClockDep, CurrentUser
from apps.http.permissions import requires
from questlog_core.ai.messages import Prioritize, RankableQuest
from questlog_core.identity.rbac import Permission
from questlog_core.ids import QuestId


class PrioritizeController(Controller):
    path = "/api/v1/ai/prioritize"
    tags = ["ai"]
    dependencies = DEPENDENCIES

    @post(
        "/", status_code=200, rate_limited=True, names_resources=True, **requires(Permission.AI_USE)
    )
    async def prioritize(
        self,
        data: JSONBody[PrioritizeIn],
        user: CurrentUser,
        bus: AiBus,
        usage: FeatureUseDep,
        clock: ClockDep,
        state: State,
    ) -> Response[Prioritized]:
        """Rank the quests in the body, or the caller's open quests (from the AI service's
        read model) when the body has none. Each item carries its score, its own score and
        each factor's contribution; ``rerank_top`` asks the language model to re-order the
        top k with a reason each (that part counts against the AI rate limit)."""
        if data.rerank_top > 0:
            await spend_ai_request(state, user)
        quests = None
        if data.quests is not None:
            quests = tuple(
                RankableQuest(
                    id=q.id,
                    title=q.title,
                    due=q.due,
                    priority=q.priority,
                    difficulty=q.difficulty,
                    estimate_minutes=q.estimate_minutes,
                    progress=q.progress,
                    tags=tuple(q.tags),
                    category=q.category,
                    created_at=q.created_at,
                    started_at=q.started_at,
                    scheduled=q.scheduled,
                    wait_until=q.wait_until,
                    depends_on=tuple(q.depends_on),
                )
                for q in data.quests
            )
        query = Prioritize(
            owner=user.user_id,
            now=clock.now(),
            policy=data.policy,
            quests=quests,
            quest_ids=None if data.quest_ids is None else tuple(QuestId(q) for q in data.quest_ids),
            limit=data.limit,
            rerank_top=data.rerank_top,
        )
        ranked: Prioritized = await bus.handle(query)
        return usage.answered(ranked, "prioritize")
