"""Sessions, refresh tokens, password-reset tokens, personal API tokens, and the principal.

Every secret handed to a client is minted here from :mod:`secrets` and only its SHA-256 is
ever stored: a leaked table gives nobody a usable token. SHA-256 without salt or stretching is
enough because the secrets are 256 random bits, not something a person chose.

Refresh tokens belong to a *session family* (one sign-in on one device). Each refresh token
is single use: using it marks it used and mints the next one of the same family. Presenting a
used token again means two parties hold it, so the whole family is revoked (RFC 9700 §4.14).
A family has an absolute lifetime that rotation never extends.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from questlog_core.errors import AuthenticationFailed, PermissionDenied, ValidationFailed
from questlog_core.identity.rbac import Permission, Role, parse_role, permissions_of
from questlog_core.kernel.ids import UserId

#: 32 bytes = 256 bits of CSPRNG output for refresh and API tokens.
SECRET_BYTES = 32
#: Reset tokens: 32 bytes too (the floor is 128 bits; a link can afford 256).
RESET_SECRET_BYTES = 32
#: Prefixes make a leaked token recognisable by secret scanners and by :func:`token_kind`.
REFRESH_TOKEN_PREFIX = "qlr_"
API_TOKEN_PREFIX = "qlp_"
RESET_TOKEN_PREFIX = "qlx_"


class TokenKind(StrEnum):
    """What a presented bearer string claims to be, judged by its shape only."""

    ACCESS = "access"  # a JWT
    REFRESH = "refresh"
    API = "api"
    RESET = "reset"


def new_secret(prefix: str, nbytes: int = SECRET_BYTES) -> str:
    """A fresh opaque token: ``prefix`` + URL-safe base64 of ``nbytes`` CSPRNG bytes."""
    return prefix + secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token: what the repositories store and look up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_hash(a: str, b: str) -> bool:
    """Constant-time comparison of two token hashes."""
    return hmac.compare_digest(a.encode(), b.encode())


def token_kind(token: str) -> TokenKind:
    """Which kind of token ``token`` looks like (a JWT is anything without our prefixes)."""
    if token.startswith(REFRESH_TOKEN_PREFIX):
        return TokenKind.REFRESH
    if token.startswith(API_TOKEN_PREFIX):
        return TokenKind.API
    if token.startswith(RESET_TOKEN_PREFIX):
        return TokenKind.RESET
    return TokenKind.ACCESS


@dataclass(slots=True)
class SessionFamily:
    """One sign-in: the chain of refresh tokens rotated from it.

    ``expires_at`` is absolute (set at sign-in); ``revoked_at`` ends every token of it,
    including the access tokens that carry its id as ``sid``.
    """

    id: UUID
    user_id: UserId
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime
    user_agent: str | None = None
    ip: str | None = None
    revoked_at: datetime | None = None
    revoked_reason: str | None = None

    def is_active(self, now: datetime) -> bool:
        """Not revoked and not past its absolute lifetime."""
        return self.revoked_at is None and now < self.expires_at

    def copy(self) -> SessionFamily:
        return replace(self)


@dataclass(slots=True)
class RefreshToken:
    """One refresh token of a family, stored by hash; ``used_at`` is set exactly once."""

    token_hash: str
    family_id: UUID
    user_id: UserId
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def copy(self) -> RefreshToken:
        return replace(self)


@dataclass(slots=True)
class PasswordResetToken:
    """A single-use, expiring password-reset token, stored by hash."""

    token_hash: str
    user_id: UserId
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def copy(self) -> PasswordResetToken:
        return replace(self)


@dataclass(slots=True)
class PersonalApiToken:
    """A long-lived token a user creates for scripts, limited to ``scopes``."""

    id: UUID
    user_id: UserId
    name: str
    token_hash: str
    scopes: frozenset[Permission]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def copy(self) -> PersonalApiToken:
        return replace(self)


class PrincipalKind(StrEnum):
    ACCESS_TOKEN = "access_token"
    API_TOKEN = "api_token"
    #: the operator at the server's command line (``questlog users``): no token at all
    OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, proven by a verified token: the input of every authorised use case.

    ``session_id`` is the session family of an access token (``None`` for an API token);
    ``token_id`` is the access token's ``jti`` or the API token's id; ``expires_at`` is when
    the presented token stops working; ``issued_at`` is an access token's ``iat`` (what the
    per-user revocation instant is compared with).
    """

    user_id: UserId
    roles: frozenset[Role]
    permissions: frozenset[Permission]
    kind: PrincipalKind
    token_id: str
    expires_at: datetime | None
    session_id: UUID | None = None
    issued_at: datetime | None = None

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        """Raise ``PermissionDenied`` unless this principal holds ``permission``."""
        if permission not in self.permissions:
            raise PermissionDenied(permission.value)


#: The id the operator's command line acts under: the ``by`` of the events its changes record
#: (no account ever has it: account ids are random UUIDs, never the nil UUID).
OPERATOR_ID = UserId(UUID(int=0))


def operator_principal() -> Principal:
    """The operator at the server's command line (``questlog users``): an administrator's
    permissions, proven by access to the server and its settings rather than by a token."""
    roles = frozenset({Role.ADMIN})
    return Principal(
        user_id=OPERATOR_ID,
        roles=roles,
        permissions=permissions_of(roles),
        kind=PrincipalKind.OPERATOR,
        token_id="operator",
        expires_at=None,
    )


#: The ``token_use`` claim of an access token (no other JWT we sign carries it).
ACCESS_TOKEN_USE = "access"


def _invalid() -> AuthenticationFailed:
    return AuthenticationFailed("invalid access token")


def _claim_instant(claims: Mapping[str, Any], name: str) -> datetime:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid()
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise _invalid() from None


def _claim_uuid(claims: Mapping[str, Any], name: str) -> UUID:
    value = claims.get(name)
    if not isinstance(value, str):
        raise _invalid()
    try:
        return UUID(value)
    except ValueError:
        raise _invalid() from None


def access_token_claims(
    *,
    user_id: UserId,
    session_id: UUID,
    jti: str,
    issued_at: datetime,
    expires_at: datetime,
    roles: frozenset[Role],
) -> dict[str, Any]:
    """The claims of a new access token (``iss``/``aud`` are added by the signer).

    ``iat``/``nbf`` keep sub-second precision (a float of seconds, exact to the microsecond):
    a token minted in the same second as a password change, but after it, must not fall
    before the revocation instant.
    """
    issued = issued_at.timestamp()
    return {
        "sub": str(user_id),
        "sid": str(session_id),
        "jti": jti,
        "iat": issued,
        "nbf": issued,
        "exp": expires_at.timestamp(),
        "roles": sorted(r.value for r in roles),
        "token_use": ACCESS_TOKEN_USE,
    }


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """The principal a *verified* access token's claims describe (the one mapping of claims
    to a :class:`Principal`, used by the auth service and by JWKS verification alike).

    The signature, ``alg``, ``iss``/``aud`` and ``exp``/``nbf`` were checked by the verifier;
    this checks the token is an access token and that every claim has its shape, and derives
    permissions from the ``roles`` claim. Any malformed claim is ``AuthenticationFailed``.
    """
    if claims.get("token_use") != ACCESS_TOKEN_USE:
        raise AuthenticationFailed("not an access token")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise _invalid()
    raw_roles = claims.get("roles", [])
    if not isinstance(raw_roles, list) or not all(isinstance(r, str) for r in raw_roles):
        raise _invalid()
    try:
        roles = frozenset(parse_role(r) for r in raw_roles)
    except ValidationFailed:
        raise _invalid() from None
    return Principal(
        user_id=UserId(_claim_uuid(claims, "sub")),
        roles=roles,
        permissions=permissions_of(roles),
        kind=PrincipalKind.ACCESS_TOKEN,
        token_id=jti,
        expires_at=_claim_instant(claims, "exp"),
        session_id=_claim_uuid(claims, "sid"),
        issued_at=_claim_instant(claims, "iat"),
    )


__all__ = [
    "ACCESS_TOKEN_USE",
    "API_TOKEN_PREFIX",
    "OPERATOR_ID",
    "REFRESH_TOKEN_PREFIX",
    "RESET_TOKEN_PREFIX",
    "PasswordResetToken",
    "PersonalApiToken",
    "Principal",
    "PrincipalKind",
    "RefreshToken",
    "SessionFamily",
    "TokenKind",
    "access_token_claims",
    "hash_token",
    "new_secret",
    "operator_principal",
    "principal_from_claims",
    "same_hash",
    "token_kind",
]
