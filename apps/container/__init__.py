"""The composition root: the only place that knows which adapter is live.

A dependency-injector container built from :class:`~apps.settings.Settings`, in parts: what
every service shares (:mod:`.platform`: clock, ids, engine, Redis, cache, rate limiter,
revocation feed) and one part per area (:mod:`.identity`, :mod:`.quests`, :mod:`.gamification`,
:mod:`.ai`, :mod:`.delivery`, :mod:`.notification`, :mod:`.search`, :mod:`.integrations`,
:mod:`.calendar`, :mod:`.analytics`, :mod:`.experiments`), each extending the shared one.
Each service's entry in the registry (:mod:`apps.services`) names the parts it needs;
:func:`build_container` composes only those, so ``questlog serve auth`` has no quest, game or
AI providers at all, and never imports their adapters. Where a deployment can choose, a
``Selector`` picks the adapter by a setting (``cache``: memory/redis, ``email``:
console/outbox/smtp/sendgrid, ``push``: log/fcm/webpush, ``storage``: local/s3,
``language_model``: local/openai/anthropic with failover, ``embedder``: local/openai,
``vector_index``: numpy/pinecone, the database by its URL's kind). Pools and clients open on
first use and close with the app's lifespan (:func:`close_container`). Tests swap any provider
with ``container.<name>.override(...)``.

No part imports a service's package: what only a service knows (the quest service's HTTP shape
of a cached quest) the service plugs into its part, named by its registry entry
(``Service.providers``); the notification service plugs the identity part's email sender and
the delivery part's push sender into its outlets the same way. The HTTP apps never import
dependency_injector: :mod:`apps.http.dependencies` bridges the container (kept in the Litestar
app state) to Litestar's own ``Provide``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from apps.container.platform import (
    OpenClients,
    Platform,
    database_kind,
    engine_for,
    token_verification,
)
from apps.settings import Settings

if TYPE_CHECKING:
    from apps.container.everything import Container

#: part name (as the registry names it) -> its container class
PARTS: dict[str, str] = {
    "identity": "apps.container.identity:IdentityPart",
    "quests": "apps.container.quests:QuestsPart",
    "gamification": "apps.container.gamification:GamificationPart",
    "ai": "apps.container.ai:AiPart",
    "delivery": "apps.container.delivery:DeliveryPart",
    "notification": "apps.container.notification:NotificationPart",
    "search": "apps.container.search:SearchPart",
    "integrations": "apps.container.integrations:IntegrationsPart",
    "calendar": "apps.container.calendar:CalendarPart",
    "analytics": "apps.container.analytics:AnalyticsPart",
    "experiments": "apps.container.experiments:ExperimentsPart",
}


def __getattr__(name: str) -> Any:
    # ``Container`` (every part) is imported only when asked for by name: importing this
    # package must not import every part's adapters.
    if name == "Container":
        from apps.container.everything import Container

        return Container
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _composed(parts: tuple[str, ...]) -> type[Platform]:
    from apps.services import load

    bases = tuple(load(PARTS[p]) for p in parts) or (Platform,)
    return cast(type[Platform], type("Container", bases, {"__module__": __name__}))


def build_container(settings: Settings, services: Iterable[str] | None = None) -> Container:
    """A container configured from ``settings`` with the parts ``services`` need (default:
    every service in the registry); pools open lazily, on first use."""
    from apps.services import chosen, container_parts, load

    selected = chosen(services)
    container = _composed(tuple(container_parts(s.name for s in selected)))(settings=settings)
    values = {name: getattr(settings, name) for name in settings.__struct_fields__}
    values["database_kind"] = database_kind(settings.database_url)
    values["uses_redis"] = settings.cache == "redis" or settings.leaderboard == "redis"
    values["token_verification"] = token_verification(settings.jwks_url)
    container.config.from_dict(values)
    for service in selected:
        if service.providers is not None:
            load(service.providers)(container)
    return cast("Container", container)


async def close_container(container: Platform | Container) -> None:
    """Close the pools and clients the container opened (on app shutdown): the database
    pool, the SDK clients it created (:class:`~apps.container.platform.OpenClients`), Redis,
    the JWKS client."""
    engine = container.engine()
    if engine is not None:
        await engine.dispose()
    await container.open_clients().aclose()
    client = container.redis()
    if client is not None:
        await client.aclose()
    if container.config.token_verification() == "jwks" and "authenticator" in container.providers:
        await container.authenticator().aclose()


__all__ = [
    "PARTS",
    "Container",
    "OpenClients",
    "Platform",
    "build_container",
    "close_container",
    "database_kind",
    "engine_for",
]
