"""Access tokens: EdDSA (Ed25519) JWTs signed by the auth service, verified anywhere via JWKS.

The algorithm is pinned in code (``EdDSA``): the token's own ``alg`` header only has to agree,
it never chooses. So ``alg: none``, HS256 signed with the public key as an HMAC secret
(algorithm confusion), and RS/ES tokens are all refused before any key is touched. Headers
that would let a token bring its own key (``jwk``, ``jku``, ``x5u``, ``x5c``, ``x5t``) or
demand extensions (``crit``) are refused; ``kid`` is only ever a lookup key into the keys we
hold, never a path, URL or query. ``typ`` must be ``at+jwt`` (RFC 9068), so no other JWT we
might ever sign passes as an access token.

``exp``/``nbf``/``iat`` are checked against the injected ``Clock`` (with a small leeway for
clock skew between services); ``aud`` and ``iss`` must match exactly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from questlog_core.errors import AuthenticationFailed
from questlog_core.ports.platform import Clock

ALGORITHM = "EdDSA"
ACCESS_TOKEN_TYP = "at+jwt"
#: Headers a token may never carry: each would let the token choose its own key or rules.
FORBIDDEN_HEADERS = frozenset({"jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit"})
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "nbf", "iat", "jti")
MAX_TOKEN_LENGTH = 8192
DEFAULT_LEEWAY = timedelta(seconds=30)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_jwk(key: Ed25519PublicKey) -> dict[str, str]:
    """The public JWK of ``key`` with its RFC 7638 thumbprint as ``kid``."""
    x = _b64url(_raw_public(key))
    # RFC 7638: required members only, lexicographic order, no whitespace.
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    kid = _b64url(hashlib.sha256(canonical.encode("ascii")).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": ALGORITHM, "use": "sig"}


class SigningKey:
    """An Ed25519 private key and its ``kid`` (the RFC 7638 thumbprint of its public half)."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self.private_key = private_key
        self.public_key = private_key.public_key()
        self.kid = public_jwk(self.public_key)["kid"]

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the signing key must be an Ed25519 private key (PKCS#8 PEM)")
        return cls(key)

    def to_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def load_signing_key(path: Path, *, create_if_missing: bool) -> SigningKey:
    """The key in the PEM file at ``path``; if there is none and ``create_if_missing``, a new
    key written there first (mode 0600, never overwriting a file that appears meanwhile)."""
    if path.exists():
        return SigningKey.from_pem(path.read_bytes())
    if not create_if_missing:
        raise FileNotFoundError(f"no signing key at {path}")
    key = SigningKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return SigningKey.from_pem(path.read_bytes())
    with os.fdopen(fd, "wb") as out:
        out.write(key.to_pem())
    return key


def _fail(reason: str) -> AuthenticationFailed:
    return AuthenticationFailed(f"invalid access token: {reason}")


def _number(claims: Mapping[str, Any], name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"{name} is not a number")
    return float(value)


class VerifiedTokens:
    """Claims of tokens whose signature, header, issuer and audience were already verified.

    Checking an Ed25519 signature and parsing the JWT is most of an authenticated request's
    CPU; a client sends the same access token many times. Only the *signature* result is
    reused: the time claims are checked against the clock on every call, and revocation is
    checked by the caller on every call. Bounded (least recently used entries go first) and
    cleared whenever the verification keys change.
    """

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._max_entries = max_entries

    def get(self, token: str) -> dict[str, Any] | None:
        claims = self._entries.get(token)
        if claims is not None:
            self._entries.move_to_end(token)
        return claims

    def put(self, token: str, claims: dict[str, Any]) -> None:
        self._entries[token] = claims
        self._entries.move_to_end(token)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def verify_access_token(
    token: str,
    keys: Mapping[str, Ed25519PublicKey],
    *,
    issuer: str,
    audience: str,
    clock: Clock,
    leeway: timedelta = DEFAULT_LEEWAY,
    verified: VerifiedTokens | None = None,
) -> dict[str, Any]:
    """The claims of ``token`` if it is an access token signed by one of ``keys`` (by kid)
    for ``audience`` from ``issuer`` and valid now; else ``AuthenticationFailed``.

    With ``verified``, a token whose signature was checked before skips that check (the
    times are still checked now)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise _fail("malformed")
    known = verified.get(token) if verified is not None else None
    if known is not None:
        _check_times(known, clock, leeway)
        return dict(known)
    claims = _verify_signature(token, keys, issuer=issuer, audience=audience)
    _check_times(claims, clock, leeway)
    if verified is not None:
        verified.put(token, dict(claims))
    return claims


def _verify_signature(
    token: str, keys: Mapping[str, Ed25519PublicKey], *, issuer: str, audience: str
) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _fail("malformed") from None
    if header.get("alg") != ALGORITHM:
        raise _fail("algorithm not allowed")
    if FORBIDDEN_HEADERS & header.keys():
        raise _fail("key-carrying header not allowed")
    if header.get("typ") != ACCESS_TOKEN_TYP:
        raise _fail("not an access token")
    kid = header.get("kid")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise _fail("unknown key id")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            options={
                "require": list(REQUIRED_CLAIMS),
                # time claims are checked below against the injected clock
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except jwt.PyJWTError as exc:
        raise _fail(type(exc).__name__) from None
    if claims.get("aud") != audience:  # a list audience is not something we issue
        raise _fail("audience")
    for name in ("exp", "nbf", "iat"):
        _number(claims, name)
    return claims


def _check_times(claims: Mapping[str, Any], clock: Clock, leeway: timedelta) -> None:
    now = clock.now().timestamp()
    slack = leeway.total_seconds()
    if now >= _number(claims, "exp") + slack:
        raise _fail("expired")
    if now + slack < _number(claims, "nbf"):
        raise _fail("not valid yet")
    if now + slack < _number(claims, "iat"):
        raise _fail("issued in the future")


class JwtAccessTokens:
    """A ``TokenIssuer``: signs access tokens with the current key, verifies with it and any
    retired keys (still published until the tokens they signed have expired)."""

    def __init__(
        self,
        signing_key: SigningKey,
        *,
        issuer: str,
        audience: str,
        clock: Clock,
        retired_keys: Sequence[Ed25519PublicKey] = (),
        leeway: timedelta = DEFAULT_LEEWAY,
    ) -> None:
        self._signing_key = signing_key
        self.issuer = issuer
        self.audience = audience
        self._clock = clock
        self._leeway = leeway
        self._keys: dict[str, Ed25519PublicKey] = {signing_key.kid: signing_key.public_key}
        for key in retired_keys:
            self._keys.setdefault(public_jwk(key)["kid"], key)
        self._verified = VerifiedTokens()

    @property
    def kid(self) -> str:
        return self._signing_key.kid

    def issue(self, claims: Mapping[str, Any]) -> str:
        """Sign ``claims`` (``iss``/``aud`` are always this issuer's own)."""
        payload = {**claims, "iss": self.issuer, "aud": self.audience}
        return jwt.encode(
            payload,
            self._signing_key.private_key,
            algorithm=ALGORITHM,
            headers={"kid": self._signing_key.kid, "typ": ACCESS_TOKEN_TYP},
        )

    def verify(self, token: str) -> dict[str, Any]:
        return verify_access_token(
            token,
            self._keys,
            issuer=self.issuer,
            audience=self.audience,
            clock=self._clock,
            leeway=self._leeway,
            verified=self._verified,
        )

    def public_jwks(self) -> dict[str, Any]:
        """The JWKS document to publish at ``/.well-known/jwks.json``."""
        return {"keys": [public_jwk(key) for key in self._keys.values()]}


def keys_from_jwks(jwks: Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    """The Ed25519 verification keys of a JWKS document by ``kid`` (other keys are skipped)."""
    found: dict[str, Ed25519PublicKey] = {}
    entries = jwks.get("keys")
    if not isinstance(entries, list):
        raise ValueError("a JWKS document needs a 'keys' list")
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            continue
        if entry.get("alg", ALGORITHM) != ALGORITHM or entry.get("use", "sig") != "sig":
            continue
        kid, x = entry.get("kid"), entry.get("x")
        if not isinstance(kid, str) or not isinstance(x, str):
            continue
        try:
            raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
            found[kid] = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            continue
    return found


class JwksVerifier:
    """Verifies access tokens with nothing but a published JWKS document (for the services
    other than auth). It cannot see revocations: those take effect in it at ``exp``."""

    def __init__(
        self,
        jwks: Mapping[str, Any],
        *,
        issuer: str,
        audience: str,
        clock: Clock,
        leeway: timedelta = DEFAULT_LEEWAY,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self._clock = clock
        self._leeway = leeway
        self._keys = keys_from_jwks(jwks)
        self._verified = VerifiedTokens()

    def update(self, jwks: Mapping[str, Any]) -> None:
        """Replace the keys (after re-fetching the JWKS on an unknown ``kid``)."""
        self._keys = keys_from_jwks(jwks)
        self._verified.clear()  # a key that left the set must stop verifying at once

    def knows(self, kid: str) -> bool:
        return kid in self._keys

    def verify(self, token: str) -> dict[str, Any]:
        return verify_access_token(
            token,
            self._keys,
            issuer=self.issuer,
            audience=self.audience,
            clock=self._clock,
            leeway=self._leeway,
            verified=self._verified,
        )


__all__ = [
    "ACCESS_TOKEN_TYP",
    "ALGORITHM",
    "FORBIDDEN_HEADERS",
    "JwksVerifier",
    "JwtAccessTokens",
    "SigningKey",
    "VerifiedTokens",
    "keys_from_jwks",
    "load_signing_key",
    "public_jwk",
    "verify_access_token",
]
