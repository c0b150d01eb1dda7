"""Ports of identity: password hashing, token signing, authentication, identity providers, and
the auth service's repositories and unit of work.

Revoked access tokens are not here: they live in
:class:`~questlog_core.ports.sessions.TokenDenylist`, the one revocation feed every service
reads (Redis in production)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import msgspec

from questlog_core.identity.external import ExternalLink
from questlog_core.identity.second_factor import SecondFactorRepository
from questlog_core.identity.tokens import (
    PasswordResetToken,
    PersonalApiToken,
    Principal,
    RefreshToken,
    SessionFamily,
)
from questlog_core.identity.users import User
from questlog_core.kernel.ids import EventId, UserId
from questlog_core.kernel.unit_of_work import UnitOfWork


class PasswordHasher(Protocol):
    """A slow, salted password hash (argon2id). Blocking: run it through
    :class:`AsyncPasswordHasher` in an event loop."""

    def hash(self, password: str) -> str: ...
    def verify(self, stored_hash: str, password: str) -> bool: ...
    def needs_rehash(self, stored_hash: str) -> bool: ...


class AsyncPasswordHasher(Protocol):
    """What the use cases hash with: off the event loop, with bounded concurrency so a
    login flood queues instead of exhausting memory. ``needs_rehash`` only parses, so it is
    synchronous."""

    async def hash(self, password: str) -> str: ...
    async def verify(self, stored_hash: str, password: str) -> bool: ...
    def needs_rehash(self, stored_hash: str) -> bool: ...


class TokenIssuer(Protocol):
    """Signs and verifies access tokens (asymmetric keys; the public half is published).

    ``verify`` checks the signature with the pinned algorithm, refuses key-carrying headers
    (``jwk``/``jku``/``x5u``/``x5c``) and unknown ``kid`` values, checks ``exp``/``nbf``/
    ``aud``/``iss``, and raises ``AuthenticationFailed`` for any bad token.
    """

    def issue(self, claims: Mapping[str, Any]) -> str: ...
    def verify(self, token: str) -> dict[str, Any]: ...
    def public_jwks(self) -> dict[str, Any]: ...


class ExternalIdentity(msgspec.Struct, frozen=True):
    """Who the provider says signed in: ``subject`` is its stable id of the person;
    ``email_verified`` is the provider's own word that the person controls ``email``."""

    provider: str
    subject: str
    email: str
    email_verified: bool
    display_name: str = ""


class IdentityProvider(Protocol):
    """An OAuth 2.0 / OpenID Connect provider, for the authorization-code flow with PKCE.

    ``authorization_url`` is where the browser goes to sign in (with ``state``, the ``S256``
    ``code_challenge`` and, for OIDC, the ``nonce``). ``exchange`` trades the returned code
    (with the ``code_verifier``) for the person's identity; an OIDC provider checks the ID
    token there (signature against the provider's JWKS, ``iss``, ``aud``, ``exp``, ``iat``
    and that its ``nonce`` is ``nonce``). A refused code or a bad token raises
    ``AuthenticationFailed``; a provider that cannot be reached, ``ServiceUnavailable``.
    """

    name: str

    async def authorization_url(
        self, *, state: str, nonce: str, code_challenge: str, redirect_uri: str
    ) -> str: ...

    async def exchange(
        self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
    ) -> ExternalIdentity: ...


class ExternalIdentityRepository(Protocol):
    """Which account each external identity (provider, subject) is linked to."""

    async def add(self, link: ExternalLink) -> None:
        """Store a link; ``AlreadyExists`` if the identity is linked already, or the account
        already has an identity at that provider."""
        ...

    async def by_subject(self, provider: str, subject: str) -> ExternalLink | None: ...
    async def list_of(self, user_id: UserId) -> list[ExternalLink]: ...

    async def remove(self, user_id: UserId, provider: str) -> bool:
        """Unlink the account's identity at ``provider``; ``False`` if there was none."""
        ...


class UserRepository(Protocol):
    """Accounts. Entities handed out are copies: a change is stored only by :meth:`save`."""

    async def get(self, user_id: UserId) -> User: ...  # raises NotFound("user", id)
    async def find(self, user_id: UserId) -> User | None: ...
    async def by_email(self, email: str) -> User | None: ...  # email already normalised

    async def page(self, *, after_email: str | None = None, limit: int = 100) -> list[User]:
        """Up to ``limit`` accounts ordered by email, those after ``after_email`` (keyset
        paging: pass the last email of a page to get the next)."""
        ...

    async def add(self, user: User) -> None: ...  # raises AlreadyExists("user", email)

    async def save(self, user: User) -> None:
        """Store ``user`` if its ``version`` is still the stored one and bump it; else raise
        ``ConcurrencyConflict``."""
        ...


class RefreshTokenRepository(Protocol):
    """Session families and their refresh tokens (looked up by hash only)."""

    async def add_family(self, family: SessionFamily) -> None: ...
    async def get_family(self, family_id: UUID) -> SessionFamily | None: ...
    async def families_of(self, user_id: UserId) -> list[SessionFamily]: ...
    async def touch_family(self, family_id: UUID, at: datetime) -> None: ...

    async def revoke_family(self, family_id: UUID, at: datetime, reason: str) -> bool:
        """Revoke one family; ``False`` if it was already revoked or does not exist."""
        ...

    async def revoke_families_of(self, user_id: UserId, at: datetime, reason: str) -> int:
        """Revoke every live family of a user; how many were revoked."""
        ...

    async def add(self, token: RefreshToken) -> None: ...
    async def by_hash(self, token_hash: str) -> RefreshToken | None: ...

    async def mark_used(self, token_hash: str, at: datetime) -> bool:
        """Compare-and-set: mark the token used if it is unused. Exactly one of any number
        of concurrent callers gets ``True`` (SQL: ``UPDATE ... WHERE used_at IS NULL``)."""
        ...


class ResetTokenRepository(Protocol):
    async def add(self, token: PasswordResetToken) -> None: ...
    async def by_hash(self, token_hash: str) -> PasswordResetToken | None: ...

    async def consume(self, token_hash: str, at: datetime) -> bool:
        """Compare-and-set: mark an unused token used; ``True`` for exactly one caller."""
        ...

    async def invalidate_all(self, user_id: UserId, at: datetime) -> int:
        """Mark every unused token of a user used (after a reset or a password change)."""
        ...


class ApiTokenRepository(Protocol):
    async def add(self, token: PersonalApiToken) -> None: ...
    async def by_hash(self, token_hash: str) -> PersonalApiToken | None: ...
    async def list_of(self, user_id: UserId) -> list[PersonalApiToken]: ...
    async def get(self, user_id: UserId, token_id: UUID) -> PersonalApiToken | None: ...
    async def revoke(self, user_id: UserId, token_id: UUID, at: datetime) -> bool: ...
    async def touch(self, token_id: UUID, at: datetime) -> None: ...


class Authenticator(Protocol):
    """Turns a presented bearer token into the :class:`Principal` it proves.

    Implemented by the auth service itself (access and personal API tokens, against its own
    tables) and, in the other services, by JWKS verification plus the shared revocation feed
    (access tokens only). Raises ``AuthenticationFailed`` (401) for any bad or revoked token
    and ``ServiceUnavailable`` (503) when revocations cannot be checked (fail closed).
    ``reading=True`` marks a request that only reads: it may be checked against a recent local
    copy of the revocation feed while the feed is unreachable (a bounded grace period).
    """

    async def authenticate(self, token: str, *, reading: bool = False) -> Principal: ...


class AuthUnitOfWork(UnitOfWork, Protocol):
    """One transaction of the identity context: the kernel's
    :class:`~questlog_core.kernel.unit_of_work.UnitOfWork` with its repositories.

    ``async with uow:`` opens it; leaving without :meth:`commit` rolls every change back.
    On commit, the events recorded by touched users and by :meth:`record` are written to the
    outbox in the same transaction. ``uow.inbox.claim(consumer, event_id)`` records that
    ``consumer`` processed ``event_id`` and says ``False`` if it already had (also rolled back
    unless committed), so a redelivered event has no second effect.
    """

    @property
    def users(self) -> UserRepository: ...
    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...
    @property
    def reset_tokens(self) -> ResetTokenRepository: ...
    @property
    def api_tokens(self) -> ApiTokenRepository: ...
    @property
    def external_identities(self) -> ExternalIdentityRepository: ...
    @property
    def second_factors(self) -> SecondFactorRepository: ...

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        """Deprecated alias of ``inbox.claim`` (kept for code written before the unit-of-work
        shapes were unified)."""
        ...


__all__ = [
    "ApiTokenRepository",
    "AsyncPasswordHasher",
    "AuthUnitOfWork",
    "Authenticator",
    "ExternalIdentity",
    "ExternalIdentityRepository",
    "IdentityProvider",
    "PasswordHasher",
    "RefreshTokenRepository",
    "ResetTokenRepository",
    "TokenIssuer",
    "UserRepository",
]
