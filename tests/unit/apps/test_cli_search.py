"""``questlog search reindex``: an operator makes quests the index never heard of searchable.

Quests imported from the shell (``questlog import``) reach the search index only through their
events, which no worker relays here: they cannot be found until the index is rebuilt. The real
command runs against a migrated SQLite file; searches go through the search use case.
"""

from __future__ import annotations

import asyncio

import pytest

from apps.container import build_container, close_container
from apps.settings import Settings
from questlog_core.identity.tokens import operator_principal
from questlog_core.search.use_cases import SearchQuests, search_quests
from tests.unit.apps.test_cli_moving import FIXTURES, env, make_account, migrated, questlog

__all__ = ["env", "migrated"]  # fixtures, used by name


def found(email: str, text: str) -> int:
    async def search() -> int:
        container = build_container(Settings.from_env())
        try:
            profile = await container.auth_service().find_user(operator_principal(), email)
            command = SearchQuests(owner=profile.id, text=text, limit=100)
            page = await search_quests(command, container.search_reader_uow())
            return len(page.hits)
        finally:
            await close_container(container)

    return asyncio.run(search())


def test_imported_quests_become_searchable_and_a_second_run_changes_nothing(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_account(capsys, monkeypatch, "ada@example.com")
    make_account(capsys, monkeypatch, "bob@example.com")
    sample = str(FIXTURES / "taskwarrior.json")
    code, _, err = questlog(
        capsys, monkeypatch, "import", sample, "--from", "taskwarrior", "--user", "ada@example.com"
    )
    assert code == 0, err
    assert found("ada@example.com", "slides") == 0

    code, out, err = questlog(capsys, monkeypatch, "search", "reindex")
    assert code == 0, err
    assert "reindexed 2 account(s)" in out
    assert "304 added, 0 updated, 0 unchanged, 0 removed" in out
    assert found("ada@example.com", "slides") > 0
    assert found("bob@example.com", "slides") == 0

    code, out, err = questlog(capsys, monkeypatch, "search", "reindex", "--user", "ada@example.com")
    assert code == 0, err
    assert "reindexed 1 account(s)" in out
    assert "0 added, 0 updated, 304 unchanged, 0 removed" in out


def test_an_unknown_user_is_refused(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_account(capsys, monkeypatch, "ada@example.com")
    code, _, err = questlog(capsys, monkeypatch, "search", "reindex", "--user", "eve@example.com")
    assert code == 1
    assert "not found" in err
