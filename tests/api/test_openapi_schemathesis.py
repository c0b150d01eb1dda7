"""Every service honours its own OpenAPI document: schemathesis v4, every check, signed in.

For each service of the registry (``apps.services.SERVICES``) that has an app
(``apps/<name>/app.py``), schemathesis loads the document the app serves and calls the app
in-process (its ASGI transport, no server) with generated requests, valid and invalid, then runs
all of its checks on each answer: no 5xx, only documented statuses, content types, headers and
bodies that match the schema, valid data accepted, invalid data refused, authentication not
ignored, unsupported methods refused with ``Allow``. A service added to the registry is picked up
without touching this file.

Requests carry the bearer token of a real user, registered and signed in through the auth
endpoints; when a request ends the session (logout, password change), the next one signs in
again. Bounded for CI: :data:`MAX_EXAMPLES` generated cases per operation and phase.
"""

from __future__ import annotations

import importlib
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.http.etags import ETAG_PATTERN
from apps.services import with_http
from apps.settings import Settings
from tests.api.conftest import BASE_URL, PASSWORD, cheap_hasher

#: generated cases per operation (per generation phase); the whole run stays well under 2 min
MAX_EXAMPLES = 8
SCHEMA_PATH = "/schema/openapi.json"
PLAYER = "schemathesis-player@example.com"


#: apps that document no API operation: the web client serves pages, which call the others
PAGES_ONLY = frozenset({"web"})


def deployed_services() -> list[str]:
    """The services of the registry that have an API of their own to test."""
    return [s.name for s in with_http() if s.name not in PAGES_ONLY]


def _settings(tmp_path: Path, template: Path) -> Settings:
    database = tmp_path / "questlog.db"
    shutil.copyfile(template, database)
    return Settings(
        database_url=f"sqlite:///{database}",
        migrate_on_start=False,
        storage="local",
        storage_dir=str(tmp_path / "files"),
        email="outbox",
        email_outbox_dir=str(tmp_path / "outbox"),
        jwt_private_key_path=str(tmp_path / "keys" / "jwt-ed25519.pem"),
        public_url=BASE_URL,
        environment="test",
    )


def _app(name: str, settings: Settings) -> Litestar:
    app: Litestar = importlib.import_module(f"apps.{name}.app").create_app(settings)
    app.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    return app


def _bearer_auth(sign_in: Callable[[], str]) -> type:
    """A schemathesis auth provider: the player's access token, signed in again after a 401."""

    class PlayerToken:
        def get(self, case: Any, context: Any) -> str:
            return sign_in()

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return PlayerToken


@pytest.fixture(params=deployed_services())
def service_schema(
    request: pytest.FixtureRequest, tmp_path: Path, api_sqlite_template: Path
) -> Iterator[Any]:
    """The schemathesis schema of one service's app, signed in as a registered player."""
    # schemathesis 4.32's lazy loader reads (and renames) ``node._nodeid``, an attribute pytest 9
    # no longer has (``nodeid`` is a property of ``_id`` now): give it the id it expects.
    request.node._nodeid = request.node.nodeid
    settings = _settings(tmp_path, api_sqlite_template)
    # The player signs up and in through another auth app on the same database: the service
    # under test (which may be the auth service itself) only ever sees the bearer token.
    with TestClient(app=_app("auth", settings), base_url=BASE_URL) as auth:
        registered = auth.post(
            "/api/v1/auth/register",
            json={"email": PLAYER, "password": PASSWORD, "display_name": "Player"},
        )
        assert registered.status_code == 202, registered.text

        refresh: list[str] = []

        def sign_in() -> str:
            # A 401 with a live session (a wrong current password, say) is mended by a refresh;
            # only an ended session (logout, password changed) costs a sign-in, so the run stays
            # under the per-account sign-in limit.
            if refresh:
                renewed = auth.post("/api/v1/auth/refresh", json={"refresh_token": refresh[-1]})
                if renewed.status_code == 200:
                    refresh.append(renewed.json()["refresh_token"])
                    return str(renewed.json()["access_token"])
            login = auth.post("/api/v1/auth/login", json={"email": PLAYER, "password": PASSWORD})
            assert login.status_code == 200, login.text
            refresh.append(login.json()["refresh_token"])
            return str(login.json()["access_token"])

        config = schemathesis.Config.from_dict(
            {
                # Every service refuses NUL in any string at the edge (400, documented in
                # docs/http.md and on every 400): valid data never contains it.
                "generation": {
                    "max-examples": MAX_EXAMPLES,
                    "database": "none",
                    "allow-x00": False,
                },
                "seed": 20261206,
            }
        )
        schema = schemathesis.openapi.from_asgi(
            SCHEMA_PATH, _app(request.param, settings), config=config
        )
        # Cached until a 401 (a logout or a password change ended the session) asks for a new one.
        schema.auth.auth(refresh_interval=3600)(_bearer_auth(sign_in))
        try:
            yield schema
        finally:
            shutdown_lifespans()  # closes the service app's container (its lifespan shutdown)


#: The only exception to "schema-valid data is accepted": a 422 naming one of these fields of
#: that operation, for a rule a JSON Schema cannot state. Each is the domain's, documented in
#: the field's description or docs/http.md; any other rejection of valid data still fails.
NOT_STATABLE: dict[tuple[str, str], str] = {
    ("POST /api/v1/auth/register", "password"): "common passwords, not the email (after NFKC)",
    ("GET /api/v1/auth/oauth/{provider}/callback", "code"): "code and state, unless error",
    ("GET /api/v1/auth/oauth/{provider}/callback", "state"): "code and state, unless error",
    ("POST /api/v1/auth/register", "email"): "an address after NFKC normalisation",
    ("POST /api/v1/auth/register", "timezone"): "a time zone this server's tzdata knows",
    ("PUT /api/v1/auth/profile", "timezone"): "a time zone this server's tzdata knows",
    ("POST /api/v1/auth/password", "new_password"): "common passwords (after NFKC)",
    ("POST /api/v1/auth/password", "password"): "common passwords (after NFKC)",
    ("POST /api/v1/auth/reset-password", "token"): "a reset token that was sent and is unused",
    ("POST /api/v1/auth/reset-password", "password"): "common passwords (after NFKC)",
    ("POST /api/v1/auth/tokens", "scopes"): "only scopes the caller's roles hold",
    ("GET /api/v1/quests", "cursor"): "an opaque cursor this listing handed out",
    ("POST /api/v1/quests", "due"): "not before now (time-dependent)",
    ("POST /api/v1/quests", "recurrence"): "RRULE grammar and a known time zone",
    ("POST /api/v1/quests/bulk", "due"): "not before now (time-dependent)",
    ("POST /api/v1/quests/bulk", "recurrence"): "RRULE grammar and a known time zone",
    ("PATCH /api/v1/quests/{quest_id}", "due"): "not before the quest was created",
    ("PATCH /api/v1/quests/{quest_id}", "recurrence"): "RRULE grammar and a known time zone",
    ("POST /api/v1/quests", "parent_id"): "a quest of the caller's that exists",
    ("POST /api/v1/quests/bulk", "parent_id"): "a quest of the caller's that exists",
    ("PATCH /api/v1/quests/{quest_id}", "parent_id"): "a quest of the caller's, not itself",
    ("POST /api/v1/quests/import", "file"): "an export file of the tool named by 'from'",
    ("POST /api/v1/templates", "steps"): "'after' names earlier steps only",
    ("PATCH /api/v1/templates/{template_id}", "steps"): "'after' names earlier steps only",
    ("POST /api/v1/templates", "title_pattern"): "balanced {placeholder} braces",
    ("PATCH /api/v1/templates/{template_id}", "title_pattern"): "balanced {placeholder} braces",
    ("POST /api/v1/templates/{template_id}/instantiate", "timezone"): "a known time zone",
    ("POST /api/v1/templates/{template_id}/instantiate", "values"): "a value per placeholder",
    ("POST /api/v1/ai/prioritize", "quests"): "quests or quest_ids, not both (no oneOf)",
    ("POST /api/v1/ai/prioritize", "quest_ids"): "quests of the caller's read model",
    ("GET /api/v1/ai/insights", "timezone"): "a time zone this server's tzdata knows",
    ("PUT /api/v1/gamification/settings/time-zone", "timezone"): "a known time zone",
    ("PUT /api/v1/gamification/settings/display-name", "display_name"): (
        "not an email address, no control characters (after NFC)"
    ),
    ("POST /api/v1/gamification/streaks", "quest_id"): "a live award of the caller's",
    ("POST /api/v1/gamification/award", "amount"): "never below 0 XP (the player's balance)",
    ("POST /api/v1/gamification/share/achievements/{key}", "key"): (
        "an achievement the caller has unlocked"
    ),
    ("POST /api/v1/gamification/friends/{user_id}/block", "user_id"): "not the caller",
    ("POST /api/v1/gamification/friends/links/accept", "token"): "not the caller's own link",
    ("POST /api/v1/ai/analyze", "timezone"): "a time zone this server's tzdata knows",
    ("POST /api/v1/ai/quick-add", "timezone"): "a time zone this server's tzdata knows",
    ("POST /api/v1/ai/suggest", "timezone"): "a time zone this server's tzdata knows",
    ("GET /api/v1/notifications/history", "cursor"): "an opaque cursor this listing handed out",
    ("POST /api/v1/integrations/webhooks", "url"): (
        "a host resolving only to public addresses (DNS, time-dependent); 20 per account"
    ),
    ("PATCH /api/v1/integrations/webhooks/{endpoint_id}", "url"): (
        "a host resolving only to public addresses (DNS, time-dependent)"
    ),
    ("POST /api/v1/notifications/send", "user_id"): "user_id or broadcast, exactly one",
    ("POST /api/v1/notifications/send", "title"): "not only whitespace",
    ("POST /api/v1/notifications/send", "key"): "not only whitespace",
    ("POST /api/v1/notifications/send", "data"): "20 entries, keys ≤ 64, values ≤ 500 chars",
    ("POST /api/v1/notifications/schedule", "user_id"): "user_id or broadcast, exactly one",
    ("POST /api/v1/notifications/schedule", "title"): "not only whitespace",
    ("POST /api/v1/notifications/schedule", "key"): "not only whitespace",
    ("POST /api/v1/notifications/schedule", "data"): "20 entries, keys ≤ 64, values ≤ 500 chars",
    ("POST /api/v1/notifications/mark-read", "ids"): "ids or all, exactly one",
    ("PUT /api/v1/notifications/preferences", "quiet_hours"): "start and end differ",
    ("PUT /api/v1/notifications/preferences", "reminder_offsets_minutes"): "no offset twice",
    ("POST /api/v1/notifications/devices", "token"): "not only whitespace",
    ("GET /api/v1/search", "q"): "at most 8 distinct words (after normalisation)",
    ("GET /api/v1/search/suggest", "q"): "at most 8 distinct words (after normalisation)",
    ("GET /api/v1/search", "cursor"): "an opaque cursor this search handed out",
    ("GET /api/v1/search", "due_before"): "later than due_from",
    ("POST /api/v1/auth/login/totp", "code"): "code or recovery_code, exactly one",
    ("POST /api/v1/auth/totp/confirm", "code"): "a current code of the enrolled app",
    ("DELETE /api/v1/auth/totp", "code"): "one of code, recovery_code or password",
}
_ITEM_PREFIX = re.compile(r"^[a-z_]+\[\d+\]\.")


def _if_match(case: Any) -> str | None:
    return next((v for k, v in (case.headers or {}).items() if k.lower() == "if-match"), None)


def positive_data_acceptance_but_unstatable_rules(ctx: Any, response: Any, case: Any) -> Any:
    """schemathesis' ``positive_data_acceptance``, with three exceptions, each as narrow as
    the reason for it:

    * a 422 that names only fields of :data:`NOT_STATABLE` for this operation;
    * a 412 to a request that sent ``If-Match``: the ETag is a precondition on the server's
      state (the version now stored), which no schema of the request can state;
    * a 400 naming only ``if_match`` when the ``If-Match`` sent does not match the documented
      pattern: schemathesis 4.32's coverage phase labels ``If-Match: 0`` as schema-valid,
      although the declared ``pattern`` refuses it (the edge then rightly answers 400).
    """
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        errors = response.json().get("errors") or [{}]
        fields = {_ITEM_PREFIX.sub("", str(e.get("field"))) for e in errors}
        if response.status_code == 422 and all(
            (case.operation.label, f) in NOT_STATABLE for f in fields
        ):
            return None
        sent = _if_match(case)
        if response.status_code == 412 and sent is not None:
            return None
        if (
            response.status_code == 400
            and fields == {"if_match"}
            and sent is not None
            and not ETAG_PATTERN.match(sent)
        ):
            return None
        raise


schema = schemathesis.pytest.from_fixture("service_schema")


@schema.parametrize()
def test_every_service_honours_its_openapi(case: Any) -> None:
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance],
        additional_checks=[positive_data_acceptance_but_unstatable_rules],
    )
