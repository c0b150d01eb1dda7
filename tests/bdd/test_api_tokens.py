"""Steps for features/api_tokens.feature: the all-in-one app in process, as a script sees it.

The steps call the HTTP API through Litestar's synchronous ``TestClient`` (the permission is
checked at the HTTP edge, so that is where the rule lives); the admin role is granted and
revoked through the operator's use cases, as ``questlog users`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient
from pytest_bdd import given, parsers, scenarios, then, when

from apps.gateway import create_app
from apps.settings import Settings
from questlog_core.identity.tokens import operator_principal
from questlog_core.services.auth import AuthService
from tests.api.conftest import BASE_URL, PASSWORD, cheap_hasher

scenarios("api_tokens.feature")

ADA = "ada@example.com"


@dataclass
class Script:
    client: TestClient[Litestar]
    session: dict[str, str] = field(default_factory=dict)
    token: dict[str, str] = field(default_factory=dict)
    quests: dict[str, str] = field(default_factory=dict)
    answer: Any = None

    @property
    def auth(self) -> AuthService:
        service: AuthService = self.client.app.state.container.auth_service()
        return service

    def ada_id(self) -> UUID:
        profile = self.client.get("/api/v1/auth/profile", headers=self.session)
        assert profile.status_code == 200, profile.text
        return UUID(profile.json()["id"])

    def sign_in(self) -> None:
        login = self.client.post("/api/v1/auth/login", json={"email": ADA, "password": PASSWORD})
        assert login.status_code == 200, login.text
        self.session = {"Authorization": f"Bearer {login.json()['access_token']}"}


@pytest.fixture
def script(tmp_path: Path) -> Iterator[Script]:
    settings = Settings(
        database_url="memory://",
        migrate_on_start=False,
        storage_dir=str(tmp_path / "files"),
        email="outbox",
        email_outbox_dir=str(tmp_path / "outbox"),
        jwt_private_key_path=str(tmp_path / "keys" / "jwt.pem"),
        public_url=BASE_URL,
        environment="test",
    )
    app = create_app(settings)
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    with TestClient(app=app, base_url=BASE_URL) as client:
        yield Script(client)


@given(parsers.parse('Ada has an account with a quest "{title}"'))
def ada_with_a_quest(script: Script, title: str) -> None:
    registered = script.client.post(
        "/api/v1/auth/register", json={"email": ADA, "password": PASSWORD, "display_name": "Ada"}
    )
    assert registered.status_code == 202, registered.text
    script.sign_in()
    made = script.client.post("/api/v1/quests", json={"title": title}, headers=script.session)
    assert made.status_code == 201, made.text
    script.quests[title] = made.json()["id"]


@given("Ada is an admin")
def ada_is_an_admin(script: Script) -> None:
    script.client.blocking_portal.call(
        script.auth.grant_role, operator_principal(), script.ada_id(), "admin"
    )
    script.sign_in()  # the new role comes with the next token


@given(parsers.parse('Ada makes an API token with the scope "{scope}"'))
def ada_makes_a_token(script: Script, scope: str) -> None:
    made = script.client.post(
        "/api/v1/auth/tokens",
        json={"name": f"script ({scope})", "scopes": [scope]},
        headers=script.session,
    )
    assert made.status_code == 201, made.text
    script.token = {"Authorization": f"Bearer {made.json()['token']}"}


@when("the token lists Ada's quests")
def token_lists(script: Script) -> None:
    script.answer = script.client.get("/api/v1/quests", headers=script.token)


@when(parsers.parse('the token creates a quest "{title}"'))
def token_creates(script: Script, title: str) -> None:
    script.answer = script.client.post(
        "/api/v1/quests", json={"title": title}, headers=script.token
    )


@when(parsers.parse('the token deletes the quest "{title}"'))
def token_deletes(script: Script, title: str) -> None:
    script.answer = script.client.delete(
        f"/api/v1/quests/{script.quests[title]}", headers=script.token
    )


@when("the token reads Ada's profile")
def token_reads_profile(script: Script) -> None:
    script.answer = script.client.get("/api/v1/auth/profile", headers=script.token)


@when("the token reads Ada's account as an admin")
def token_reads_account(script: Script) -> None:
    script.answer = script.client.get(f"/api/v1/auth/users/{script.ada_id()}", headers=script.token)


@when("Ada's admin role is revoked")
def admin_role_revoked(script: Script) -> None:
    ada = script.ada_id()
    script.client.blocking_portal.call(script.auth.revoke_role, operator_principal(), ada, "admin")
    script.sign_in()


@then("the answer is 200")
def answer_ok(script: Script) -> None:
    assert script.answer.status_code == 200, script.answer.text


@then(parsers.parse('the answer is 200 and lists "{title}"'))
def answer_lists(script: Script, title: str) -> None:
    assert script.answer.status_code == 200, script.answer.text
    assert [q["title"] for q in script.answer.json()["items"]] == [title]


@then(parsers.parse('the answer is 403 because the token lacks "{permission}"'))
def answer_forbidden(script: Script, permission: str) -> None:
    assert script.answer.status_code == 403, script.answer.text
    body = script.answer.json()
    assert body["type"].endswith("/permission-denied")
    assert body["permission"] == permission


@then(parsers.parse("Ada has {count:d} quest"))
def ada_has(script: Script, count: int) -> None:
    listed = script.client.get("/api/v1/quests", headers=script.session)
    assert len(listed.json()["items"]) == count
