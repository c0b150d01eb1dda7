"""The web client on its own (``questlog serve web``): the pages call the API at
``QUESTLOG_WEB_API_URL`` (the gateway) over HTTP. The all-in-one mounts the same routes."""

from __future__ import annotations

from litestar import Litestar

from apps.container import build_container
from apps.http.service import create_service_app
from apps.settings import Settings
from apps.web.routes import routes_for


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    return create_service_app(
        name="web",
        title="Questlog web client",
        description="The browser pages (they call the Questlog API like any client).",
        route_handlers=routes_for(settings),
        settings=settings,
        container=build_container(settings),
    )
