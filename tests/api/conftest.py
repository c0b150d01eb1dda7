"""Fixtures of the HTTP API tests: the all-in-one app on memory or SQLite, and signed-in users.

* ``settings`` is parametrised over the in-memory database (``memory://``) and a SQLite file.
  The SQLite schema is migrated once per session into a template file that each test copies,
  so a test starts from an empty, migrated database without paying for the migrations.
  A test that must also hold on PostgreSQL asks for it with
  ``@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)``: one database per
  session (created, migrated, dropped at the end), emptied before each test; skipped when the
  server is unreachable, failed under ``CI=true``.
  Keys, files and mail go to the test's own temporary folder.
* ``client`` is a ``TestClient`` on :func:`apps.gateway.create_app` (lifespan included).
* ``make_user(client, email=None)`` registers and signs in through the auth endpoints and
  returns the ``Authorization`` headers of the new user.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from adapters.security.hashing import Argon2PasswordHasher, BoundedPasswordHasher
from adapters.sql.migrations import upgrade
from adapters.sql.scratch import create_database, drop_database
from apps.gateway import create_app
from apps.settings import Settings
from tests.support.databases import empty_database

BASE_URL = "http://testserver.local"
PASSWORD = "correct horse battery staple"

MakeUser = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def api_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api-sqlite") / "questlog.db"
    upgrade(f"sqlite:///{path}")
    return path


#: ``settings`` values for a test that must hold on PostgreSQL too
ON_EVERY_DATABASE = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def api_postgres_database(postgres_url: str) -> Iterator[str]:
    url = create_database(postgres_url, "api")
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(url)


@pytest.fixture(params=["memory", "sqlite"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Test settings on the in-memory database, a migrated SQLite file or (when asked for)
    an emptied PostgreSQL database."""
    if request.param == "memory":
        database_url = "memory://"
    elif request.param == "postgres":
        database_url = request.getfixturevalue("api_postgres_database")
        empty_database(database_url)
    else:
        path = tmp_path / "questlog.db"
        shutil.copyfile(request.getfixturevalue("api_sqlite_template"), path)
        database_url = f"sqlite:///{path}"
    return Settings(
        database_url=database_url,
        migrate_on_start=False,
        storage="local",
        storage_dir=str(tmp_path / "files"),
        email="outbox",
        email_outbox_dir=str(tmp_path / "outbox"),
        jwt_private_key_path=str(tmp_path / "keys" / "jwt-ed25519.pem"),
        vector_index_dir=str(tmp_path / "vectors"),
        public_url=BASE_URL,
        environment="test",
    )


def cheap_hasher() -> BoundedPasswordHasher:
    """argon2id at test strength: the production parameters are checked in tests/unit/security;
    here they would only make every sign-up cost a second."""
    fast = Argon2PasswordHasher(
        time_cost=1, memory_cost=1024, parallelism=1, allow_below_owasp=True
    )
    return BoundedPasswordHasher(fast)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    created = create_app(settings)
    created.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    return created


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=app, base_url=BASE_URL) as test_client:
        yield test_client


_numbers = itertools.count(1)


def register_and_login(client: TestClient[Litestar], email: str | None = None) -> dict[str, str]:
    """Register a new account and sign in; the ``Authorization`` header of its access token."""
    address = email or f"player{next(_numbers)}@example.com"
    registered = client.post(
        "/api/v1/auth/register",
        json={"email": address, "password": PASSWORD, "display_name": "Player"},
    )
    assert registered.status_code == 202, registered.text
    login = client.post("/api/v1/auth/login", json={"email": address, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@pytest.fixture
def make_user() -> MakeUser:
    """``make_user(client, email=None) -> headers``: a new signed-in user."""
    return register_and_login
