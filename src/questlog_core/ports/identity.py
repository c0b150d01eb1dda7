"""Ports of identity: password hashing, token issuing, external identity providers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import msgspec


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, stored_hash: str, password: str) -> bool: ...
    def needs_rehash(self, stored_hash: str) -> bool: ...


class TokenIssuer(Protocol):
    """Signs and verifies access tokens (asymmetric keys; the public half is published)."""

    def issue(self, claims: Mapping[str, Any]) -> str: ...
    def verify(self, token: str) -> dict[str, Any]: ...
    def public_jwks(self) -> dict[str, Any]: ...


class ExternalIdentity(msgspec.Struct, frozen=True):
    provider: str
    subject: str
    email: str
    email_verified: bool


class IdentityProvider(Protocol):
    """An OAuth/OIDC provider (a later issue implements one; the seam is here now)."""

    name: str

    def authorization_url(self, state: str, redirect_uri: str) -> str: ...
    async def exchange(self, code: str, redirect_uri: str) -> ExternalIdentity: ...


__all__ = ["ExternalIdentity", "IdentityProvider", "PasswordHasher", "TokenIssuer"]
