"""``POST /api/v1/ai/suggest``: what to do next for the time and energy available."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.params import JSONBody

from apps.ai.dependencies import DEPENDENCIES, AiBus, FeatureUseDep
from apps.ai.schemas import SuggestIn, Suggestions
from apps.http.dependencies import ClockDep, CurrentUser
from apps.http.permissions import requires
from questlog_core.ai.messages import Suggest
from questlog_core.identity.rbac import Permission


class SuggestController(Controller):
    path = "/api/v1/ai/suggest"
    tags = ["ai"]
    dependencies = DEPENDENCIES

    @post("/", status_code=200, **requires(Permission.AI_USE))
    async def suggest(
        self,
        data: JSONBody[SuggestIn],
        user: CurrentUser,
        bus: AiBus,
        usage: FeatureUseDep,
        clock: ClockDep,
    ) -> Response[Suggestions]:
        """The best-ranked open, unblocked quests (read model) that fit ``minutes`` and whose
        difficulty suits ``energy`` (low: trivial/easy; medium: up to medium; high: any).
        With ``title``, also the caller's similar past quests with their real durations and
        open quests that look like duplicates of it; with ``templates``, groups of alike done
        quests worth saving as a template. No language model is asked."""
        cmd = Suggest(
            owner=user.user_id,
            now=clock.now(),
            minutes=data.minutes,
            energy=data.energy,
            limit=data.limit,
            title=data.title,
            templates=data.templates,
        )
        suggestions: Suggestions = await bus.handle(cmd)
        return usage.answered(suggestions, "suggest")
