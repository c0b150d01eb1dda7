"""``questlog users``: an operator makes the first admin and administers accounts from the shell.

Each test runs the real command (``apps.cli.main``) against a migrated SQLite file named by
``QUESTLOG_DATABASE_URL``, then checks what a user of the HTTP API would notice on an app built
on the same database: the admin made on the command line administers over HTTP, a disabled
account cannot sign in, a revoked role is gone.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from litestar import Litestar
from litestar.testing import TestClient

from adapters.sql.migrations import upgrade
from apps.cli import main
from apps.gateway import create_app
from apps.settings import Settings

PASSWORD = "a perfectly good passphrase"
BASE_URL = "http://testserver.local"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-users") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def env(tmp_path: Path, migrated: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of an operator's shell: only the settings this test gives."""
    for name in list(os.environ):
        if name.startswith("QUESTLOG_") and not name.startswith("QUESTLOG_TEST_"):
            monkeypatch.delenv(name)
    database = tmp_path / "questlog.db"
    shutil.copyfile(migrated, database)
    values = {
        "QUESTLOG_DATABASE_URL": f"sqlite:///{database}",
        "QUESTLOG_JWT_PRIVATE_KEY_PATH": str(tmp_path / "keys" / "jwt.pem"),
        "QUESTLOG_EMAIL": "outbox",
        "QUESTLOG_EMAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "QUESTLOG_STORAGE_DIR": str(tmp_path / "files"),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def questlog(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    """Run ``questlog *argv`` with ``stdin``; its exit status, standard output and error."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(params=["memory", "redis"])
def feed(
    request: pytest.FixtureRequest, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The revocation feed the command and the server use: each its own in-process one
    (``QUESTLOG_CACHE=memory``), or one Redis (a key prefix of this test's own)."""
    if request.param == "memory":
        yield "memory"
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"qltest-{uuid.uuid4().hex[:12]}"
    for name, value in {
        "QUESTLOG_CACHE": "redis",
        "QUESTLOG_REDIS_URL": url,
        "QUESTLOG_REDIS_KEY_PREFIX": prefix,
    }.items():
        monkeypatch.setenv(name, value)
        env[name] = value
    yield "redis"
    client = redis.Redis.from_url(url)
    try:
        stale = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if stale:
            client.delete(*stale)
    finally:
        client.close()


@pytest.fixture
def client(env: dict[str, str], tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    """The all-in-one on the command's database (and feed), as a user of the API sees it."""
    shared_feed: dict[str, Any] = {}
    if env.get("QUESTLOG_CACHE") == "redis":
        shared_feed = {
            "cache": "redis",
            "redis_url": env["QUESTLOG_REDIS_URL"],
            "redis_key_prefix": env["QUESTLOG_REDIS_KEY_PREFIX"],
        }
    settings = Settings(
        **shared_feed,
        database_url=env["QUESTLOG_DATABASE_URL"],
        migrate_on_start=False,
        jwt_private_key_path=env["QUESTLOG_JWT_PRIVATE_KEY_PATH"],
        email="outbox",
        email_outbox_dir=env["QUESTLOG_EMAIL_OUTBOX_DIR"],
        storage_dir=env["QUESTLOG_STORAGE_DIR"],
        public_url=BASE_URL,
        environment="test",
    )
    with TestClient(app=create_app(settings), base_url=BASE_URL) as test_client:
        yield test_client


def sign_in(client: TestClient[Litestar], email: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def bearer(response: Any) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_the_first_admin_is_made_on_the_command_line_and_administers_over_http(
    env: dict[str, str],
    client: TestClient[Litestar],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, _ = questlog(
        capsys,
        monkeypatch,
        *("users", "create", "root@example.com", "--role", "admin", "--password-stdin"),
        stdin=PASSWORD + "\n",
    )
    assert code == 0
    assert out.startswith("created root@example.com (")
    assert "roles admin, user; active" in out
    admin = bearer(sign_in(client, "root@example.com"))
    profile = client.get("/api/v1/auth/profile", headers=admin).json()
    assert profile["roles"] == ["admin", "user"]
    assert profile["display_name"] == "root"  # the address's local part by default
    # as an admin over HTTP: read another account (made on the command line too)
    code, out, _ = questlog(
        capsys,
        monkeypatch,
        *("users", "create", "ada@example.com", "--name", "Ada L", "--password-stdin"),
        stdin=PASSWORD + "\n",
    )
    assert code == 0
    ada_id = out.split("(")[1].split(")")[0]
    seen = client.get(f"/api/v1/auth/users/{ada_id}", headers=admin)
    assert seen.status_code == 200
    assert (seen.json()["email"], seen.json()["display_name"]) == ("ada@example.com", "Ada L")


def test_roles_and_disabling_go_through_the_use_cases(
    feed: str,
    client: TestClient[Litestar],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a shared (Redis) feed the running server refuses the account's access tokens at once;
    on separate in-process feeds they live out their minutes there, as the command warns. Sign-in,
    refresh and API tokens follow the database either way."""
    shared = feed == "redis"
    ended = 401 if shared else 200
    code, _, _ = questlog(
        capsys,
        monkeypatch,
        "users",
        "create",
        "ada@example.com",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert code == 0
    ada = bearer(sign_in(client, "ada@example.com"))
    admin_route = "/api/v1/auth/users/00000000-0000-4000-8000-000000000000"
    assert client.get(admin_route, headers=ada).status_code == 403

    code, out, err = questlog(
        capsys, monkeypatch, "users", "grant-role", "ada@example.com", "admin"
    )
    assert code == 0
    assert "roles admin, user; active" in out
    assert ("QUESTLOG_CACHE is not redis" in err) is not shared  # says what the server misses
    # the access token named the old roles: it ends (shared feed); a new one carries admin
    assert client.get("/api/v1/auth/profile", headers=ada).status_code == ended
    ada = bearer(sign_in(client, "ada@example.com"))
    assert client.get(admin_route, headers=ada).status_code == 404  # allowed; no such user

    ada_id = client.get("/api/v1/auth/profile", headers=ada).json()["id"]
    code, out, _ = questlog(capsys, monkeypatch, "users", "revoke-role", ada_id, "admin")
    assert code == 0
    assert "roles user; active" in out
    assert client.get(admin_route, headers=ada).status_code == (401 if shared else 404)
    ada = bearer(sign_in(client, "ada@example.com"))
    assert client.get(admin_route, headers=ada).status_code == 403

    code, out, _ = questlog(
        capsys, monkeypatch, "users", "disable", "ada@example.com", "--reason", "test"
    )
    assert code == 0
    assert out.rstrip().endswith("disabled")
    assert client.get("/api/v1/auth/profile", headers=ada).status_code == ended
    assert sign_in(client, "ada@example.com").status_code == 401

    code, out, _ = questlog(capsys, monkeypatch, "users", "enable", "ada@example.com")
    assert code == 0
    assert out.rstrip().endswith("active")
    assert sign_in(client, "ada@example.com").status_code == 200


def test_an_operator_turns_two_step_sign_in_off_for_an_owner_who_lost_it(
    client: TestClient[Litestar],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import base64
    from datetime import UTC, datetime

    from questlog_core.identity.second_factor import hotp, time_step

    code, _, _ = questlog(
        capsys,
        monkeypatch,
        "users",
        "create",
        "lin@example.com",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert code == 0
    signed = sign_in(client, "lin@example.com")
    lin = bearer(signed)
    refresh = signed.json()["refresh_token"]
    enrolled = client.post("/api/v1/auth/totp/enrol", headers=lin)
    assert enrolled.status_code == 201, enrolled.text
    encoded = enrolled.json()["secret"]
    secret = base64.b32decode(encoded + "=" * (-len(encoded) % 8))
    code_now = hotp(secret, time_step(datetime.now(UTC)))
    confirmed = client.post("/api/v1/auth/totp/confirm", json={"code": code_now}, headers=lin)
    assert confirmed.status_code == 200, confirmed.text
    assert sign_in(client, "lin@example.com").json()["second_factor_required"] is True
    rotated = client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    assert rotated.status_code == 200, rotated.text  # the session lives until the reset
    refresh = rotated.json()["refresh_token"]

    code, out, _ = questlog(
        capsys,
        monkeypatch,
        "users",
        "reset-second-factor",
        "lin@example.com",
        "--reason",
        "lost phone, identity checked",
    )

    assert code == 0
    assert "two-step sign-in turned off; its sessions ended" in out
    # the sessions ended: the old refresh token is refused; the password alone signs in
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    assert again.status_code == 401
    assert "access_token" in sign_in(client, "lin@example.com").json()
    code, out, _ = questlog(capsys, monkeypatch, "users", "reset-second-factor", "lin@example.com")
    assert code == 0
    assert "was not on; nothing changed" in out


def test_list_shows_every_account_by_email(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for email in ("cy@example.com", "ada@example.com"):
        code, _, _ = questlog(
            capsys, monkeypatch, "users", "create", email, "--password-stdin", stdin=PASSWORD
        )
        assert code == 0
    code, out, _ = questlog(capsys, monkeypatch, "users", "list")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["id", "email", "name", "roles", "state"]
    assert [line.split()[1] for line in lines[1:]] == ["ada@example.com", "cy@example.com"]
    code, out, _ = questlog(capsys, monkeypatch, "users", "list", "--json")
    listed = json.loads(out)
    assert [p["email"] for p in listed] == ["ada@example.com", "cy@example.com"]
    assert all(p["roles"] == ["user"] and not p["disabled"] for p in listed)


@pytest.mark.parametrize(
    ("argv", "stdin", "status", "says"),
    [
        (["create", "ada@example.com", "--password-stdin"], "password\n", 2, "common"),
        (["create", "not-an-address", "--password-stdin"], PASSWORD, 2, "email"),
        (["create", "ada@example.com", "--password-stdin"], "", 2, "no password"),
        (["create", "ada@example.com"], "", 2, "--password-stdin"),  # no terminal to ask on
        (["create", "ada@example.com", "--role", "root"], "", 2, "invalid choice"),
        (["disable", "nobody@example.com"], "", 1, "not found"),
        (["grant-role", "00000000-0000-4000-8000-000000000000", "admin"], "", 1, "not found"),
        (["enable", "not an address"], "", 2, "email"),
        (["frobnicate"], "", 2, "invalid choice"),
    ],
)
def test_bad_input_and_refusals_say_why_with_their_exit_status(
    env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    stdin: str,
    status: int,
    says: str,
) -> None:
    code, out, err = questlog(capsys, monkeypatch, "users", *argv, stdin=stdin)
    assert code == status
    assert says in err
    assert out == ""


def test_an_address_already_registered_is_refused(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ("users", "create", "ada@example.com", "--password-stdin")
    assert questlog(capsys, monkeypatch, *argv, stdin=PASSWORD)[0] == 0
    code, _, err = questlog(capsys, monkeypatch, *argv, stdin=PASSWORD)
    assert code == 1
    assert "already exists" in err


def test_an_unmigrated_or_in_memory_database_is_refused(
    env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUESTLOG_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, _, err = questlog(capsys, monkeypatch, "users", "list")
    assert code == 1
    assert "questlog migrate" in err
    monkeypatch.setenv("QUESTLOG_DATABASE_URL", "memory://")
    code, _, err = questlog(capsys, monkeypatch, "users", "list")
    assert code == 2
    assert "nothing would be kept" in err


def test_help_names_every_action(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = questlog(capsys, monkeypatch, "users", "--help")
    assert code == 0
    for action in (
        "create",
        "grant-role",
        "revoke-role",
        "disable",
        "enable",
        "list",
        "reset-second-factor",
    ):
        assert action in out
