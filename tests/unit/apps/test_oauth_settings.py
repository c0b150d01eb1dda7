"""The ``QUESTLOG_OAUTH_*`` settings: a provider is configured whole or not at all, and only
a configured provider is built."""

from __future__ import annotations

import httpx
import pytest

from adapters.identity_providers import GitHubProvider, OidcProvider
from apps.container.oauth import callback_url, configured_providers
from apps.settings import Settings, SettingsError


def test_no_settings_no_provider() -> None:
    assert configured_providers(Settings(), httpx.AsyncClient()) == {}


def test_each_configured_provider_is_built_under_its_name() -> None:
    settings = Settings.from_env(
        {
            "QUESTLOG_OAUTH_GOOGLE_CLIENT_ID": "g",
            "QUESTLOG_OAUTH_GOOGLE_CLIENT_SECRET": "gs",
            "QUESTLOG_OAUTH_GITHUB_CLIENT_ID": "h",
            "QUESTLOG_OAUTH_GITHUB_CLIENT_SECRET": "hs",
            "QUESTLOG_OAUTH_OIDC_ISSUER": "https://sso.example.com/realms/team",
            "QUESTLOG_OAUTH_OIDC_CLIENT_ID": "o",
            "QUESTLOG_OAUTH_OIDC_CLIENT_SECRET": "os",
            "QUESTLOG_OAUTH_OIDC_NAME": "team-sso",
            "QUESTLOG_PUBLIC_URL": "https://questlog.example.com/",
        }
    )
    built = configured_providers(settings, httpx.AsyncClient())
    assert sorted(built) == ["github", "google", "team-sso"]
    assert isinstance(built["google"], OidcProvider)
    assert isinstance(built["github"], GitHubProvider)
    assert built["team-sso"].name == "team-sso"
    assert callback_url(settings).format(provider="github") == (
        "https://questlog.example.com/api/v1/auth/oauth/github/callback"
    )


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"QUESTLOG_OAUTH_GOOGLE_CLIENT_ID": "g"}, "QUESTLOG_OAUTH_GOOGLE_CLIENT_SECRET"),
        ({"QUESTLOG_OAUTH_GITHUB_CLIENT_SECRET": "s"}, "QUESTLOG_OAUTH_GITHUB_CLIENT_ID"),
        (
            {"QUESTLOG_OAUTH_OIDC_CLIENT_ID": "o", "QUESTLOG_OAUTH_OIDC_CLIENT_SECRET": "s"},
            "QUESTLOG_OAUTH_OIDC_ISSUER",
        ),
    ],
)
def test_half_a_provider_stops_the_server_naming_what_is_missing(
    given: dict[str, str], missing: str
) -> None:
    with pytest.raises(SettingsError, match=missing):
        Settings.from_env(given)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("QUESTLOG_OAUTH_OIDC_ISSUER", "http://sso.example.com"),
        ("QUESTLOG_OAUTH_OIDC_NAME", "Google"),
        ("QUESTLOG_OAUTH_OIDC_NAME", "github"),
        ("QUESTLOG_OAUTH_OIDC_NAME", "a/b"),
    ],
)
def test_an_unusable_oidc_issuer_or_name_is_refused(variable: str, value: str) -> None:
    base = {
        "QUESTLOG_OAUTH_OIDC_ISSUER": "https://sso.example.com",
        "QUESTLOG_OAUTH_OIDC_CLIENT_ID": "o",
        "QUESTLOG_OAUTH_OIDC_CLIENT_SECRET": "s",
    }
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({**base, variable: value})
