"""The composition root: the only place that knows which adapter is live.

A dependency-injector ``DeclarativeContainer`` built from :class:`~apps.settings.Settings`.
Each port has a provider; where a deployment can choose, a ``Selector`` picks the adapter by a
setting (``cache``: memory/redis, ``email``: console/outbox/smtp/sendgrid, ``storage``:
local/s3, ``language_model``: local/openai/anthropic with failover, ``embedder``: local/openai,
``vector_index``: numpy/pinecone, the database by its URL's kind). Pools and clients open on
first use and close with the app's lifespan (:func:`close_container`). Tests swap any provider with
``container.<name>.override(...)``.

The HTTP apps never import dependency_injector: :mod:`apps.http.dependencies` bridges the
container (kept in the Litestar app state) to Litestar's own ``Provide``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from dependency_injector import containers, providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.caching import (
    CachedProfiles,
    CachedQuestReads,
    InvalidatingAuthUnitOfWork,
    InvalidatingQuestUnitOfWork,
)
from adapters.email.console import ConsoleEmailSender, OutboxEmailSender
from adapters.leaderboards import ProjectedGamificationUnitOfWork
from adapters.llm.costs import CachedLanguageModel, MeteredLanguageModel
from adapters.llm.failover import CircuitBreaker, FailoverLanguageModel, Link
from adapters.llm.local import LocalLanguageModel
from adapters.memory.ai import InMemoryAiStore, InMemoryAiUnitOfWork, InMemoryTokenUsageLedger
from adapters.memory.cache import MemoryCache
from adapters.memory.clock import RandomIds, SystemClock
from adapters.memory.gamification import InMemoryGamificationStore, InMemoryGamificationUnitOfWork
from adapters.memory.identity import InMemoryAuthUnitOfWork, InMemoryIdentityStore
from adapters.memory.quests import InMemoryQuestStore, InMemoryQuestUnitOfWork
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.memory.search import InMemorySearchStore, InMemorySearchUnitOfWork
from adapters.memory.sessions import MemoryTokenDenylist
from adapters.security.hashing import Argon2PasswordHasher, BoundedPasswordHasher
from adapters.security.jwt_tokens import JwtAccessTokens, SigningKey, load_signing_key
from adapters.sql.ai import SqlAiUnitOfWork, SqlTokenUsageLedger
from adapters.sql.auth import SqlAuthUnitOfWork
from adapters.sql.engine import make_engine
from adapters.sql.gamification import SqlGamificationUnitOfWork
from adapters.sql.quests import SqlQuestUnitOfWork
from adapters.sql.rate_limit import SqlRateLimiter
from adapters.sql.search import SqlSearchUnitOfWork
from adapters.storage.local import LocalFileStorage
from adapters.vectors.embedders import HashingEmbedder
from adapters.vectors.numpy_index import NumpyVectorIndex
from apps.quest.schemas import QuestOut
from apps.settings import Settings
from questlog_core.ids import QuestId, UserId
from questlog_core.ports.ai import LanguageModel, TokenUsageLedger
from questlog_core.ports.identity import AuthUnitOfWork
from questlog_core.ports.platform import Cache
from questlog_core.ports.quests import QuestUnitOfWork
from questlog_core.services import quests as quest_cases
from questlog_core.services.auth import AuthService, AuthSettings, Profile, read_profile


def database_kind(url: str) -> str:
    """``memory`` for ``memory://`` (tests, demos), else ``sql`` (SQLite or PostgreSQL)."""
    return "memory" if url.startswith("memory:") else "sql"


def engine_for(url: str, settings: Settings | None = None) -> AsyncEngine | None:
    """The SQL engine (none for the in-memory database), with the pool, connect and statement
    timeouts of ``settings``. Disposed by :func:`close_container`."""
    if database_kind(url) == "memory":
        return None
    if settings is None:
        return make_engine(url)
    return make_engine(
        url,
        pool_timeout=settings.database_pool_timeout_seconds,
        connect_timeout_seconds=settings.database_connect_timeout_seconds,
        statement_timeout_ms=settings.database_statement_timeout_ms,
    )


def reading_quest_uow(engine: AsyncEngine, clock: SystemClock) -> SqlQuestUnitOfWork:
    """A quest unit of work for queries only (on SQLite: no write lock; it cannot commit)."""
    return SqlQuestUnitOfWork(engine, clock).reading()


def reading_gamification_uow(engine: AsyncEngine, clock: SystemClock) -> SqlGamificationUnitOfWork:
    """A game unit of work for queries only (on SQLite: no write lock; it cannot commit)."""
    return SqlGamificationUnitOfWork(engine, clock).reading()


def reading_search_uow(engine: AsyncEngine, clock: SystemClock) -> SqlSearchUnitOfWork:
    """A search unit of work for queries only (on SQLite: no write lock; it cannot commit)."""
    return SqlSearchUnitOfWork(engine, clock).reading()


class QuestViews:
    """Where cached quest reads come from: one quest, read through a read-only unit of work,
    as the API shows it (the cache stores the response shape, ETag version included)."""

    def __init__(self, uow: Callable[[], QuestUnitOfWork]) -> None:
        self._uow = uow

    async def get(self, owner: UUID, quest_id: UUID) -> QuestOut:
        query = quest_cases.GetQuest(owner=UserId(owner), quest_id=QuestId(quest_id))
        return QuestOut.from_domain(await quest_cases.get_quest(query, self._uow()))


class ProfileViews:
    """Where cached profiles come from: the stored user, read in a unit of work of its own."""

    def __init__(self, uow: Callable[[], AuthUnitOfWork]) -> None:
        self._uow = uow

    async def get(self, user_id: UUID) -> Profile:
        return await read_profile(self._uow(), UserId(user_id))


def _board_projection(client: Any, keys: Any, engine: AsyncEngine) -> Any:
    from adapters.leaderboards import BoardProjection
    from adapters.redis.leaderboard import RedisLeaderboard
    from adapters.sql.gamification import SqlBoardSource

    return BoardProjection(RedisLeaderboard(client, keys, source=SqlBoardSource(engine)))


def redis_client_for(url: str, enabled: bool) -> Any:
    """A Redis client when some port is configured to use Redis, else ``None``."""
    if not enabled:
        return None
    from adapters.redis.client import connect

    return connect(url)


def _key_space(prefix: str) -> Any:
    from adapters.redis.client import KeySpace

    return KeySpace(prefix=prefix)


def _redis_cache(client: Any, keys: Any) -> Any:
    from adapters.redis.cache import RedisCache

    return RedisCache(client, keys)


def _redis_rate_limiter(
    client: Any, keys: Any, engine: AsyncEngine | None, clock: SystemClock
) -> Any:
    """Redis first; while Redis is down, the SQL counter (never "unlimited"). Without a SQL
    database (``memory://``, tests) the fallback is the in-process limiter."""
    from adapters.rate_limiting import FallbackRateLimiter
    from adapters.redis.rate_limit import RedisRateLimiter

    fallback: Any = MemoryRateLimiter(clock) if engine is None else SqlRateLimiter(engine, clock)
    return FallbackRateLimiter(RedisRateLimiter(client, keys, clock=clock), fallback, clock=clock)


def _redis_token_denylist(client: Any, keys: Any, clock: SystemClock, settings: Settings) -> Any:
    """The feed on Redis; reads get ``QUESTLOG_REVOCATION_GRACE_SECONDS`` on its local copy
    while Redis is unreachable. Its log keeps entries for at least twice the access-token
    lifetime (every revocation's ``until`` is one lifetime plus leeway after it is written)."""
    from adapters.redis.sessions import DEFAULT_LOG_HORIZON, RedisTokenDenylist

    lifetime = timedelta(seconds=settings.access_token_ttl_seconds)
    return RedisTokenDenylist(
        client,
        keys,
        clock=clock,
        grace=timedelta(seconds=settings.revocation_grace_seconds),
        log_horizon=max(DEFAULT_LOG_HORIZON, 2 * lifetime),
    )


def _jwks_authenticator(settings: Settings, denylist: Any, clock: SystemClock) -> Any:
    from adapters.security.jwks_auth import JwksAuthenticator

    return JwksAuthenticator(
        settings.jwks_url,
        revocations=denylist,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        clock=clock,
    )


def token_verification(jwks_url: str) -> str:
    """``jwks`` when a JWKS URL is configured (a service standing alone), else ``local``: the
    auth service's own use case (the all-in-one and the auth service)."""
    return "jwks" if jwks_url else "local"


def _smtp_sender(settings: Settings) -> Any:
    """``smtp://user:password@host:587`` (STARTTLS required) or ``smtps://...`` (implicit TLS)."""
    from urllib.parse import unquote, urlsplit

    from adapters.email.smtp import SmtpEmailSender

    url = urlsplit(settings.smtp_url)
    if url.scheme not in {"smtp", "smtps"} or not url.hostname:
        raise ValueError("QUESTLOG_SMTP_URL must look like smtp://user:password@host:587")
    implicit_tls = url.scheme == "smtps"
    return SmtpEmailSender(
        url.hostname,
        url.port or (465 if implicit_tls else 587),
        sender=settings.email_from,
        security="tls" if implicit_tls else "starttls",
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
    )


def _sendgrid_sender(settings: Settings) -> Any:
    from adapters.email.sendgrid import SendGridEmailSender

    return SendGridEmailSender(api_key=settings.sendgrid_api_key, sender=settings.email_from)


def _s3_storage(settings: Settings) -> Any:
    from adapters.storage.s3 import S3FileStorage

    return S3FileStorage(settings.s3_bucket, endpoint_url=settings.s3_endpoint_url)


def _storage_signing_key(settings: Settings) -> bytes:
    """The key that signs local upload/download URLs: kept beside the data, made once."""
    path = Path(settings.storage_dir) / ".signing-key"
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    path.write_bytes(key)
    path.chmod(0o600)
    return key


def _provider_model(settings: Settings, provider: str) -> Any:
    """The OpenAI or Anthropic adapter, with the settings' explicit timeout and retries."""
    if provider == "openai":
        from adapters.llm.openai_model import OpenAiLanguageModel

        return OpenAiLanguageModel(
            api_key=settings.openai_api_key,
            model=settings.openai_model,
            timeout_seconds=settings.openai_timeout_seconds,
            max_retries=settings.openai_max_retries,
            base_url=settings.openai_base_url or None,
        )
    from adapters.llm.anthropic_model import AnthropicLanguageModel

    return AnthropicLanguageModel(
        api_key=settings.anthropic_api_key,
        model=settings.anthropic_model,
        timeout_seconds=settings.anthropic_timeout_seconds,
        max_retries=settings.anthropic_max_retries,
        base_url=settings.anthropic_base_url or None,
    )


def build_language_model_chain(
    settings: Settings, first: str, local: LocalLanguageModel, clock: SystemClock
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
    links = [
        Link(
            _provider_model(settings, provider),
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


def _openai_embedder(settings: Settings) -> Any:
    from adapters.vectors.openai_embedder import OpenAiEmbedder

    return OpenAiEmbedder(
        api_key=settings.openai_api_key,
        model=settings.openai_embedding_model,
        dimensions=settings.embedding_dimensions,
        timeout_seconds=settings.openai_timeout_seconds,
        max_retries=settings.openai_max_retries,
        base_url=settings.openai_base_url or None,
    )


def _pinecone_index(settings: Settings) -> Any:
    from adapters.vectors.pinecone_index import PineconeVectorIndex

    return PineconeVectorIndex(
        api_key=settings.pinecone_api_key,
        host=settings.pinecone_host,
        dimensions=settings.embedding_dimensions,
        timeout_seconds=settings.pinecone_timeout_seconds,
    )


def device_cookie_key(signing_key: SigningKey) -> bytes:
    """The key that signs device cookies, derived from the token-signing key (so every auth
    instance sharing that key trusts the same devices, and rotating it untrusts them all)."""
    seed = signing_key.private_key.private_bytes_raw()
    return hmac.new(seed, b"questlog device cookies v1", hashlib.sha256).digest()


def _auth_settings(settings: Settings) -> AuthSettings:
    return AuthSettings(
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        access_token_ttl=timedelta(seconds=settings.access_token_ttl_seconds),
        refresh_token_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
        reset_link=settings.public_url.rstrip("/") + "/reset-password?token={token}",
    )


class Container(containers.DeclarativeContainer):
    """Every port's provider. Build with :func:`build_container`."""

    settings = providers.Dependency(instance_of=Settings)
    config = providers.Configuration()

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(RandomIds)

    # -- pools and clients (closed with the app by close_container) ---------------------
    engine = providers.Singleton(engine_for, config.database_url, settings)
    redis = providers.Singleton(redis_client_for, config.redis_url, config.uses_redis)
    redis_keys = providers.Singleton(_key_space, config.redis_key_prefix)

    # -- shared infrastructure (the cache first: the quest units of work invalidate it) -
    cache = providers.Selector(
        config.cache,
        memory=providers.Singleton(MemoryCache, clock=clock),
        redis=providers.Singleton(_redis_cache, redis, redis_keys),
    )

    # -- quest service -------------------------------------------------------------------
    quest_store = providers.Singleton(InMemoryQuestStore)
    #: units of work for queries (GET): never take SQLite's write lock, never commit
    quest_reader_uow = providers.Selector(
        config.database_kind,
        memory=providers.Factory(InMemoryQuestUnitOfWork, store=quest_store),
        sql=providers.Factory(reading_quest_uow, engine=engine, clock=clock),
    )
    #: GET one quest: read-aside through the cache (in process, or Redis in production)
    quest_reads = providers.Singleton(
        CachedQuestReads,
        providers.Singleton(QuestViews, quest_reader_uow.provider),
        cache,
        ids,
        QuestOut,
    )
    #: every quest write path: committing invalidates the written owners' cached reads
    quest_uow = providers.Factory(
        InvalidatingQuestUnitOfWork,
        providers.Selector(
            config.database_kind,
            memory=providers.Factory(InMemoryQuestUnitOfWork, store=quest_store),
            sql=providers.Factory(SqlQuestUnitOfWork, engine=engine, clock=clock),
        ),
        quest_reads,
    )

    # -- auth service --------------------------------------------------------------------
    identity_store = providers.Singleton(InMemoryIdentityStore)
    #: the auth service's stored state, not through the profile cache
    auth_store_uow = providers.Selector(
        config.database_kind,
        memory=providers.Factory(InMemoryAuthUnitOfWork, store=identity_store),
        sql=providers.Factory(SqlAuthUnitOfWork, engine=engine, clock=clock),
    )
    #: GET the caller's profile: read-aside through the cache
    profile_reads = providers.Singleton(
        CachedProfiles,
        providers.Singleton(ProfileViews, auth_store_uow.provider),
        cache,
        ids,
        Profile,
    )
    #: every auth use case: committing a write to a user invalidates their cached profile
    auth_uow = providers.Factory(InvalidatingAuthUnitOfWork, auth_store_uow, profile_reads)
    password_hasher = providers.Singleton(
        BoundedPasswordHasher, providers.Singleton(Argon2PasswordHasher)
    )
    signing_key = providers.Singleton(
        load_signing_key,
        providers.Callable(Path, config.jwt_private_key_path),
        create_if_missing=True,
    )
    access_tokens = providers.Singleton(
        JwtAccessTokens,
        signing_key,
        issuer=config.jwt_issuer,
        audience=config.jwt_audience,
        clock=clock,
    )

    # -- shared infrastructure -----------------------------------------------------------
    rate_limiter = providers.Selector(
        config.cache,
        memory=providers.Singleton(MemoryRateLimiter, clock=clock),
        redis=providers.Singleton(_redis_rate_limiter, redis, redis_keys, engine, clock),
    )
    #: the revocation feed every service checks access tokens against
    token_denylist = providers.Selector(
        config.cache,
        memory=providers.Singleton(MemoryTokenDenylist, clock=clock),
        redis=providers.Singleton(_redis_token_denylist, redis, redis_keys, clock, settings),
    )
    email_sender = providers.Selector(
        config.email,
        console=providers.Singleton(ConsoleEmailSender, sender=config.email_from),
        outbox=providers.Singleton(
            OutboxEmailSender, config.email_outbox_dir, sender=config.email_from
        ),
        smtp=providers.Singleton(_smtp_sender, settings),
        sendgrid=providers.Singleton(_sendgrid_sender, settings),
    )
    file_storage = providers.Selector(
        config.storage,
        local=providers.Singleton(
            LocalFileStorage,
            config.storage_dir,
            providers.Callable(_storage_signing_key, settings),
            config.public_url,
            clock=clock,
        ),
        s3=providers.Singleton(_s3_storage, settings),
    )

    auth_service = providers.Singleton(
        AuthService,
        uow=auth_uow.provider,
        hasher=password_hasher,
        tokens=access_tokens,
        revocations=token_denylist,
        limiter=rate_limiter,
        email=email_sender,
        clock=clock,
        ids=ids,
        settings=providers.Callable(_auth_settings, settings),
        device_key=providers.Callable(device_cookie_key, signing_key),
    )
    # -- gamification service ------------------------------------------------------------
    game_store = providers.Singleton(InMemoryGamificationStore)
    #: ``leaderboard=redis``: the process's Redis board, rebuilt from the SQL ledger
    board_projection = providers.Singleton(_board_projection, redis, redis_keys, engine)
    _game_reader = providers.Selector(
        config.database_kind,
        memory=providers.Factory(InMemoryGamificationUnitOfWork, store=game_store),
        sql=providers.Factory(reading_gamification_uow, engine=engine, clock=clock),
    )
    _game_writer = providers.Selector(
        config.database_kind,
        memory=providers.Factory(InMemoryGamificationUnitOfWork, store=game_store),
        sql=providers.Factory(SqlGamificationUnitOfWork, engine=engine, clock=clock),
    )
    #: the game's units of work for queries (GET): no SQLite write lock, never commit
    game_reader_uow = providers.Selector(
        config.leaderboard,
        sql=_game_reader,
        redis=providers.Factory(ProjectedGamificationUnitOfWork, _game_reader, board_projection),
    )
    #: every game use case that writes, the quest-event consumers included (with
    #: ``leaderboard=redis`` they must feed the Redis board too, so they take this one)
    game_uow = providers.Selector(
        config.leaderboard,
        sql=_game_writer,
        redis=providers.Factory(ProjectedGamificationUnitOfWork, _game_writer, board_projection),
    )

    # -- ai service ----------------------------------------------------------------------
    #: tokens spent per user (the ai service's own table on SQL)
    token_usage = providers.Selector(
        config.database_kind,
        memory=providers.Singleton(InMemoryTokenUsageLedger),
        sql=providers.Singleton(SqlTokenUsageLedger, engine),
    )
    #: the ai service's read model of quests (fed by quest events) and its inbox
    ai_store = providers.Singleton(InMemoryAiStore)
    ai_uow = providers.Selector(
        config.database_kind,
        memory=providers.Factory(InMemoryAiUnitOfWork, store=ai_store),
        sql=providers.Factory(SqlAiUnitOfWork, engine=engine, clock=clock),
    )
    #: the labelled rule-based fallback; services register their answer types' rules on it
    local_language_model = providers.Singleton(LocalLanguageModel)
    #: ``language_model`` → the other provider (when its key is set) → local, with breakers
    language_model_chain = providers.Selector(
        config.language_model,
        local=providers.Singleton(
            build_language_model_chain, settings, "local", local_language_model, clock
        ),
        openai=providers.Singleton(
            build_language_model_chain, settings, "openai", local_language_model, clock
        ),
        anthropic=providers.Singleton(
            build_language_model_chain, settings, "anthropic", local_language_model, clock
        ),
    )
    #: what the ai service asks: the chain, metered per user, cached by input hash
    language_model = providers.Singleton(
        language_model_with_cost_controls,
        language_model_chain,
        cache,
        token_usage,
        clock,
        config.llm_cache_ttl_seconds,
    )
    embedder = providers.Selector(
        config.embedder,
        local=providers.Singleton(HashingEmbedder, config.embedding_dimensions),
        openai=providers.Singleton(_openai_embedder, settings),
    )
    vector_index = providers.Selector(
        config.vector_index,
        numpy=providers.Singleton(
            NumpyVectorIndex, config.embedding_dimensions, config.vector_index_dir
        ),
        pinecone=providers.Singleton(_pinecone_index, settings),
    )

    # -- search service ------------------------------------------------------------------
    #: the search index and query log (fed by quest events; its own tables on SQL)
    search_store = providers.Singleton(InMemorySearchStore)
    #: searches and the analytics summary: never take SQLite's write lock, never commit
    search_reader_uow = providers.Selector(
        config.database_kind,
        memory=providers.Factory(InMemorySearchUnitOfWork, store=search_store),
        sql=providers.Factory(reading_search_uow, engine=engine, clock=clock),
    )
    #: the index's consumer and the query log's writes
    search_uow = providers.Selector(
        config.database_kind,
        memory=providers.Factory(InMemorySearchUnitOfWork, store=search_store),
        sql=providers.Factory(SqlSearchUnitOfWork, engine=engine, clock=clock),
    )

    #: who verifies bearer tokens at the HTTP edge (see :func:`token_verification`)
    authenticator = providers.Selector(
        config.token_verification,
        local=auth_service,
        jwks=providers.Singleton(_jwks_authenticator, settings, token_denylist, clock),
    )


def build_container(settings: Settings) -> Container:
    """A container configured from ``settings`` (pools open lazily, on first use)."""
    container = Container(settings=settings)
    values = {name: getattr(settings, name) for name in settings.__struct_fields__}
    values["database_kind"] = database_kind(settings.database_url)
    values["uses_redis"] = settings.cache == "redis" or settings.leaderboard == "redis"
    values["token_verification"] = token_verification(settings.jwks_url)
    container.config.from_dict(values)
    return container


async def close_container(container: Container) -> None:
    """Close the pools and clients the container opened (on app shutdown)."""
    engine = container.engine()
    if engine is not None:
        await engine.dispose()
    client = container.redis()
    if client is not None:
        await client.aclose()
    if container.config.token_verification() == "jwks":
        await container.authenticator().aclose()
