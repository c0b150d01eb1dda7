"""The AI service's dependencies, read from the container in app state.

``bus`` is the AI context's message bus (:mod:`questlog_core.ai.bootstrap`): the controllers
build a query and dispatch it there. Its language model is the chain with this service's local
rules registered on its labelled fallback (once per container); ``ai_budget`` spends one of the
caller's AI requests per minute (``RateLimited`` → 429 with ``Retry-After``) and is declared
only by the routes that can ask a model.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TypeVar

from litestar import Response
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation

from apps.http.dependencies import container_of
from questlog_core.ai.bootstrap import bootstrap
from questlog_core.ai.breakdown import Breakdown, break_down_locally
from questlog_core.ai.classify import Classification, classify_locally
from questlog_core.ai.insights import Narrative, narrate_locally
from questlog_core.ai.messages import RecordFeatureUse
from questlog_core.ai.quick_add import QuickAddDraft, quick_add_locally
from questlog_core.ai.ranking import Rerank, local_rerank
from questlog_core.errors import RateLimited
from questlog_core.identity.tokens import Principal
from questlog_core.kernel.bus import MessageBus
from questlog_core.kernel.ids import EventId, UserId
from questlog_core.ports.ai import AiUnitOfWork, LanguageModel
from questlog_core.ports.platform import RateLimiter

#: the window of the per-user AI rate limit
AI_WINDOW = timedelta(minutes=1)

log = logging.getLogger(__name__)

T = TypeVar("T")


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


async def _record_use(bus: MessageBus[AiUnitOfWork], command: RecordFeatureUse) -> None:
    try:
        await bus.handle(command)
    except Exception:
        # The caller was answered; only this use goes uncounted by analytics.
        log.warning("AI feature use not recorded", exc_info=True)


class FeatureUse:
    """Answers an AI route and, once the answer is sent, records that the caller used the
    feature (:class:`~questlog_core.ai.messages.RecordFeatureUse`: an ``AiFeatureUsed`` event
    in the AI outbox, for analytics). A failure to record never fails the answer."""

    def __init__(self, state: State, user: Principal) -> None:
        self._state = state
        self._user = user

    def answered(self, body: T, feature: str) -> Response[T]:
        """``body`` as the response, with ``feature``'s use recorded after it is sent."""
        container = container_of(self._state)
        command = RecordFeatureUse(
            event_id=EventId(container.ids().new_id()),
            owner=UserId(self._user.user_id),
            feature=feature,
            at=container.clock().now(),
        )
        task = BackgroundTask(_record_use, provide_ai_bus(self._state), command)
        return Response(body, background=task)


def provide_feature_use(state: State, user: SkipValidation[Principal]) -> FeatureUse:
    """The caller's :class:`FeatureUse`."""
    return FeatureUse(state, user)


#: records the caller's use of the route's AI feature (``usage: FeatureUseDep``)
FeatureUseDep = NamedDependency[SkipValidation[FeatureUse]]

DEPENDENCIES["usage"] = Provide(provide_feature_use, sync_to_thread=False)
