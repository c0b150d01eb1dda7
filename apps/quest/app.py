"""The quest service on its own: ``questlog serve quest``."""

from __future__ import annotations

from litestar import Litestar

from apps.http.service import create_service_app
from apps.quest.routes import ROUTES
from apps.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """The quest service app (settings default to the environment)."""
    return create_service_app(
        name="quest",
        title="Questlog quest service",
        description=(
            "Quests with dependencies, progress and recurrence; templates, categories and "
            "attachments."
        ),
        route_handlers=ROUTES,
        settings=settings,
    )
