"""EdDSA access tokens: the signature, the pinned algorithm and the claims are all enforced."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.memory.clock import FixedClock
from adapters.security.jwt_tokens import (
    JwksVerifier,
    JwtAccessTokens,
    SigningKey,
    load_signing_key,
    public_jwk,
)
from questlog_core.errors import AuthenticationFailed

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
ISS, AUD = "questlog-auth", "questlog"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides: Any) -> dict[str, Any]:
    t = int(NOW.timestamp())
    base = {
        "sub": "u1",
        "jti": "j1",
        "iat": t,
        "nbf": t,
        "exp": t + 600,
        "iss": ISS,
        "aud": AUD,
        "token_use": "access",
    }
    base.update(overrides)
    return base


def raw_token(header: dict[str, Any], payload: dict[str, Any], sign: Any = None) -> str:
    """A JWT assembled by hand, as an attacker would."""
    signing_input = (
        b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    ).encode()
    signature = sign(signing_input) if sign else b""
    return signing_input.decode() + "." + b64(signature)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def tokens(key: SigningKey, clock: FixedClock) -> JwtAccessTokens:
    return JwtAccessTokens(key, issuer=ISS, audience=AUD, clock=clock)


def test_a_token_it_issued_verifies(tokens: JwtAccessTokens) -> None:
    token = tokens.issue(claims())
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": tokens.kid, "typ": "at+jwt"}
    assert tokens.verify(token)["sub"] == "u1"


def test_alg_none_is_refused(tokens: JwtAccessTokens) -> None:
    for alg in ("none", "None", "NONE"):
        forged = raw_token({"alg": alg, "typ": "at+jwt", "kid": tokens.kid}, claims())
        with pytest.raises(AuthenticationFailed):
            tokens.verify(forged)


def test_hs256_signed_with_the_public_key_is_refused(
    key: SigningKey, tokens: JwtAccessTokens
) -> None:
    # Algorithm confusion: the attacker uses the published public key as an HMAC secret.
    public_pem = key.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    raw_x = key.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    for secret in (public_pem, raw_x, public_jwk(key.public_key)["x"].encode()):
        for alg, digest in (("HS256", hashlib.sha256), ("HS512", hashlib.sha512)):
            forged = raw_token(
                {"alg": alg, "typ": "at+jwt", "kid": tokens.kid},
                claims(),
                lambda data, s=secret, d=digest: hmac.new(s, data, d).digest(),
            )
            with pytest.raises(AuthenticationFailed, match="algorithm"):
                tokens.verify(forged)


def test_an_rs256_token_from_another_key_is_refused(tokens: JwtAccessTokens) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        claims(), rsa_key, algorithm="RS256", headers={"kid": tokens.kid, "typ": "at+jwt"}
    )
    with pytest.raises(AuthenticationFailed, match="algorithm"):
        tokens.verify(forged)


@pytest.mark.parametrize("header", ["jwk", "jku", "x5u", "x5c", "crit"])
def test_headers_that_bring_their_own_key_are_refused(tokens: JwtAccessTokens, header: str) -> None:
    attacker = SigningKey.generate()
    value: Any = {
        "jwk": public_jwk(attacker.public_key),
        "jku": "https://attacker.example/jwks.json",
        "x5u": "https://attacker.example/cert.pem",
        "x5c": ["MIIB..."],
        "crit": ["exp"],
    }[header]
    forged = jwt.encode(
        claims(),
        attacker.private_key,
        algorithm="EdDSA",
        headers={"kid": attacker.kid, "typ": "at+jwt", header: value},
    )
    with pytest.raises(AuthenticationFailed):
        tokens.verify(forged)
    # even with our kid, an embedded key header is refused before the signature is checked
    with_our_kid = jwt.encode(
        claims(),
        attacker.private_key,
        algorithm="EdDSA",
        headers={"kid": tokens.kid, "typ": "at+jwt", header: value},
    )
    with pytest.raises(AuthenticationFailed, match=r"header|malformed"):
        tokens.verify(with_our_kid)


@pytest.mark.parametrize(
    "kid", ["../../../../dev/null", "' OR '1'='1", "https://attacker.example/k", "", None, 7]
)
def test_kid_is_only_a_lookup_key(tokens: JwtAccessTokens, kid: Any) -> None:
    attacker = SigningKey.generate()
    forged = raw_token(
        {"alg": "EdDSA", "typ": "at+jwt", "kid": kid}, claims(), attacker.private_key.sign
    )
    with pytest.raises(AuthenticationFailed, match=r"key id|malformed"):
        tokens.verify(forged)


def test_a_token_signed_by_another_ed25519_key_is_refused(tokens: JwtAccessTokens) -> None:
    attacker = SigningKey.generate()
    forged = jwt.encode(
        claims(),
        attacker.private_key,
        algorithm="EdDSA",
        headers={"kid": tokens.kid, "typ": "at+jwt"},
    )
    with pytest.raises(AuthenticationFailed):
        tokens.verify(forged)


def test_a_tampered_payload_is_refused(tokens: JwtAccessTokens) -> None:
    header, _, signature = tokens.issue(claims()).split(".")
    evil = b64(json.dumps(claims(sub="admin")).encode())
    with pytest.raises(AuthenticationFailed):
        tokens.verify(f"{header}.{evil}.{signature}")


def test_expired_tokens_are_refused(tokens: JwtAccessTokens, clock: FixedClock) -> None:
    token = tokens.issue(claims())
    clock.advance(timedelta(seconds=600 + 29))
    assert tokens.verify(token)  # within the 30 s skew leeway
    clock.advance(timedelta(seconds=1))
    with pytest.raises(AuthenticationFailed, match="expired"):
        tokens.verify(token)


def test_tokens_not_valid_yet_are_refused(tokens: JwtAccessTokens) -> None:
    t = int(NOW.timestamp())
    with pytest.raises(AuthenticationFailed, match="not valid yet"):
        tokens.verify(tokens.issue(claims(nbf=t + 120)))
    with pytest.raises(AuthenticationFailed, match="future"):
        tokens.verify(tokens.issue(claims(iat=t + 120)))


def test_wrong_audience_or_issuer_is_refused(key: SigningKey, clock: FixedClock) -> None:
    other_audience = JwtAccessTokens(key, issuer=ISS, audience="billing", clock=clock)
    other_issuer = JwtAccessTokens(key, issuer="evil-auth", audience=AUD, clock=clock)
    ours = JwtAccessTokens(key, issuer=ISS, audience=AUD, clock=clock)
    with pytest.raises(AuthenticationFailed):
        ours.verify(other_audience.issue(claims()))
    with pytest.raises(AuthenticationFailed):
        ours.verify(other_issuer.issue(claims()))


def test_missing_claims_are_refused(key: SigningKey, tokens: JwtAccessTokens) -> None:
    for missing in ("exp", "nbf", "jti", "sub"):
        payload = {k: v for k, v in claims().items() if k != missing}
        token = jwt.encode(
            payload, key.private_key, algorithm="EdDSA", headers={"kid": key.kid, "typ": "at+jwt"}
        )
        with pytest.raises(AuthenticationFailed):
            tokens.verify(token)


def test_a_jwt_of_another_type_is_refused(key: SigningKey, tokens: JwtAccessTokens) -> None:
    for typ in (None, "JWT", "refresh+jwt"):
        headers = {"kid": key.kid} | ({"typ": typ} if typ else {})
        token = jwt.encode(claims(), key.private_key, algorithm="EdDSA", headers=headers)
        with pytest.raises(AuthenticationFailed, match="not an access token"):
            tokens.verify(token)


def test_opaque_tokens_and_garbage_are_refused(tokens: JwtAccessTokens) -> None:
    for junk in ("qlr_" + "A" * 43, "", "a.b.c", "x" * 10_000):
        with pytest.raises(AuthenticationFailed):
            tokens.verify(junk)


def test_jwks_verifier_needs_only_the_published_keys(
    tokens: JwtAccessTokens, clock: FixedClock
) -> None:
    published = json.loads(json.dumps(tokens.public_jwks()))  # as fetched over HTTP
    assert all("d" not in k for k in published["keys"])
    verifier = JwksVerifier(published, issuer=ISS, audience=AUD, clock=clock)
    assert verifier.verify(tokens.issue(claims()))["sub"] == "u1"
    stranger = JwtAccessTokens(SigningKey.generate(), issuer=ISS, audience=AUD, clock=clock)
    with pytest.raises(AuthenticationFailed, match="key id"):
        verifier.verify(stranger.issue(claims()))


def test_retired_keys_still_verify_and_are_published(key: SigningKey, clock: FixedClock) -> None:
    old = JwtAccessTokens(key, issuer=ISS, audience=AUD, clock=clock)
    token = old.issue(claims())
    rotated = JwtAccessTokens(
        SigningKey.generate(), issuer=ISS, audience=AUD, clock=clock, retired_keys=[key.public_key]
    )
    assert rotated.verify(token)
    assert {k["kid"] for k in rotated.public_jwks()["keys"]} == {key.kid, rotated.kid}
    assert jwt.get_unverified_header(rotated.issue(claims()))["kid"] == rotated.kid


def test_the_signing_key_is_generated_once_and_persisted(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "auth-signing.pem"
    with pytest.raises(FileNotFoundError):
        load_signing_key(path, create_if_missing=False)
    first = load_signing_key(path, create_if_missing=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_signing_key(path, create_if_missing=False)
    assert again.kid == first.kid
    assert SigningKey.from_pem(path.read_bytes()).kid == first.kid


def test_a_non_ed25519_pem_is_refused(tmp_path: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError, match="Ed25519"):
        SigningKey.from_pem(pem)


def test_kid_is_the_rfc7638_thumbprint() -> None:
    # RFC 8037 appendix A.3: the thumbprint of its example Ed25519 key
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    raw = base64.urlsafe_b64decode(x + "=")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    jwk = public_jwk(Ed25519PublicKey.from_public_bytes(raw))
    assert jwk["kid"] == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_a_verified_token_is_rechecked_for_time_and_a_key_removal_ends_it(
    key: SigningKey, clock: FixedClock
) -> None:
    # The verifier remembers signatures it checked; removing the key must still end the token.
    tokens = JwtAccessTokens(key, issuer=ISS, audience=AUD, clock=clock)
    verifier = JwksVerifier(tokens.public_jwks(), issuer=ISS, audience=AUD, clock=clock)
    token = tokens.issue(claims())
    assert verifier.verify(token)["sub"] == "u1"
    assert verifier.verify(token)["sub"] == "u1"  # second time from the remembered signature
    other = SigningKey.generate()
    verifier.update({"keys": [public_jwk(other.public_key)]})
    with pytest.raises(AuthenticationFailed, match="unknown key id"):
        verifier.verify(token)


def test_a_remembered_token_does_not_vouch_for_a_tampered_copy(tokens: JwtAccessTokens) -> None:
    token = tokens.issue(claims())
    tokens.verify(token)
    head, payload, signature = token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["sub"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(AuthenticationFailed):
        tokens.verify(f"{head}.{forged_payload}.{signature}")
