"""The all-in-one process: every service's routers in one Litestar app.

``questlog serve`` runs this on the embedded defaults (see :mod:`apps.settings`), so a laptop
with nothing installed gets the whole system.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from apps.http.health import HealthController
from apps.http.problems import EXCEPTION_HANDLERS
from apps.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the all-in-one app from ``settings`` (default: read from the environment)."""
    settings = settings or Settings.from_env()
    return Litestar(
        route_handlers=[HealthController],
        dependencies={"service_name": Provide(lambda: "all-in-one", sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
    )
