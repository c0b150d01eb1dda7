"""Fixtures of the HTTP API tests: the all-in-one app on memory or SQLite, and signed-in users.

* ``settings`` is parametrised over the in-memory database (``memory://``) and a SQLite file.
  The SQLite schema is migrated once per session into a template file that each test copies,
  so a test starts from an empty, migrated database without paying for the migrations.
  A test that must also hold on PostgreSQL asks for it with
  ``@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)``: one database per
  session (created, migrated, dropped at the end), emptied before each test; skipped when the
  server is unreachable, failed under ``CI=true``.
  Keys, files and mail go to the test's own temporary folder.
* ``app`` is the all-in-one (:func:`apps.gateway.create_app`) with a state of the test's own:
  apps are built once per shape of settings and kept, since building one costs most of an
  API test's time (see :func:`app_for`).
* ``client`` is a ``TestClient`` on ``app`` (lifespan included).
* ``make_user(client, email=None)`` registers and signs in through the auth endpoints and
  returns the ``Authorization`` headers of the new user.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.datastructures import State
from litestar.testing import TestClient

from adapters.security.hashing import Argon2PasswordHasher, BoundedPasswordHasher
from adapters.sql.migrations import upgrade
from adapters.sql.scratch import create_database, drop_database
from apps.container import build_container
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


#: Litestar builds the all-in-one's routes in about half a second (it parses the signature of
#: each of its 300-odd handlers), the most of an API test's time, and that build is the same
#: for every test with the same settings but for the per-test folders and database. So the
#: apps are built once per shape of settings and kept; each test gets the kept app with a new
#: state: its own container (pools, stores, caches), its own settings and no bus built by an
#: earlier test. The lifespan (in-process workers included) reads both from the state.
_built_apps: dict[bytes, tuple[Litestar, dict[str, object]]] = {}
_KEPT_APPS = 6


def _shape(settings: Settings) -> bytes:
    """What the app's build depends on: the settings without their per-test values."""
    url = settings.database_url
    kind = "memory" if url.startswith("memory") else url.split(":", 1)[0]
    return msgspec.json.encode(
        settings.replace(
            database_url=kind,
            storage_dir="",
            email_outbox_dir="",
            jwt_private_key_path="",
            vector_index_dir="",
        )
    )


def app_for(settings: Settings) -> Litestar:
    """The all-in-one app for ``settings`` with a state of its own (see ``_built_apps``), its
    password hasher at test strength."""
    key = _shape(settings)
    kept = _built_apps.get(key)
    if kept is None:
        built = create_app(settings)
        # what the build itself put in the state (the metrics registry), kept for later tests
        _built_apps[key] = (built, dict(built.state.dict()))
        while len(_built_apps) > _KEPT_APPS:
            del _built_apps[next(iter(_built_apps))]
    else:
        built, at_build = kept
        built.state = State(
            {**at_build, "container": build_container(settings), "settings": settings}
        )
        # A build points the logging handlers at the stderr of the test that built it; point
        # them at this test's, as its own build would have.
        if built.logging_config is not None:
            built.get_logger = built.logging_config.configure()
    built.state.container.password_hasher.override(providers.Object(cheap_hasher()))
    return built


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return app_for(settings)


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
