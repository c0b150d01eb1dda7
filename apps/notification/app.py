"""The notification service on its own: ``questlog serve notification``."""

from __future__ import annotations

from litestar import Litestar

from apps.http.service import create_service_app
from apps.notification.routes import ROUTES
from apps.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """The notification service app (settings default to the environment)."""
    return create_service_app(
        name="notification",
        title="Questlog notification service",
        description=(
            "In-app notification history, preferences (channels per kind, quiet hours, "
            "opt-out), push devices, unsubscribe links, and sends and schedules by operators."
        ),
        route_handlers=ROUTES,
        settings=settings,
    )
