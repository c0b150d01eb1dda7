"""The gamification service on its own: ``questlog serve gamification``."""

from __future__ import annotations

from litestar import Litestar

from apps.gamification.routes import ROUTES
from apps.http.service import create_service_app
from apps.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """The gamification service app (settings default to the environment)."""
    return create_service_app(
        name="gamification",
        title="Questlog gamification service",
        description=(
            "XP, levels, streaks, achievements and leaderboards: the caller's profile, ledger "
            "and standing, the settings a player controls, and XP grants by operators."
        ),
        route_handlers=ROUTES,
        settings=settings,
    )
