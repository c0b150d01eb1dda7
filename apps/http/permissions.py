"""What each route needs, declared on the route, checked in one place at the edge.

Every route handler of every service says what it needs in its decorator::

    @post("/", status_code=201, **requires(Permission.QUESTS_WRITE))
    @post("/login", **public())

:func:`requires` puts the permission in the handler's ``opt`` (under :data:`PERMISSION_OPT`)
and states it in the OpenAPI operation's security requirement, with the permission as the
scope (``security: [{"bearer": ["quests:write"]}]``; OpenAPI 3.1 allows scopes for any scheme
type); :func:`public` declares that no token is needed (and no security requirement is
documented). One app-level guard, :func:`enforce_permission`, reads the declaration of the
route being called: on a secured route it authenticates the bearer token (401 without a valid
one) and refuses with ``PermissionDenied`` (403 problem details) unless the caller's effective
permissions hold the declared one. The effective permissions are computed once, where the
token is verified: an access token's are its roles' permissions, a personal API token's are
its scopes ∩ its owner's *current* role permissions
(:meth:`~questlog_core.services.auth.AuthService.authenticate`).

A route without a declaration cannot be served: :func:`create_service_app` refuses to build an
app that has one (:func:`undeclared_routes`), and a test walks every route of every service.
Litestar's own handlers (the OpenAPI documents and the automatic ``OPTIONS`` answers) are
public by nature.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.routes import ASGIRoute, HTTPRoute, WebSocketRoute

from apps.http.dependencies import authenticated
from questlog_core.errors import PermissionDenied
from questlog_core.identity.rbac import Permission

#: the ``opt`` key of a handler's declaration: a :class:`Permission`, or ``None`` for public
PERMISSION_OPT: Final = "permission"
#: the OpenAPI security scheme every secured operation names (``components.securitySchemes``)
SECURITY_SCHEME: Final = "bearer"
#: methods whose handlers Litestar adds by itself (never declared by us)
_AUTOMATIC_METHODS = frozenset({"OPTIONS", "HEAD"})


class UndeclaredPermission(LookupError):
    """A route handler that declares neither :func:`requires` nor :func:`public`."""


def requires(permission: Permission) -> dict[str, Any]:
    """Route-decorator keywords: the route needs ``permission`` (checked by
    :func:`enforce_permission`, documented as the OpenAPI security requirement's scope)."""
    return {
        PERMISSION_OPT: permission,
        "security": [{SECURITY_SCHEME: [permission.value]}],
    }


def public() -> dict[str, Any]:
    """Route-decorator keywords: the route needs no token (sign-up, sign-in, refresh, password
    reset, JWKS, health, signed file URLs); no security requirement is documented."""
    return {PERMISSION_OPT: None, "security": []}


#: the ``opt`` key that marks a web page (:func:`browser_page`)
BROWSER_PAGE_OPT: Final = "browser_page"


def browser_page() -> dict[str, Any]:
    """Route-decorator keywords of a web page (:mod:`apps.web`): no bearer token at the edge.
    The page signs in with the browser's session cookie and calls the API with that token
    (checked like any client's); its forms need the CSRF token (403 without)."""
    return {**public(), BROWSER_PAGE_OPT: True, "include_in_schema": False}


def _framework_handler(handler: BaseRouteHandler) -> bool:
    """Litestar's own handlers: the OpenAPI documents and the automatic ``OPTIONS`` answers."""
    return getattr(handler.fn, "__module__", "").startswith("litestar.")


def route_permission(handler: BaseRouteHandler) -> Permission | None:
    """The permission ``handler`` declares, or ``None`` for a public route.

    ``UndeclaredPermission`` if it declares nothing (an app with such a route is not built).
    """
    if PERMISSION_OPT in handler.opt:
        declared = handler.opt[PERMISSION_OPT]
        if declared is None or isinstance(declared, Permission):
            return declared
        raise UndeclaredPermission(
            f"{handler.handler_name}: {PERMISSION_OPT}={declared!r} is not a Permission"
        )
    if _framework_handler(handler):
        return None
    raise UndeclaredPermission(
        f"{handler.handler_name} ({', '.join(sorted(handler.paths))}) declares no permission: "
        "add **requires(Permission.X) or **public() to its route decorator"
    )


async def enforce_permission(connection: ASGIConnection[Any, Any, Any, Any], handler: Any) -> None:
    """The one check of every route (an app-level Litestar guard): 401 without a valid token
    on a secured route, 403 (``PermissionDenied``) when the caller lacks its permission."""
    permission = route_permission(handler)
    if permission is None:
        return
    principal = await authenticated(connection)
    if permission not in principal.permissions:
        raise PermissionDenied(permission.value)


def http_handlers(app: Litestar) -> Iterator[tuple[str, str, HTTPRouteHandler]]:
    """``(method, path, handler)`` for every HTTP operation ``app`` serves that we declared
    (Litestar's automatic ``OPTIONS``/``HEAD`` answers left out), in route-table order."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods):
                if method in _AUTOMATIC_METHODS and _framework_handler(handler):
                    continue
                yield method, route.path, handler


def undeclared_routes(app: Litestar) -> list[str]:
    """``"METHOD /path"`` of every route of ``app`` that declares no permission (HTTP, and
    ``WEBSOCKET``/``ASGI`` routes too: the guard runs on those as well)."""
    missing: list[str] = []
    for method, path, handler in http_handlers(app):
        try:
            route_permission(handler)
        except UndeclaredPermission:
            missing.append(f"{method} {path}")
    for route in app.routes:
        if isinstance(route, WebSocketRoute | ASGIRoute):
            try:
                route_permission(route.route_handler)
            except UndeclaredPermission:
                kind = "WEBSOCKET" if isinstance(route, WebSocketRoute) else "ASGI"
                missing.append(f"{kind} {route.path}")
    return missing


def refuse_undeclared_routes(app: Litestar) -> None:
    """Raise ``UndeclaredPermission`` naming every route of ``app`` without a declaration."""
    missing = undeclared_routes(app)
    if missing:
        raise UndeclaredPermission(
            "every route declares **requires(Permission.X) or **public(); missing on: "
            + "; ".join(missing)
        )


def permission_table(apps: Iterable[Litestar]) -> str:
    """The Markdown table of every route of ``apps`` and what it needs (docs/auth.md embeds
    it; a test regenerates it so the page cannot drift from the code)."""
    rows: dict[tuple[str, str], str] = {}
    for app in apps:
        for method, path, handler in http_handlers(app):
            if _framework_handler(handler):
                continue
            permission = route_permission(handler)
            shown = re.sub(r"\{(\w+):\w+\}", r"{\1}", path)  # /quests/{quest_id}
            need = "public" if permission is None else f"`{permission.value}`"
            if handler.opt.get(BROWSER_PAGE_OPT):
                need = "web page (cookie session; CSRF token on forms)"
            rows[(shown, method)] = need
    lines = ["| method | path | needs |", "| --- | --- | --- |"]
    lines += [f"| {m} | `{p}` | {need} |" for (p, m), need in sorted(rows.items())]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Print the table of every route of every service: the all-in-one mounts them all
    (``python -m apps.http.permissions``)."""
    from apps.gateway import create_app
    from apps.settings import Settings

    settings = Settings(environment="test", database_url="memory://")
    print(permission_table([create_app(settings)]), end="")
    return 0


__all__ = [
    "BROWSER_PAGE_OPT",
    "PERMISSION_OPT",
    "SECURITY_SCHEME",
    "UndeclaredPermission",
    "browser_page",
    "enforce_permission",
    "http_handlers",
    "permission_table",
    "public",
    "refuse_undeclared_routes",
    "requires",
    "route_permission",
    "undeclared_routes",
]


if __name__ == "__main__":
    raise SystemExit(main())
