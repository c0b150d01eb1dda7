"""The AI service on its own: ``questlog serve ai``."""

from __future__ import annotations

from litestar import Litestar

from apps.ai.routes import ROUTES
from apps.http.service import create_service_app
from apps.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """The AI service app (settings default to the environment)."""
    return create_service_app(
        name="ai",
        title="Questlog AI service",
        description=(
            "Ranking with explanations, breakdown previews, classification, natural-language "
            "quick add, suggestions and insights. Every answer a model gave names its provider "
            "and says `degraded: true` when the local rule-based fallback answered instead."
        ),
        route_handlers=ROUTES,
        settings=settings,
    )
