"""Settings come from QUESTLOG_* variables; bad values fail at start, naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.settings import Settings, SettingsError, settings_table


def test_defaults_are_the_embedded_system() -> None:
    settings = Settings.from_env({})
    assert settings.database_url.startswith("sqlite:///")
    assert (settings.cache, settings.broker, settings.email, settings.storage) == (
        "memory",
        "stub",
        "console",
        "local",
    )


def test_variables_override_defaults_with_types() -> None:
    settings = Settings.from_env(
        {
            "QUESTLOG_CACHE": "redis",
            "QUESTLOG_MIGRATE_ON_START": "false",
            "QUESTLOG_MAX_BODY_BYTES": "2048",
            "UNRELATED": "x",
        }
    )
    assert settings.cache == "redis"
    assert settings.migrate_on_start is False
    assert settings.max_body_bytes == 2048


@pytest.mark.parametrize(
    ("variable", "value"),
    [("QUESTLOG_CACHE", "memcached"), ("QUESTLOG_MAX_BODY_BYTES", "lots")],
)
def test_a_bad_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


def test_the_configuration_page_lists_every_setting() -> None:
    page = (Path(__file__).parents[3] / "docs" / "configuration.md").read_text()
    assert settings_table() in page, "docs/configuration.md is stale: regenerate its table"
