"""The AI service's dependencies, read from the container in app state.

``bus`` is the AI context's message bus (:mod:`questlog_core.ai.bootstrap`): the controllers
build a query and dispatch it there. Its language model is the chain with this service's local
rules registered on its labelled fallback (once per container); ``ai_budget`` spends one of the
caller's AI requests per minute (``RateLimited`` → 429 with ``Retry-After``) and is declared
only by the routes that can ask a model.
"""

from __future__ import annotations

from datetime import timedelta

from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.ai.bootstrap import bootstrap
from questlog_core.ai.breakdown import Breakdown, break_down_locally
from questlog_core.ai.classify import Classification, classify_locally
from questlog_core.ai.insights import Narrative, narrate_locally
from questlog_core.ai.quick_add import QuickAddDraft, quick_add_locally
from questlog_core.ai.ranking import Rerank, local_rerank
from questlog_core.errors import RateLimited
from questlog_core.identity.tokens import Principal
from questlog_core.kernel.bus import MessageBus
from questlog_core.ports.ai import AiUnitOfWork, LanguageModel
from questlog_core.ports.platform import RateLimiter

#: the window of the per-user AI rate limit
AI_WINDOW = timedelta(minutes=1)


def provide_ai_model(state: State) -> LanguageModel:
    container = container_of(state)
    local = container.local_language_model()
    if not local.answers(Rerank):
        local.register(Rerank, local_rerank)
        local.register(Classification, classify_locally)
        local.register(Breakdown, break_down_locally)
        local.register(QuickAddDraft, quick_add_locally)
        local.register(Narrative, narrate_locally)
    model: LanguageModel = container.language_model()
    return model


def provide_ai_bus(state: State) -> MessageBus[AiUnitOfWork]:
    """The AI bus, bootstrapped once per app. It asks the container for the read model's
    unit of work, the language model, the embedder and the vector index on every query, so
    a provider replaced later is used."""
    bus: MessageBus[AiUnitOfWork] | None = getattr(state, "ai_bus", None)
    if bus is None:
        container = container_of(state)
        bus = bootstrap(
            reader=container.ai_uow,
            model=lambda: provide_ai_model(state),
            embedder=container.embedder,
            index=container.vector_index,
        )
        state.ai_bus = bus
    return bus


async def spend_ai_request(state: State, user: Principal) -> int:
    """Spend one AI request of ``user``'s per-minute budget; the requests left
    (``RateLimited`` when none is)."""
    container = container_of(state)
    limit = int(container.config.ai_requests_per_minute())
    limiter: RateLimiter = container.rate_limiter()
    decision = await limiter.hit(f"ai:{user.user_id}", limit, AI_WINDOW)
    if not decision.allowed:
        raise RateLimited(decision.retry_after_seconds)
    return decision.remaining


async def provide_ai_budget(state: State, user: SkipValidation[Principal]) -> int:
    """The routes that always may ask a model spend one request before they run."""
    return await spend_ai_request(state, user)


#: the AI bus, as a handler parameter (``bus: AiBus``)
AiBus = NamedDependency[SkipValidation[MessageBus[AiUnitOfWork]]]
AiBudgetDep = NamedDependency[int]

DEPENDENCIES: dict[str, Provide] = {
    "bus": Provide(provide_ai_bus, sync_to_thread=False),
    "ai_budget": Provide(provide_ai_budget),
}
