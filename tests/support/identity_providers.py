"""Small local identity providers for tests, served through ``httpx.MockTransport``.

* :class:`LocalOidcProvider`: an OpenID Connect provider as the specs describe one: a discovery
  document, a JWKS with its RSA key, and a token endpoint that checks the client's Basic
  credentials, the ``redirect_uri`` and the PKCE ``code_verifier`` against the ``S256``
  challenge of the authorization (RFC 7636 §4.6), honours each code once, and answers an
  RS256 ID token with the ``nonce`` of the authorization. A test "consents" as the person
  (:meth:`LocalOidcProvider.consent`) and can spoil the next ID token (``next_claims``,
  ``forge_next``) to see it refused.
* :class:`LocalGitHub`: GitHub's OAuth app endpoints with the response shapes its docs give
  (``/login/oauth/access_token`` answering a bad code with 200 and ``{"error":
  "bad_verification_code"}``; ``GET /user``; ``GET /user/emails``).

:class:`Providers` routes each request to the provider of its host.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


@dataclass
class Grant:
    """One authorization the person consented to, waiting for its code to be exchanged."""

    redirect_uri: str
    challenge: str
    nonce: str | None
    claims: dict[str, Any]


@dataclass
class LocalOidcProvider:
    issuer: str = "https://idp.test"
    client_id: str = "questlog-at-idp"
    client_secret: str = "idp-secret"
    #: the ``iss`` its ID tokens carry (Google's may omit the scheme)
    iss_claim: str | None = None
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = "idp-key-1"
    codes: dict[str, Grant] = field(default_factory=dict)
    #: claims merged into the next ID token (then forgotten)
    next_claims: dict[str, Any] = field(default_factory=dict)
    #: sign the next ID token with another key under the same ``kid`` (a forgery)
    forge_next: bool = False
    token_requests: int = 0

    @property
    def host(self) -> str:
        return urlsplit(self.issuer).netloc

    def consent(
        self,
        authorize_url: str,
        *,
        sub: str,
        email: str,
        email_verified: bool = True,
        name: str = "",
    ) -> dict[str, str]:
        """The person signs in and consents: the callback's query (``code``, ``state``)."""
        query = _query(authorize_url)
        assert authorize_url.startswith(f"{self.issuer}/authorize?")
        assert query["response_type"] == "code"
        assert query["client_id"] == self.client_id
        assert query["code_challenge_method"] == "S256"
        assert "openid" in query["scope"].split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = Grant(
            redirect_uri=query["redirect_uri"],
            challenge=query["code_challenge"],
            nonce=query.get("nonce"),
            claims={"sub": sub, "email": email, "email_verified": email_verified, "name": name},
        )
        return {"code": code, "state": query["state"]}

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "GET" and path == "/.well-known/openid-configuration":
            return httpx.Response(
                200,
                json={
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                },
            )
        if request.method == "GET" and path == "/jwks":
            return httpx.Response(200, json=self.jwks())
        if request.method == "POST" and path == "/token":
            return self._token(request)
        return httpx.Response(404)

    def _token(self, request: httpx.Request) -> httpx.Response:
        self.token_requests += 1
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return httpx.Response(401, json={"error": "invalid_client"})
        form = _form(request)
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or form.get("redirect_uri") != grant.redirect_uri
            or _s256(form.get("code_verifier", "")) != grant.challenge
        ):
            return httpx.Response(400, json={"error": "invalid_grant"})
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.iss_claim or self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            **grant.claims,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        claims |= self.next_claims
        self.next_claims = {}
        key = self.key
        if self.forge_next:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.forge_next = False
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        return httpx.Response(
            200,
            json={
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            },
        )


@dataclass
class LocalGitHub:
    client_id: str = "gh-client"
    client_secret: str = "gh-secret"
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)

    def consent(
        self, authorize_url: str, *, user: dict[str, Any], emails: list[dict[str, Any]]
    ) -> dict[str, str]:
        query = _query(authorize_url)
        assert authorize_url.startswith("https://github.com/login/oauth/authorize?")
        assert query["client_id"] == self.client_id
        assert query["code_challenge_method"] == "S256"
        code = secrets.token_hex(10)
        self.codes[code] = Grant(
            redirect_uri=query["redirect_uri"],
            challenge=query["code_challenge"],
            nonce=None,
            claims={"user": user, "emails": emails},
        )
        return {"code": code, "state": query["state"]}

    def handle(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.host == "github.com" and url.path == "/login/oauth/access_token":
            form = _form(request)
            grant = self.codes.pop(form.get("code", ""), None)
            if (
                grant is None
                or form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret
                or _s256(form.get("code_verifier", "")) != grant.challenge
            ):
                return httpx.Response(  # GitHub answers a bad code with 200 and an error
                    200,
                    json={
                        "error": "bad_verification_code",
                        "error_description": "The code passed is incorrect or expired.",
                        "error_uri": "https://docs.github.com/apps/managing-oauth-apps/"
                        "troubleshooting-oauth-app-access-token-request-errors/"
                        "#bad-verification-code",
                    },
                )
            token = f"gho_{secrets.token_hex(18)}"
            self.tokens[token] = grant.claims
            return httpx.Response(
                200, json={"access_token": token, "token_type": "bearer", "scope": "read:user"}
            )
        if url.host == "api.github.com":
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            account = self.tokens.get(token)
            if account is None:
                return httpx.Response(
                    401,
                    json={
                        "message": "Bad credentials",
                        "documentation_url": "https://docs.github.com/rest",
                    },
                )
            if url.path == "/user":
                return httpx.Response(200, json=account["user"])
            if url.path == "/user/emails":
                return httpx.Response(200, json=account["emails"])
        return httpx.Response(404)


@dataclass
class Providers:
    """Every local provider, behind one transport (routed by host)."""

    oidc: LocalOidcProvider = field(default_factory=LocalOidcProvider)
    google: LocalOidcProvider = field(
        default_factory=lambda: LocalOidcProvider(
            issuer="https://accounts.google.com",
            client_id="questlog.apps.googleusercontent.com",
            client_secret="google-secret",
            iss_claim="accounts.google.com",
            kid="google-key",
        )
    )
    github: LocalGitHub = field(default_factory=LocalGitHub)

    def handle(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host == self.oidc.host:
            return self.oidc.handle(request)
        if host == self.google.host:
            return self.google.handle(request)
        if host in {"github.com", "api.github.com"}:
            return self.github.handle(request)
        raise httpx.ConnectError(f"no route to {host}", request=request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle))

    def settings(self) -> dict[str, str]:
        """The ``Settings`` fields that configure all three providers."""
        return {
            "oauth_oidc_issuer": self.oidc.issuer,
            "oauth_oidc_client_id": self.oidc.client_id,
            "oauth_oidc_client_secret": self.oidc.client_secret,
            "oauth_oidc_name": "acme",
            "oauth_google_client_id": self.google.client_id,
            "oauth_google_client_secret": self.google.client_secret,
            "oauth_github_client_id": self.github.client_id,
            "oauth_github_client_secret": self.github.client_secret,
        }
