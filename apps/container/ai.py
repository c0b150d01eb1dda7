"""The AI part: the AI service's read model of quests and its inbox, the language-model chain
(``language_model``: the chosen provider, the other when its key is set, the labelled local
fallback last, each behind a circuit breaker; metered per user and cached by input hash), the
embedder and the vector index."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dependency_injector import providers

from adapters.llm.costs import CachedLanguageModel, MeteredLanguageModel
from adapters.llm.failover import CircuitBreaker, FailoverLanguageModel, Link
from adapters.llm.local import LocalLanguageModel
from adapters.memory.ai import InMemoryAiStore, InMemoryAiUnitOfWork, InMemoryTokenUsageLedger
from adapters.memory.clock import SystemClock
from adapters.sql.ai import SqlAiUnitOfWork, SqlTokenUsageLedger
from adapters.vectors.embedders import HashingEmbedder
from adapters.vectors.numpy_index import NumpyVectorIndex
from apps.container.platform import OpenClients, Platform
from apps.settings import Settings
from questlog_core.ports.ai import LanguageModel, TokenUsageLedger
from questlog_core.ports.platform import Cache


def _provider_model(settings: Settings, provider: str, clients: OpenClients) -> Any:
    """The OpenAI or Anthropic adapter, with the settings' explicit timeout and retries."""
    if provider == "openai":
        from adapters.llm.openai_model import OpenAiLanguageModel

        return clients.keep(
            OpenAiLanguageModel(
                api_key=settings.openai_api_key,
                model=settings.openai_model,
                timeout_seconds=settings.openai_timeout_seconds,
                max_retries=settings.openai_max_retries,
                base_url=settings.openai_base_url or None,
            )
        )
    from adapters.llm.anthropic_model import AnthropicLanguageModel

    return clients.keep(
        AnthropicLanguageModel(
            api_key=settings.anthropic_api_key,
            model=settings.anthropic_model,
            timeout_seconds=settings.anthropic_timeout_seconds,
            max_retries=settings.anthropic_max_retries,
            base_url=settings.anthropic_base_url or None,
        )
    )


def build_language_model_chain(
    settings: Settings,
    first: str,
    local: LocalLanguageModel,
    clock: SystemClock,
    clients: OpenClients | None = None,
) -> FailoverLanguageModel:
    """``first`` (``openai`` or ``anthropic``), the other provider next when its key is set,
    ``local`` last; ``local`` alone when ``first`` is ``local``. Each provider has its own
    circuit breaker."""
    keys = {"openai": settings.openai_api_key, "anthropic": settings.anthropic_api_key}
    order: list[str] = []
    if first != "local":
        order.append(first)
        order += [p for p in ("openai", "anthropic") if p not in order and keys[p]]
    cooldown = timedelta(seconds=settings.llm_breaker_cooldown_seconds)
    clients = clients if clients is not None else OpenClients()
    links = [
        Link(
            _provider_model(settings, provider, clients),
            CircuitBreaker(
                clock, failure_threshold=settings.llm_breaker_failures, cooldown=cooldown
            ),
        )
        for provider in order
    ]
    return FailoverLanguageModel([*links, Link(local)])


def language_model_with_cost_controls(
    chain: LanguageModel, cache: Cache, ledger: TokenUsageLedger, clock: SystemClock, ttl: int
) -> LanguageModel:
    """Tokens metered per user; answers cached by input hash unless ``ttl`` is 0."""
    metered = MeteredLanguageModel(chain, ledger, clock)
    if ttl <= 0:
        return metered
    return CachedLanguageModel(metered, cache, ttl=timedelta(seconds=ttl))


def _openai_embedder(settings: Settings, clients: OpenClients) -> Any:
    from adapters.vectors.openai_embedder import OpenAiEmbedder

    return clients.keep(
        OpenAiEmbedder(
            api_key=settings.openai_api_key,
            model=settings.openai_embedding_model,
            dimensions=settings.embedding_dimensions,
            timeout_seconds=settings.openai_timeout_seconds,
            max_retries=settings.openai_max_retries,
            base_url=settings.openai_base_url or None,
        )
    )


def _pinecone_index(settings: Settings, clients: OpenClients) -> Any:
    from adapters.vectors.pinecone_index import PineconeVectorIndex

    return clients.keep(
        PineconeVectorIndex(
            api_key=settings.pinecone_api_key,
            host=settings.pinecone_host,
            dimensions=settings.embedding_dimensions,
            timeout_seconds=settings.pinecone_timeout_seconds,
        )
    )


class AiPart(Platform):
    """Ranking, breakdowns, classification and insights (see the module docstring)."""

    #: tokens spent per user (the ai service's own table on SQL)
    token_usage = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Singleton(InMemoryTokenUsageLedger),
        sql=providers.Singleton(SqlTokenUsageLedger, Platform.engine),
    )
    #: the ai service's read model of quests (fed by quest events) and its inbox
    ai_store = providers.Singleton(InMemoryAiStore)
    ai_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryAiUnitOfWork, store=ai_store),
        sql=providers.Factory(SqlAiUnitOfWork, engine=Platform.engine, clock=Platform.clock),
    )
    #: the labelled rule-based fallback; services register their answer types' rules on it
    local_language_model = providers.Singleton(LocalLanguageModel)
    #: ``language_model`` → the other provider (when its key is set) → local, with breakers
    language_model_chain = providers.Selector(
        Platform.config.language_model,
        local=providers.Singleton(
            build_language_model_chain,
            Platform.settings,
            "local",
            local_language_model,
            Platform.clock,
            Platform.open_clients,
        ),
        openai=providers.Singleton(
            build_language_model_chain,
            Platform.settings,
            "openai",
            local_language_model,
            Platform.clock,
            Platform.open_clients,
        ),
        anthropic=providers.Singleton(
            build_language_model_chain,
            Platform.settings,
            "anthropic",
            local_language_model,
            Platform.clock,
            Platform.open_clients,
        ),
    )
    #: what the ai service asks: the chain, metered per user, cached by input hash
    language_model = providers.Singleton(
        language_model_with_cost_controls,
        language_model_chain,
        Platform.cache,
        token_usage,
        Platform.clock,
        Platform.config.llm_cache_ttl_seconds,
    )
    embedder = providers.Selector(
        Platform.config.embedder,
        local=providers.Singleton(HashingEmbedder, Platform.config.embedding_dimensions),
        openai=providers.Singleton(_openai_embedder, Platform.settings, Platform.open_clients),
    )
    vector_index = providers.Selector(
        Platform.config.vector_index,
        numpy=providers.Singleton(
            NumpyVectorIndex, Platform.config.embedding_dimensions, Platform.config.vector_index_dir
        ),
        pinecone=providers.Singleton(_pinecone_index, Platform.settings, Platform.open_clients),
    )


__all__ = ["AiPart", "build_language_model_chain", "language_model_with_cost_controls"]
