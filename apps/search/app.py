"""The search service on its own: ``questlog serve search``."""

from __future__ import annotations

from litestar import Litestar

from apps.http.service import create_service_app
from apps.search.routes import ROUTES
from apps.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """The search service app (settings default to the environment)."""
    return create_service_app(
        name="search",
        title="Questlog search service",
        description=(
            "Full-text search over the caller's quests (title, tags, notes) combined with the "
            "quest filters, suggestions as the caller types, and for admins the most searched "
            "and never-found queries. Its index follows the quest service's events."
        ),
        route_handlers=ROUTES,
        settings=settings,
    )
