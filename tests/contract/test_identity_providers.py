"""The identity-provider adapters against the local providers of
:mod:`tests.support.identity_providers` (network stubbed at the transport): key rotation,
algorithm pinning, discovery checks, GitHub's answer shapes."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.identity_providers import GitHubProvider, OidcProvider
from questlog_core.errors import ServiceUnavailable
from questlog_core.identity.external import ExternalSignInRefused, pkce_challenge
from tests.support.identity_providers import LocalGitHub, LocalOidcProvider

REDIRECT = "https://questlog.test/api/v1/auth/oauth/acme/callback"
VERIFIER = "v" * 43


def adapter(idp: LocalOidcProvider) -> OidcProvider:
    return OidcProvider(
        name="acme",
        issuer=idp.issuer,
        client_id=idp.client_id,
        client_secret=idp.client_secret,
        client=httpx.AsyncClient(transport=httpx.MockTransport(idp.handle)),
    )


async def sign_in(provider: OidcProvider, idp: LocalOidcProvider, nonce: str = "n-1") -> str:
    url = await provider.authorization_url(
        state="s", nonce=nonce, code_challenge=pkce_challenge(VERIFIER), redirect_uri=REDIRECT
    )
    query = idp.consent(url, sub="42", email="a@example.com")
    identity = await provider.exchange(
        code=query["code"], redirect_uri=REDIRECT, code_verifier=VERIFIER, nonce=nonce
    )
    return identity.subject


async def test_a_rotated_key_is_fetched_again_but_made_up_kids_only_once_a_minute() -> None:
    idp = LocalOidcProvider()
    provider = adapter(idp)
    assert await sign_in(provider, idp) == "42"
    idp.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    idp.kid = "idp-key-2"
    assert await sign_in(provider, idp) == "42"  # the unknown kid fetched the JWKS again
    idp.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    idp.kid = "idp-key-3"  # within the minute: no second fetch
    with pytest.raises(ExternalSignInRefused, match="does not list"):
        await sign_in(provider, idp)


async def test_a_wrong_verifier_is_refused_by_the_provider() -> None:
    idp = LocalOidcProvider()
    provider = adapter(idp)
    url = await provider.authorization_url(
        state="s", nonce="n", code_challenge=pkce_challenge(VERIFIER), redirect_uri=REDIRECT
    )
    code = idp.consent(url, sub="1", email="a@example.com")["code"]
    with pytest.raises(ExternalSignInRefused, match="refused the sign-in code"):
        await provider.exchange(code=code, redirect_uri=REDIRECT, code_verifier="w" * 43, nonce="n")


@pytest.mark.parametrize("algorithm", ["HS256", "none"])
async def test_an_id_token_of_another_algorithm_is_refused(algorithm: str) -> None:
    """The classic confusion: an HMAC token keyed with the provider's *public* key."""
    idp = LocalOidcProvider()
    provider = adapter(idp)
    await provider.metadata()
    public_pem = idp.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    now = int(time.time())
    claims = {
        "iss": idp.issuer,
        "aud": idp.client_id,
        "sub": "1",
        "iat": now,
        "exp": now + 60,
        "nonce": "n",
    }
    header = {"kid": idp.kid, "alg": algorithm}
    body = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(header).encode()).decode()
    payload = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()
    if algorithm == "HS256":
        import hashlib
        import hmac

        mac = hmac.new(public_pem, f"{body}.{payload}".encode(), hashlib.sha256).digest()
        token = f"{body}.{payload}.{jwt.utils.base64url_encode(mac).decode()}"
    else:
        token = f"{body}.{payload}."
    with pytest.raises(ExternalSignInRefused, match="refused algorithm"):
        await provider.verify_id_token(token, nonce="n")


async def test_a_discovery_document_of_another_issuer_is_refused() -> None:
    idp = LocalOidcProvider()
    provider = OidcProvider(
        name="acme",
        issuer="https://idp.test/other",
        client_id="c",
        client_secret="s",
        client=httpx.AsyncClient(transport=httpx.MockTransport(idp.handle)),
    )
    with pytest.raises(ServiceUnavailable):
        await provider.authorization_url(
            state="s", nonce="n", code_challenge="c", redirect_uri=REDIRECT
        )


def github(local: LocalGitHub) -> GitHubProvider:
    return GitHubProvider(
        client_id=local.client_id,
        client_secret=local.client_secret,
        client=httpx.AsyncClient(transport=httpx.MockTransport(local.handle)),
    )


async def test_github_without_a_primary_email_is_refused() -> None:
    local = LocalGitHub()
    provider = github(local)
    url = await provider.authorization_url(
        state="s", nonce="n", code_challenge=pkce_challenge(VERIFIER), redirect_uri=REDIRECT
    )
    assert "nonce" not in parse_qs(urlsplit(url).query)  # OAuth 2.0 only
    emails = [{"email": "x@example.com", "primary": False, "verified": True, "visibility": None}]
    query = local.consent(url, user={"id": 7, "login": "seven"}, emails=emails)
    with pytest.raises(ExternalSignInRefused, match="no primary email"):
        await provider.exchange(
            code=query["code"], redirect_uri=REDIRECT, code_verifier=VERIFIER, nonce="n"
        )


async def test_github_down_is_service_unavailable() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="Bad gateway")

    provider = GitHubProvider(
        client_id="c",
        client_secret="s",
        client=httpx.AsyncClient(transport=httpx.MockTransport(down)),
    )
    with pytest.raises(ServiceUnavailable):
        await provider.exchange(code="c", redirect_uri=REDIRECT, code_verifier=VERIFIER, nonce="")
