"""The auth service on its own: ``questlog serve auth``."""

from __future__ import annotations

from litestar import Litestar

from apps.auth.routes import ROUTES
from apps.http.service import create_service_app
from apps.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """The auth service app (settings default to the environment)."""
    return create_service_app(
        name="auth",
        title="Questlog auth service",
        description="Accounts, sign-in, sessions, API tokens, password resets, roles and JWKS.",
        route_handlers=ROUTES,
        settings=settings,
    )
