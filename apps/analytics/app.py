"""The analytics service on its own: ``questlog serve analytics``."""

from __future__ import annotations

from litestar import Litestar

from apps.analytics.routes import ROUTES
from apps.http.service import create_service_app
from apps.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """The analytics service app (settings default to the environment)."""
    return create_service_app(
        name="analytics",
        title="Questlog analytics service",
        description=(
            "Product analytics: each player's own summary of what they did (completions per "
            "day and week, by category, AI features used, notifications opened) and an export "
            "of their records as CSV or JSON; for admins, daily active players and completions. "
            "Its records follow the other services' events, never a request."
        ),
        route_handlers=ROUTES,
        settings=settings,
    )
