"""An OpenID Connect provider found by discovery, with the ID token checked here.

* **Discovery**: ``{issuer}/.well-known/openid-configuration`` once (its ``issuer`` must be the
  configured one exactly, OIDC Discovery §4.3), then its ``authorization_endpoint``,
  ``token_endpoint`` and ``jwks_uri``.
* **Code exchange** (RFC 6749 §4.1.3 with RFC 7636's ``code_verifier``): the client secret
  goes as HTTP Basic unless the provider only lists ``client_secret_post``. A 4xx answer
  (``invalid_grant``: a wrong, used or expired code, or a verifier that does not match) is
  :class:`~questlog_core.identity.external.ExternalSignInRefused`; a provider that cannot be
  reached or answers 5xx is ``ServiceUnavailable``.
* **ID token** (OIDC Core §3.1.3.7), with PyJWT: the signature with the provider's key of the
  token's ``kid`` (an unknown ``kid`` fetches the JWKS again, in case the provider rotated,
  at most once a minute), algorithm pinned to ``RS256``/``ES256`` (never ``none`` or
  HMAC), ``iss`` one of the accepted issuers, ``aud`` holding our client id (and ``azp`` our
  client id when there are several audiences), ``exp`` not passed and ``iat`` not in the
  future (a minute of leeway), and ``nonce`` equal to the one this sign-in sent.
* ``email_verified`` is taken only as the boolean ``true`` (or the string ``"true"`` some
  providers send); anything else is "not verified".
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from questlog_core.errors import ServiceUnavailable
from questlog_core.identity.external import ExternalSignInRefused
from questlog_core.identity.ports import ExternalIdentity

#: Google's issuer (its ID tokens may also say ``accounts.google.com`` without the scheme)
GOOGLE_ISSUER = "https://accounts.google.com"
#: explicit timeouts for every request to a provider
PROVIDER_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
#: the signature algorithms accepted for ID tokens
ALGORITHMS = ("RS256", "ES256")
#: seconds of clock difference tolerated on ``exp`` and ``iat``
LEEWAY_SECONDS = 60
#: the least time between two JWKS fetches caused by unknown ``kid`` values
JWKS_REFETCH_SECONDS = 60.0


def _unreachable(name: str) -> ServiceUnavailable:
    return ServiceUnavailable(f"{name} cannot be reached; try again later")


def is_true(value: object) -> bool:
    """A claim that means "yes": ``true``, or the string ``"true"``."""
    return value is True or value == "true"


class OidcProvider:
    """An :class:`~questlog_core.identity.ports.IdentityProvider` for any OpenID Connect
    provider (see the module docstring)."""

    def __init__(
        self,
        *,
        name: str,
        issuer: str,
        client_id: str,
        client_secret: str,
        client: httpx.AsyncClient,
        scopes: Iterable[str] = ("openid", "email", "profile"),
        accepted_issuers: Iterable[str] = (),
    ) -> None:
        self.name = name
        self._issuer = issuer.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._http = client
        self._scopes = " ".join(scopes)
        self._issuers = frozenset({self._issuer, *accepted_issuers})
        self._metadata: dict[str, Any] | None = None
        self._keys: jwt.PyJWKSet | None = None
        self._refetched_at = float("-inf")

    async def _get_json(self, url: str) -> Any:
        try:
            response = await self._http.get(url, timeout=PROVIDER_TIMEOUT)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError):
            raise _unreachable(self.name) from None

    async def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (fetched once)."""
        if self._metadata is None:
            document = await self._get_json(f"{self._issuer}/.well-known/openid-configuration")
            if not isinstance(document, dict) or document.get("issuer") != self._issuer:
                raise ServiceUnavailable(f"{self.name}'s discovery document names another issuer")
            self._metadata = document
        return self._metadata

    async def _signing_key(self, kid: str | None) -> jwt.PyJWK:
        if self._keys is None:
            await self._fetch_keys()
        found = self._find_key(kid)
        now = time.monotonic()
        if found is None and now - self._refetched_at >= JWKS_REFETCH_SECONDS:
            # an unknown kid: the provider may have rotated (made-up kids cost one fetch a minute)
            self._refetched_at = now
            await self._fetch_keys()
            found = self._find_key(kid)
        if found is None:
            raise ExternalSignInRefused(
                "the ID token is signed with a key the provider does not list"
            )
        return found

    async def _fetch_keys(self) -> None:
        document = await self._get_json(str((await self.metadata())["jwks_uri"]))
        try:
            self._keys = jwt.PyJWKSet.from_dict(document)
        except jwt.PyJWTError:
            raise _unreachable(self.name) from None

    def _find_key(self, kid: str | None) -> jwt.PyJWK | None:
        keys = self._keys.keys if self._keys is not None else []
        return next((k for k in keys if kid is None or k.key_id == kid), None)

    async def authorization_url(
        self, *, state: str, nonce: str, code_challenge: str, redirect_uri: str
    ) -> str:
        """The provider's authorization endpoint with this sign-in's parameters."""
        endpoint = str((await self.metadata())["authorization_endpoint"])
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self._client_id,
                "redirect_uri": redirect_uri,
                "scope": self._scopes,
                "state": state,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    async def exchange(
        self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
    ) -> ExternalIdentity:
        """Trade the code for tokens and return who the checked ID token names."""
        metadata = await self.metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        methods = metadata.get("token_endpoint_auth_methods_supported") or []
        extra: dict[str, Any] = {}
        if methods and "client_secret_basic" not in methods and "client_secret_post" in methods:
            form |= {"client_id": self._client_id, "client_secret": self._client_secret}
        else:
            extra["auth"] = httpx.BasicAuth(self._client_id, self._client_secret)
        try:
            response = await self._http.post(
                str(metadata["token_endpoint"]),
                data=form,
                headers={"Accept": "application/json"},
                timeout=PROVIDER_TIMEOUT,
                **extra,
            )
        except httpx.HTTPError:
            raise _unreachable(self.name) from None
        if 400 <= response.status_code < 500:
            raise ExternalSignInRefused(f"{self.name} refused the sign-in code")
        try:
            response.raise_for_status()
            id_token = response.json()["id_token"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            raise _unreachable(self.name) from None
        if not isinstance(id_token, str):
            raise ExternalSignInRefused(f"{self.name} sent no ID token")
        claims = await self.verify_id_token(id_token, nonce=nonce)
        return ExternalIdentity(
            provider=self.name,
            subject=str(claims["sub"]),
            email=str(claims.get("email") or ""),
            email_verified=is_true(claims.get("email_verified")),
            display_name=str(claims.get("name") or ""),
        )

    async def verify_id_token(self, token: str, *, nonce: str) -> dict[str, Any]:
        """The claims of a valid ID token for this sign-in; else ``ExternalSignInRefused``."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise ExternalSignInRefused("the ID token is malformed") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise ExternalSignInRefused("the ID token is signed with a refused algorithm")
        key = await self._signing_key(header.get("kid"))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self._client_id,
                issuer=self._issuers,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.PyJWTError as error:
            raise ExternalSignInRefused(f"the ID token is not valid: {error}") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self._client_id:
            raise ExternalSignInRefused("the ID token was issued to another client")
        sent = claims.get("nonce")
        if not isinstance(sent, str) or not hmac.compare_digest(sent, nonce):
            raise ExternalSignInRefused("the ID token's nonce is not this sign-in's")
        return claims


def google_provider(
    *, client_id: str, client_secret: str, client: httpx.AsyncClient
) -> OidcProvider:
    """Google, as an OpenID Connect provider (discovery at accounts.google.com)."""
    return OidcProvider(
        name="google",
        issuer=GOOGLE_ISSUER,
        client_id=client_id,
        client_secret=client_secret,
        client=client,
        accepted_issuers=("accounts.google.com",),
    )


__all__ = ["ALGORITHMS", "GOOGLE_ISSUER", "OidcProvider", "google_provider", "is_true"]
