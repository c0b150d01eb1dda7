"""``questlog import``: an operator moves a user's export into their account from the shell.

The real command (``apps.cli.main``) runs against a migrated SQLite file named by
``QUESTLOG_DATABASE_URL``; what it did is read back through the same database.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from adapters.sql.migrations import upgrade
from apps.cli import main
from apps.container import build_container, close_container
from apps.settings import Settings
from questlog_core.ports.quests import QuestQuery

FIXTURES = Path(__file__).parents[2] / "fixtures" / "imports"
PASSWORD = "a perfectly good passphrase"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-moving") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def env(tmp_path: Path, migrated: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
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
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def make_account(capsys: Any, monkeypatch: pytest.MonkeyPatch, email: str) -> None:
    code, _, err = questlog(
        capsys, monkeypatch, "users", "create", email, "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert code == 0, err


def quest_count(email: str) -> int:
    async def count() -> int:
        container = build_container(Settings.from_env())
        try:
            from questlog_core.identity.tokens import operator_principal

            profile = await container.auth_service().find_user(operator_principal(), email)
            total, cursor = 0, None
            while True:
                async with container.quest_reader_uow() as uow:
                    page = await uow.quests.list(profile.id, QuestQuery(limit=200, cursor=cursor))
                total += len(page.items)
                cursor = page.next_cursor
                if cursor is None:
                    return total
        finally:
            await close_container(container)

    return asyncio.run(count())


def test_import_into_the_only_account_then_again_changes_nothing(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_account(capsys, monkeypatch, "ada@example.com")
    sample = str(FIXTURES / "taskwarrior.json")
    code, out, err = questlog(capsys, monkeypatch, "import", sample, "--from", "taskwarrior")
    assert code == 0, err
    assert out.startswith("306 records: 304 quests created, 0 imported before;")
    assert "would close a cycle" in out
    assert quest_count("ada@example.com") == 304

    code, out, _ = questlog(capsys, monkeypatch, "import", sample, "--from", "taskwarrior")
    assert code == 0
    assert out.startswith("306 records: 0 quests created, 304 imported before;")
    assert quest_count("ada@example.com") == 304


def test_an_ics_file_imports_with_from_ical_once(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_account(capsys, monkeypatch, "ada@example.com")
    sample = str(FIXTURES / "ical.ics")
    args = ("import", sample, "--from", "ical", "--timezone", "Europe/Berlin")
    code, out, err = questlog(capsys, monkeypatch, *args)
    assert code == 0, err
    assert out.startswith("327 records: 319 quests created, 0 imported before;")
    assert "only VTODO (to-dos) become quests" in out
    code, out, _ = questlog(capsys, monkeypatch, *args)
    assert code == 0
    assert out.startswith("327 records: 0 quests created, 319 imported before;")


def test_with_two_accounts_the_user_must_be_named(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_account(capsys, monkeypatch, "ada@example.com")
    make_account(capsys, monkeypatch, "bob@example.com")
    sample = str(FIXTURES / "habitica.json")
    code, _, err = questlog(capsys, monkeypatch, "import", sample, "--from", "habitica")
    assert code == 1
    assert "--user" in err
    code, _, err = questlog(
        capsys, monkeypatch, "import", sample, "--from", "habitica", "--user", "bob@example.com"
    )
    assert code == 0, err
    assert quest_count("bob@example.com") == 240
    assert quest_count("ada@example.com") == 0
    code, _, err = questlog(
        capsys, monkeypatch, "import", sample, "--from", "habitica", "--user", "eve@example.com"
    )
    assert code == 1
    assert "not found" in err


def test_a_file_that_is_not_the_export_named_is_bad_input(
    env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    make_account(capsys, monkeypatch, "ada@example.com")
    code, _, err = questlog(
        capsys, monkeypatch, "import", str(FIXTURES / "todoist.csv"), "--from", "habitica"
    )
    assert code == 2
    assert "file: not JSON" in err
    code, _, err = questlog(
        capsys, monkeypatch, "import", str(tmp_path / "absent.json"), "--from", "todoist"
    )
    assert code == 2
    code, _, err = questlog(
        capsys,
        monkeypatch,
        "import",
        str(FIXTURES / "todoist.csv"),
        "--from",
        "todoist",
        "--timezone",
        "Mars/Olympus",
    )
    assert code == 2
    assert "--timezone" in err
    assert quest_count("ada@example.com") == 0


def test_a_terminal_sees_a_progress_bar(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_account(capsys, monkeypatch, "ada@example.com")
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    code, out, err = questlog(
        capsys,
        monkeypatch,
        "import",
        str(FIXTURES / "todoist.json"),
        "--from",
        "todoist",
        "--batch-size",
        "50",
    )
    assert code == 0
    assert "todoist → ada@example.com" in err
    assert "299 quests created" in out


def test_export_writes_the_whole_account_and_taskwarrior_json_reads_back(
    env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    import json

    make_account(capsys, monkeypatch, "ada@example.com")
    code, _, err = questlog(
        capsys, monkeypatch, "import", str(FIXTURES / "taskwarrior.json"), "--from", "taskwarrior"
    )
    assert code == 0, err
    code, out, err = questlog(capsys, monkeypatch, "export")
    assert code == 0, err
    document = json.loads(out)
    assert document["format"] == "questlog.account.export.v1"
    assert document["account"]["email"] == "ada@example.com"
    assert len(document["quests"]["quests"]) == 304
    assert len(document["quests"]["dependencies"]) == 121
    assert document["gamification"]["profile"]["level"] == 1

    target = tmp_path / "tasks.json"
    code, _, err = questlog(
        capsys, monkeypatch, "export", "--format", "taskwarrior", "-o", str(target)
    )
    assert code == 0, err
    tasks = json.loads(target.read_text())
    assert len(tasks) == 304
    assert sum(len(t.get("depends", [])) for t in tasks) == 121
    # the exported file imported into another account gives the same quests and edges
    make_account(capsys, monkeypatch, "bob@example.com")
    code, out, err = questlog(
        capsys,
        monkeypatch,
        "import",
        str(target),
        "--from",
        "taskwarrior",
        "--user",
        "bob@example.com",
    )
    assert code == 0, err
    assert out.startswith("304 records: 304 quests created, 0 imported before; 121 dependencies")
    assert quest_count("bob@example.com") == 304


def test_the_account_export_holds_notifications_integrations_and_analytics_of_that_user_only(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    from datetime import UTC, datetime
    from uuid import uuid4

    from questlog_core.analytics.recording import record_event
    from questlog_core.events.quests import QuestCompleted
    from questlog_core.identity.tokens import operator_principal
    from questlog_core.integrations.calendar.use_cases import create_feed
    from questlog_core.kernel.ids import EventId, QuestId, UserId
    from questlog_core.notifications.model import DevicePlatform
    from questlog_core.notifications.use_cases import RegisterDevice, register_device

    make_account(capsys, monkeypatch, "ada@example.com")
    make_account(capsys, monkeypatch, "bob@example.com")

    async def seed() -> None:
        """What the services keep of each user: a push device, a calendar feed, a recorded
        completion (the workers would have recorded it)."""
        container = build_container(Settings.from_env())
        try:
            clock, ids = container.clock(), container.ids()
            for email in ("ada@example.com", "bob@example.com"):
                found = await container.auth_service().find_user(operator_principal(), email)
                owner, name = UserId(found.id), email.split("@")[0]
                device = RegisterDevice(
                    user=owner, platform=DevicePlatform.FCM, token=f"{name}-push-token", label=name
                )
                await register_device(device, container.notification_uow(), clock, ids)
                await create_feed(
                    owner,
                    f"{name}'s phone",
                    container.calendar_uow(),
                    feed_id=uuid4(),
                    now=clock.now(),
                )
                now = datetime.now(UTC)
                completed = QuestCompleted(
                    event_id=EventId(uuid4()),
                    occurred_at=now,
                    owner=owner,
                    quest_id=QuestId(uuid4()),
                    occurrence=0,
                    difficulty="easy",
                    priority=2,
                    due=None,
                    completed_at=now,
                    created_at=now,
                    on_time=True,
                    owner_timezone="UTC",
                )
                assert await record_event(completed, container.analytics_uow())
        finally:
            await close_container(container)

    asyncio.run(seed())
    code, out, err = questlog(capsys, monkeypatch, "export", "--user", "ada@example.com")
    assert code == 0, err
    document = json.loads(out)
    assert document["format"] == "questlog.account.export.v1"
    notifications = document["notifications"]
    assert notifications["format"] == "questlog.notifications.export.v1"
    assert [d["label"] for d in notifications["devices"]] == ["ada"]
    assert "preferences" in notifications
    integrations = document["integrations"]
    assert integrations["format"] == "questlog.integrations.export.v1"
    assert [f["label"] for f in integrations["calendar_feeds"]] == ["ada's phone"]
    assert integrations["webhooks"] == []
    [record] = document["analytics"]["records"]
    assert record["kind"] == "quest.completed"
    # nothing of Bob's, and no push token of anyone's
    assert "bob" not in out
    assert "push-token" not in out
