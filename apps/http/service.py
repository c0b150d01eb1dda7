"""One way to build a Litestar app for any Questlog service (or all of them at once).

Every service gets the same edge: the container in app state, the DI bridge, the permission
check of every route (:mod:`apps.http.permissions`), problem-details errors, the body-size
limit, ``Idempotency-Key`` handling, ``/health`` (liveness), ``/ready`` (readiness: database,
cache, broker), an OpenAPI document at ``/schema``, a structured log line per request and
``/metrics`` (:mod:`apps.http.observability`). Migrations run at start when the settings ask
for it (the all-in-one does).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ControllerRouterHandler, Scope

from apps.container import build_container, close_container, database_kind
from apps.http.dependencies import DEPENDENCIES, bearer_token
from apps.http.health import HealthController, ReadinessController
from apps.http.idempotency import IdempotencyMiddleware
from apps.http.input_guard import InputGuardMiddleware
from apps.http.observability import observe
from apps.http.openapi import (
    ClosedStructSchemaPlugin,
    declare_problem_responses,
    mend_options_allow,
)
from apps.http.openapi_ui import swagger_ui, swagger_ui_assets
from apps.http.permissions import enforce_permission, refuse_undeclared_routes
from apps.http.problems import EXCEPTION_HANDLERS
from apps.settings import Settings
from questlog_core import __version__
from questlog_core.errors import DomainError
from questlog_core.ports.platform import Cache

if TYPE_CHECKING:
    from apps.container import Container

logger = logging.getLogger("questlog")


def _cache_of(scope: Scope) -> Cache:
    cache: Cache = scope["app"].state.container.cache()
    return cache


async def _identify(scope: Scope) -> str | None:
    """The caller's user id for idempotency scoping, or ``None`` when not authenticated."""
    from litestar import Request

    request: Request[Any, Any, Any] = Request(scope)
    try:
        token = bearer_token(request)
        principal = await scope["app"].state.container.authenticator().authenticate(token)
    except DomainError:
        return None
    # Kept like provide_principal keeps it: the handler does not verify the token again, and
    # the request log names the user even when a stored answer is replayed.
    scope.setdefault("state", {})["principal"] = principal
    return str(principal.user_id)


def create_service_app(
    *,
    name: str,
    title: str,
    route_handlers: Sequence[ControllerRouterHandler],
    settings: Settings | None = None,
    container: Container | None = None,
    description: str = "",
) -> Litestar:
    """A Litestar app serving ``route_handlers`` with Questlog's shared edge.

    Without a ``container``, it builds one with only the parts the registry names for the
    service called ``name`` (:mod:`apps.services`), or every part when ``name`` is not one.
    """
    settings = settings or Settings.from_env()
    if container is None:
        from apps.services import names

        container = build_container(settings, [name] if name in names() else None)

    # The lifespan reads the container and settings from the app's state, the one place
    # every handler reads them from too.
    async def on_startup(app: Litestar) -> None:
        current: Settings = app.state.settings
        if current.migrate_on_start and database_kind(current.database_url) == "sql":
            from adapters.sql.migrations import upgrade_async
            from apps.services import table_groups

            # One database, one history: every service's tables, whichever service starts.
            await upgrade_async(current.database_url, groups=table_groups())
            logger.info("database migrated to head")

    async def on_shutdown(app: Litestar) -> None:
        await close_container(app.state.container)

    app = Litestar(
        route_handlers=[
            HealthController,
            ReadinessController,
            swagger_ui_assets(),
            *route_handlers,
        ],
        # One check for every route: the permission its decorator declares (401/403).
        guards=[enforce_permission],
        state=State({"container": container, "settings": settings}),
        dependencies={
            **DEPENDENCIES,
            "service_name": Provide(lambda: name, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[
            InputGuardMiddleware(),  # first: nothing below ever sees a NUL or hostile JSON
            IdempotencyMiddleware(cache_of=_cache_of, identify=_identify),
        ],
        request_max_body_size=settings.max_body_bytes,
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        cors_config=CORSConfig(allow_origins=[settings.public_url]),
        openapi_config=OpenAPIConfig(
            title=title,
            version=__version__,
            description=description or None,
            path="/schema",
            render_plugins=[swagger_ui()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")
                }
            ),
        ),
        plugins=[ClosedStructSchemaPlugin()],
        debug=False,
    )
    refuse_undeclared_routes(app)  # a route nobody declared would be open to any token
    declare_problem_responses(app)  # every error status of every route, as one Problem schema
    mend_options_allow(app)
    # Outermost layer: one log line and the metrics for every request, and /metrics.
    observe(
        app,
        log_format=settings.resolved_log_format,
        metrics_allow=settings.metrics_allow,
        log_level=settings.log_level,
    )
    return app
