"""The web client's routes: every page under one router with CSRF protection, plus its
static files (stylesheet, vendored htmx, icons)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from apps.http.problems import http_exception_to_response
from apps.settings import Settings
from apps.web.controllers.account import AccountPages
from apps.web.controllers.game import GamePages
from apps.web.controllers.inbox import InboxPages
from apps.web.controllers.pwa import InstallPages
from apps.web.controllers.quests import QuestPages
from apps.web.controllers.share import SharePages
from apps.web.controllers.today import TodayPages
from apps.web.rendering import render, see_other
from apps.web.session import SignedOut, cleared_cookies, login_url

STATIC = Path(__file__).parent / "static"
CSRF_COOKIE = "ql_csrf"
#: form field and header the CSRF middleware reads the token from
CSRF_FIELD = "_csrf_token"


def _signed_out(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    target = exc.next_path if isinstance(exc, SignedOut) else "/"
    return see_other(login_url(target), cookies=cleared_cookies(request))


#: what a person reads when a page cannot be served (the API's problem details are for programs)
_ERRORS = {
    403: "This form has expired or did not come from this site. Go back, reload and try again.",
    404: "There is no such page.",
}


def _error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """An HTML page for a browser; problem details (the API's shape) for anything else."""
    assert isinstance(exc, HTTPException)
    problem = http_exception_to_response(request, exc)
    if "text/html" not in request.headers.get("accept", ""):
        return problem
    status = exc.status_code
    message = _ERRORS.get(status, "Something went wrong; nothing was changed.")
    return render(request, "error.html", status=status, error=message)


def csrf_config(settings: Settings) -> CSRFConfig:
    """Double-submit CSRF protection for every page's form (Litestar's middleware): the token
    is in an httpOnly cookie and in each form's hidden ``_csrf_token`` field."""
    return CSRFConfig(
        # Without a configured secret, one per process (see QUESTLOG_WEB_CSRF_SECRET).
        secret=settings.web_csrf_secret or secrets.token_hex(32),
        cookie_name=CSRF_COOKIE,
        cookie_httponly=True,
        cookie_secure=settings.public_url.startswith("https://"),
        cookie_samesite="lax",
        header_name="x-csrftoken",
    )


def routes_for(settings: Settings) -> list[ControllerRouterHandler]:
    """The pages and static files, with CSRF protection built from ``settings``."""
    pages = Router(
        path="/",
        route_handlers=[
            AccountPages,
            TodayPages,
            QuestPages,
            GamePages,
            InboxPages,
            InstallPages,
            SharePages,
        ],
        middleware=[DefineMiddleware(CSRFMiddleware, config=csrf_config(settings))],
        exception_handlers={SignedOut: _signed_out, HTTPException: _error_page},
        include_in_schema=False,
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC],
        include_in_schema=False,
        opt={"permission": None},
        cache_control=None,
        name="web-static",
    )
    return [pages, static]
