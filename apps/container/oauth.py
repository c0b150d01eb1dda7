"""Signing in with external identity providers: which providers the settings configure, and
the one HTTP client they call through.

A provider is offered only when its ``QUESTLOG_OAUTH_*`` settings are given (Google and
GitHub: client id and secret; any other OpenID Connect provider: its issuer too); the list
endpoint (``GET /api/v1/auth/oauth/providers``) says which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from apps.container.platform import OpenClients
from apps.settings import Settings

if TYPE_CHECKING:
    from questlog_core.identity.ports import IdentityProvider

#: where each provider sends the browser back (``{provider}`` filled in per sign-in)
CALLBACK_PATH = "/api/v1/auth/oauth/{provider}/callback"


def oauth_http_client(clients: OpenClients) -> httpx.AsyncClient:
    """The providers' HTTP client: redirects are not followed (a token endpoint has no
    reason to redirect), closed at shutdown."""
    client = httpx.AsyncClient(follow_redirects=False, headers={"User-Agent": "Questlog"})
    keep: httpx.AsyncClient = clients.keep(client)
    return keep


def configured_providers(
    settings: Settings, client: httpx.AsyncClient
) -> dict[str, IdentityProvider]:
    """The identity providers the settings configure, by name."""
    from adapters.identity_providers import GitHubProvider, OidcProvider, google_provider

    found: dict[str, IdentityProvider] = {}
    if settings.oauth_google_client_id:
        found["google"] = google_provider(
            client_id=settings.oauth_google_client_id,
            client_secret=settings.oauth_google_client_secret,
            client=client,
        )
    if settings.oauth_github_client_id:
        found["github"] = GitHubProvider(
            client_id=settings.oauth_github_client_id,
            client_secret=settings.oauth_github_client_secret,
            client=client,
        )
    if settings.oauth_oidc_issuer:
        found[settings.oauth_oidc_name] = OidcProvider(
            name=settings.oauth_oidc_name,
            issuer=settings.oauth_oidc_issuer,
            client_id=settings.oauth_oidc_client_id,
            client_secret=settings.oauth_oidc_client_secret,
            client=client,
        )
    return found


def callback_url(settings: Settings) -> str:
    """The public callback URL, with ``{provider}`` left to fill in."""
    return settings.public_url.rstrip("/") + CALLBACK_PATH


__all__ = ["CALLBACK_PATH", "callback_url", "configured_providers", "oauth_http_client"]
