"""The integrations service on its own: ``questlog serve integrations``."""

from __future__ import annotations

from litestar import Litestar

from apps.http.service import create_service_app
from apps.integrations.routes import ROUTES
from apps.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """The integrations service app (settings default to the environment)."""
    return create_service_app(
        name="integrations",
        title="Questlog integrations service",
        description=(
            "What connects a player's quests to other tools: calendar feeds and webhooks. "
            "It follows the quest and game services' events."
        ),
        route_handlers=ROUTES,
        settings=settings,
    )
