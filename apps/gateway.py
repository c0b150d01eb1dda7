"""The all-in-one process: every service's routers in one Litestar app.

``questlog serve`` runs this on the embedded defaults (see :mod:`apps.settings`): a SQLite file,
the in-process cache, console email. It mounts the routes of every service in the registry
(:mod:`apps.services`) that has an HTTP API, in registry order. One container serves all
routers, so the services share pools but still only touch their own tables.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.types import ControllerRouterHandler

from apps.container import build_container, database_kind
from apps.http.service import create_service_app
from apps.services import SERVICES
from apps.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the all-in-one app from ``settings`` (default: read from the environment)."""
    settings = settings or Settings.from_env()
    handlers: list[ControllerRouterHandler] = []
    for service in SERVICES:
        handlers.extend(service.route_handlers(settings))
    app = create_service_app(
        name="all-in-one",
        title="Questlog",
        description="Every Questlog service in one process.",
        route_handlers=handlers,
        settings=settings,
        container=build_container(settings),
    )
    if settings.broker == "stub" and database_kind(settings.database_url) == "sql":
        # Everything in one process: consumers and the outbox relay run here too.
        from apps.workers.runtime import attach_in_process

        attach_in_process(app)
    return app
