"""Every route of every service needs the permission it declares, and a token gets no more.

For each service app (and the all-in-one gateway), every route is read from the app's route
table and called with a personal API token holding exactly one scope, for every scope in
:class:`Permission`: where the scope is not the route's permission the answer is 403 problem
details; where it is, the answer is anything but 401/403 (a 404 for an unknown id, a 400 for an
empty body...). Public routes answer without a token. The OpenAPI document states each
operation's requirement with its scope, and a route that declares nothing cannot be served.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Controller, Litestar, WebSocket, get, websocket
from litestar.testing import TestClient

from apps.gateway import create_app as create_gateway
from apps.http.permissions import (
    BROWSER_PAGE_OPT,
    UndeclaredPermission,
    http_handlers,
    permission_table,
    requires,
    route_permission,
    undeclared_routes,
)
from apps.http.service import create_service_app
from apps.services import with_http
from apps.settings import Settings
from questlog_core.identity.rbac import Permission
from questlog_core.services.auth import AuthService

from .conftest import BASE_URL, PASSWORD, cheap_hasher

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "root@example.com"
#: routes that a personal API token may never use, whatever its scopes (the use case answers
#: 401 "sign in with your password"): creating tokens, changing the password, deleting the
#: account
PASSWORD_SESSION_ONLY = {
    ("POST", "/api/v1/auth/tokens"),
    ("POST", "/api/v1/auth/password"),
    ("DELETE", "/api/v1/auth/account"),
    ("POST", "/api/v1/auth/totp/enrol"),
    ("POST", "/api/v1/auth/totp/confirm"),
    ("DELETE", "/api/v1/auth/totp"),
}
#: bodies that pass validation where the use case must be reached (else an empty object)
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/auth/tokens"): {"name": "minted by a token", "scopes": ["quests:read"]},
    ("POST", "/api/v1/auth/password"): {
        "current_password": PASSWORD,
        "new_password": "changed by a token, never",
    },
    ("DELETE", "/api/v1/auth/account"): {"password": PASSWORD},
    ("POST", "/api/v1/auth/totp/confirm"): {"code": "123456"},
    ("DELETE", "/api/v1/auth/totp"): {"password": PASSWORD},
}
#: a value for each kind of path parameter (unknown ids: the routes answer 404, never 2xx)
_PARAMETER_VALUES = {"uuid": lambda: str(uuid.uuid4()), "int": lambda: "0", "str": lambda: "admin"}


def service_factories() -> dict[str, Callable[[Settings], Litestar]]:
    """Every service app that exists in this build, and the all-in-one."""
    factories: dict[str, Callable[[Settings], Litestar]] = {"gateway": create_gateway}
    for service in with_http():  # a service without an API yet is walked once it has one
        factories[service.name] = service.create_app
    return factories


FACTORIES = service_factories()


def concrete(path: str) -> str:
    """A callable URL for a route path: each ``{name:type}`` filled with a value of its type."""

    def fill(match: re.Match[str]) -> str:
        kind = match.group(2)
        return _PARAMETER_VALUES.get(kind, lambda: "x")()

    return re.sub(r"\{(\w+):(\w+)\}", fill, path)


def call(
    client: TestClient[Litestar], method: str, path: str, token: str | None
) -> tuple[int, Any]:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    kwargs: dict[str, Any] = {"headers": headers}
    if method in {"POST", "PUT", "PATCH"} or (method, path) in BODIES:
        kwargs["json"] = BODIES.get((method, path), {})
    response = client.request(method, concrete(path), **kwargs)
    is_problem = response.headers.get("content-type", "").startswith("application/problem+json")
    return response.status_code, response.json() if is_problem else response.text


def settings_for(tmp: Path, template: Path) -> Settings:
    tmp.mkdir(parents=True, exist_ok=True)
    database = tmp / "questlog.db"
    shutil.copyfile(template, database)
    return Settings(
        database_url=f"sqlite:///{database}",
        migrate_on_start=False,
        storage="local",
        storage_dir=str(tmp / "files"),
        email="outbox",
        email_outbox_dir=str(tmp / "outbox"),
        jwt_private_key_path=str(tmp / "keys" / "jwt-ed25519.pem"),
        public_url=BASE_URL,
        environment="test",
    )


class World:
    """An app, a client on it, an admin, and one personal API token per scope."""

    def __init__(self, client: TestClient[Litestar]) -> None:
        self.client = client
        auth: AuthService = client.app.state.container.auth_service()
        portal = client.blocking_portal
        portal.call(lambda: auth.register(email=ADMIN, password=PASSWORD, display_name="Root"))
        portal.call(auth.make_admin, ADMIN)
        pair = portal.call(lambda: auth.login(email=ADMIN, password=PASSWORD))
        self.access_token = pair.access_token
        principal = portal.call(auth.authenticate, pair.access_token)
        self.tokens: dict[Permission, str] = {}
        for scope in Permission:
            created = portal.call(
                lambda s=scope: auth.create_api_token(principal, name=s.value, scopes=[s.value])
            )
            self.tokens[scope] = created.token


@pytest.fixture(params=sorted(FACTORIES))
def world(
    request: pytest.FixtureRequest, tmp_path: Path, api_sqlite_template: Path
) -> Iterator[World]:
    app = FACTORIES[request.param](settings_for(tmp_path, api_sqlite_template))
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    with TestClient(app=app, base_url=BASE_URL) as client:
        yield World(client)


def csrf_refusal(handler: Any, method: str, status: int, body: Any) -> bool:
    """A web page's form post without the CSRF token: refused whatever the bearer token."""
    return (
        bool(handler.opt.get(BROWSER_PAGE_OPT))
        and method not in {"GET", "HEAD", "OPTIONS"}
        and status == 403
        and isinstance(body, dict)
        and body.get("detail") == "CSRF token verification failed"
    )


def test_each_scope_opens_exactly_the_routes_that_need_it(world: World) -> None:
    wrong: list[str] = []
    operations = list(http_handlers(world.client.app))
    assert operations
    for method, path, handler in operations:
        needed = route_permission(handler)
        for scope, token in world.tokens.items():
            status, body = call(world.client, method, path, token)
            where = f"{method} {path} with a {scope.value} token: {status} {body}"
            if needed is not None and scope is not needed:
                if status != 403 or not str(body.get("type")).endswith("/permission-denied"):
                    wrong.append(f"{where} (expected 403: the route needs {needed.value})")
                elif body.get("permission") != needed.value:
                    wrong.append(f"{where} (the 403 should name {needed.value})")
            elif (method, path) in PASSWORD_SESSION_ONLY:
                if status != 401 or "sign in with your password" not in body["detail"]:
                    wrong.append(f"{where} (expected the password-session-only 401)")
            elif status in {401, 403} and not csrf_refusal(handler, method, status, body):
                wrong.append(f"{where} (the scope grants {path}, or it is public)")
    assert not wrong, "\n".join(wrong)


def test_secured_routes_need_a_token_and_public_ones_do_not(world: World) -> None:
    wrong: list[str] = []
    for method, path, handler in http_handlers(world.client.app):
        status, body = call(world.client, method, path, None)
        refused = status in {401, 403} and not csrf_refusal(handler, method, status, body)
        if route_permission(handler) is None and refused:
            wrong.append(f"{method} {path} is public but answered {status} {body}")
        if route_permission(handler) is not None and status != 401:
            wrong.append(f"{method} {path} answered {status} without a token, not 401")
    assert not wrong, "\n".join(wrong)


def test_the_openapi_document_states_each_operations_scope(
    world: World, request: pytest.FixtureRequest
) -> None:
    app = world.client.app
    paths = app.openapi_schema.to_schema()["paths"]
    documented = 0
    for method, path, handler in http_handlers(app):
        if not handler.resolve_include_in_schema():
            continue
        operation = paths[re.sub(r"\{(\w+):\w+\}", r"{\1}", path)][method.lower()]
        needed = route_permission(handler)
        expected = None if needed is None else [{"bearer": [needed.value]}]
        assert operation.get("security") == expected, (method, path)
        documented += 1
    # The web client alone serves pages, which are not API operations.
    assert documented or request.node.callspec.params["world"] == "web"


def test_every_route_of_every_service_declares_what_it_needs(
    tmp_path: Path, api_sqlite_template: Path
) -> None:
    assert {"gateway", "quest", "auth"} <= set(FACTORIES)
    for name, factory in FACTORIES.items():
        app = factory(settings_for(tmp_path / name, api_sqlite_template))
        assert undeclared_routes(app) == [], name


def test_a_route_that_declares_nothing_cannot_be_served(tmp_path: Path) -> None:
    class Forgetful(Controller):
        path = "/api/v1/forgetful"

        @get("/", **requires(Permission.QUESTS_READ))
        async def declared(self) -> str:
            return "fine"

        @get("/undeclared")
        async def undeclared(self) -> str:
            return "open to anyone"

    settings = Settings(
        database_url="memory://",
        environment="test",
        jwt_private_key_path=str(tmp_path / "key.pem"),
    )
    with pytest.raises(UndeclaredPermission, match="GET /api/v1/forgetful/undeclared"):
        create_service_app(
            name="forgetful", title="x", route_handlers=[Forgetful], settings=settings
        )

    @websocket("/api/v1/live")
    async def live(socket: WebSocket[Any, Any, Any]) -> None:
        await socket.close()

    with pytest.raises(UndeclaredPermission, match="WEBSOCKET /api/v1/live"):
        create_service_app(name="live", title="x", route_handlers=[live], settings=settings)


def test_an_api_token_never_exceeds_its_owners_current_roles(
    tmp_path: Path, api_sqlite_template: Path
) -> None:
    """Scopes ∩ role permissions: an admin's ``users:read`` token stops opening the admin
    routes when the admin role is revoked, and a player's access token never opens them."""
    app = create_gateway(settings_for(tmp_path, api_sqlite_template))
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    with TestClient(app=app, base_url=BASE_URL) as client:
        world = World(client)
        auth: AuthService = app.state.container.auth_service()
        portal = client.blocking_portal
        me = portal.call(auth.authenticate, world.access_token)
        url = f"/api/v1/auth/users/{me.user_id}"
        token = world.tokens[Permission.USERS_READ]
        assert call(client, "GET", url, token)[0] == 200
        portal.call(
            lambda: auth.register(email="b@example.com", password=PASSWORD, display_name="B")
        )
        portal.call(auth.make_admin, "b@example.com")
        other = portal.call(lambda: auth.login(email="b@example.com", password=PASSWORD))
        other_admin = portal.call(auth.authenticate, other.access_token)
        portal.call(auth.revoke_role, other_admin, me.user_id, "admin")
        status, body = call(client, "GET", url, token)
        assert status == 403
        assert body["permission"] == "users:read"
        # a player's access token: every permission of the user role, none of the admin's
        player = portal.call(lambda: auth.login(email=ADMIN, password=PASSWORD))
        assert call(client, "GET", url, player.access_token)[0] == 403
        assert call(client, "GET", "/api/v1/quests", player.access_token)[0] == 200


def test_docs_list_every_route_with_what_it_needs(
    tmp_path: Path, api_sqlite_template: Path
) -> None:
    apps = [
        factory(settings_for(tmp_path / name, api_sqlite_template))
        for name, factory in FACTORIES.items()
    ]
    page = (ROOT / "docs" / "auth.md").read_text(encoding="utf-8")
    assert permission_table(apps) in page, (
        "docs/auth.md is stale: paste permission_table() (python -m apps.http.permissions)"
    )
