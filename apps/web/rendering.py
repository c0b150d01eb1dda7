"""Jinja2 rendering of the pages, with what every page needs (CSRF token, navigation)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.response import Redirect
from litestar.utils.scope.state import ScopeState

TEMPLATES = Path(__file__).parent / "templates"
#: the header every page answers with: no framing, no sniffing, same-origin scripts only
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def csrf_token(request: Request[Any, Any, Any]) -> str:
    """The token the CSRF middleware expects back in every form (``_csrf_token``)."""
    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else ""


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status: int = 200,
    cookies: list[Cookie] | None = None,
    **context: Any,
) -> Response[str]:
    """The page ``template`` rendered with ``context`` (plus ``csrf_token`` and ``path``)."""
    html = (
        environment()
        .get_template(template)
        .render(
            csrf_token=csrf_token(request),
            path=request.url.path,
            **context,
        )
    )
    return Response(
        html,
        status_code=status,
        media_type="text/html",
        cookies=cookies or [],
        headers=SECURITY_HEADERS,
    )


def see_other(url: str, cookies: list[Cookie] | None = None) -> Redirect:
    """303 to ``url``: after a form post the browser GETs the result (back/refresh are safe)."""
    return Redirect(url, status_code=303, cookies=cookies or [])
