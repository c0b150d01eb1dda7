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


def test_ai_adapters_are_chosen_with_their_keys() -> None:
    settings = Settings.from_env(
        {
            "QUESTLOG_LANGUAGE_MODEL": "openai",
            "QUESTLOG_OPENAI_API_KEY": "sk-x",
            "QUESTLOG_OPENAI_TIMEOUT_SECONDS": "2.5",
            "QUESTLOG_VECTOR_INDEX": "pinecone",
            "QUESTLOG_PINECONE_API_KEY": "pc-x",
            "QUESTLOG_PINECONE_HOST": "https://quests-abc.svc.pinecone.io",
        }
    )
    assert (settings.language_model, settings.openai_timeout_seconds) == ("openai", 2.5)
    assert settings.vector_index == "pinecone"


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"QUESTLOG_LANGUAGE_MODEL": "openai"}, "QUESTLOG_OPENAI_API_KEY"),
        ({"QUESTLOG_LANGUAGE_MODEL": "anthropic"}, "QUESTLOG_ANTHROPIC_API_KEY"),
        ({"QUESTLOG_EMBEDDER": "openai"}, "QUESTLOG_OPENAI_API_KEY"),
        ({"QUESTLOG_VECTOR_INDEX": "pinecone"}, "QUESTLOG_PINECONE_API_KEY"),
        ({"QUESTLOG_OPENAI_TIMEOUT_SECONDS": "0"}, "QUESTLOG_OPENAI_TIMEOUT_SECONDS"),
        ({"QUESTLOG_ANTHROPIC_MAX_RETRIES": "-1"}, "QUESTLOG_ANTHROPIC_MAX_RETRIES"),
    ],
)
def test_an_ai_provider_without_its_key_or_with_unbounded_waits_fails_at_start(
    environ: dict[str, str], variable: str
) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env(environ)
