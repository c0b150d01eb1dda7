"""GitHub sign-in: OAuth 2.0 (not OpenID Connect: no ID token, no nonce), with PKCE.

The flow (docs.github.com, "Authorizing OAuth apps"): the browser goes to
``https://github.com/login/oauth/authorize`` with ``client_id``, ``redirect_uri``, ``scope``
(``read:user user:email``), ``state`` and the ``S256`` ``code_challenge``; the code comes
back and is POSTed with the client secret and ``code_verifier`` to
``https://github.com/login/oauth/access_token`` (``Accept: application/json``). GitHub answers
a refused code with **200** and ``{"error": "bad_verification_code", ...}``, so the body
decides. Then, with the access token: ``GET https://api.github.com/user`` (``id``, ``login``,
``name``) and ``GET /user/emails`` (``[{"email", "primary", "verified", "visibility"}]``).

The identity is GitHub's numeric user ``id`` (a login can be renamed); the address is the
account's *primary* email, verified only if GitHub says so for that address.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx

from questlog_core.errors import ServiceUnavailable
from questlog_core.identity.external import ExternalSignInRefused
from questlog_core.identity.ports import ExternalIdentity

AUTHORIZE_URL = "https://github.com/login/oauth/authorize"
TOKEN_URL = "https://github.com/login/oauth/access_token"
API_URL = "https://api.github.com"
PROVIDER_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


class GitHubProvider:
    """An :class:`~questlog_core.identity.ports.IdentityProvider` for GitHub (see the
    module docstring)."""

    name = "github"

    def __init__(self, *, client_id: str, client_secret: str, client: httpx.AsyncClient) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._http = client

    async def authorization_url(
        self, *, state: str, nonce: str, code_challenge: str, redirect_uri: str
    ) -> str:
        """GitHub's authorize URL (``nonce`` is not part of OAuth 2.0: ``state`` and PKCE
        protect this flow)."""
        query = urlencode(
            {
                "client_id": self._client_id,
                "redirect_uri": redirect_uri,
                "scope": "read:user user:email",
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{AUTHORIZE_URL}?{query}"

    async def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, url, timeout=PROVIDER_TIMEOUT, **kwargs)
        except httpx.HTTPError:
            raise ServiceUnavailable("GitHub cannot be reached; try again later") from None
        if response.status_code in {401, 403}:
            raise ExternalSignInRefused("GitHub refused the access token")
        try:
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError):
            raise ServiceUnavailable("GitHub cannot be reached; try again later") from None

    async def exchange(
        self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
    ) -> ExternalIdentity:
        """Trade the code for an access token, then read the user and their primary email."""
        token = await self._call(
            "POST",
            TOKEN_URL,
            data={
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            },
            headers={"Accept": "application/json"},
        )
        access = token.get("access_token") if isinstance(token, dict) else None
        if not isinstance(access, str) or not access:
            raise ExternalSignInRefused("GitHub refused the sign-in code")
        headers = {**API_HEADERS, "Authorization": f"Bearer {access}"}
        user = await self._call("GET", f"{API_URL}/user", headers=headers)
        emails = await self._call("GET", f"{API_URL}/user/emails", headers=headers)
        if not isinstance(user, dict) or not isinstance(user.get("id"), int):
            raise ServiceUnavailable("GitHub answered with an unexpected user")
        primary = (
            next(
                (e for e in emails if isinstance(e, dict) and e.get("primary") is True),
                None,
            )
            if isinstance(emails, list)
            else None
        )
        if primary is None or not isinstance(primary.get("email"), str):
            raise ExternalSignInRefused("the GitHub account has no primary email address")
        return ExternalIdentity(
            provider=self.name,
            subject=str(user["id"]),
            email=primary["email"],
            email_verified=primary.get("verified") is True,
            display_name=str(user.get("name") or user.get("login") or ""),
        )


__all__ = ["API_URL", "AUTHORIZE_URL", "TOKEN_URL", "GitHubProvider"]
