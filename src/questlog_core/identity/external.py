"""Signing in through an external identity provider (Google, GitHub, any OpenID Connect
provider): the rules that do not depend on a provider.

* **PKCE** (RFC 7636, ``S256`` only): a fresh ``code_verifier`` per sign-in; the provider
  gets only its SHA-256 (:func:`pkce_challenge`) and the token exchange must present the
  verifier, so a stolen authorization code alone is useless.
* **state** is single use and short-lived; with it the server keeps (in the cache) a
  :class:`PendingSignIn`: the provider, the ``nonce`` an ID token must carry, the verifier,
  and the hash of a *binding* secret held by the browser that started the flow (a cookie),
  so a callback URL sent to someone else does not sign *them* in (login CSRF).
* **Linking** (:func:`link_decision`): an identity already linked signs in to its account.
  Otherwise the provider's address must be verified by the provider: a verified address of
  an existing account links to it; a verified new address creates an account. An address the
  provider does not vouch for is refused, so nobody can take over an account (or squat an
  address) by claiming an email they do not own.
* An account created this way has no password (:data:`NO_PASSWORD`) until its owner sets one
  through "forgot password"; its last linked identity cannot be unlinked while it has none.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

import msgspec

from questlog_core.kernel.errors import AuthenticationFailed, DomainError, ErrorKind
from questlog_core.kernel.ids import UserId

#: what ``password_hash`` holds for an account that has no password: no hash ever equals it,
#: so no password verifies against it (argon2 refuses it as malformed)
NO_PASSWORD = "!no-password"


class ExternalLink(msgspec.Struct, frozen=True, kw_only=True):
    """One account's identity at one provider: ``subject`` is the provider's stable id of
    the person (OIDC ``sub``, GitHub's numeric user id), never their email."""

    user_id: UserId
    provider: str
    subject: str
    email: str
    linked_at: datetime


class PendingSignIn(msgspec.Struct, frozen=True, kw_only=True):
    """What the server remembers between the redirect to the provider and the callback."""

    provider: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    binding_hash: str
    started_at: datetime


class LinkAction(StrEnum):
    """What a callback does with the identity the provider vouched for."""

    SIGN_IN = "sign-in"  # already linked: sign in to the linked account
    LINK = "link"  # verified address of an existing account: link, then sign in
    CREATE = "create"  # verified new address: create an account, link, sign in


class ExternalSignInRefused(AuthenticationFailed):
    """The callback cannot sign anyone in: unknown, expired or replayed ``state``, a browser
    other than the one that started, a refused code, a bad ID token, an unverified address."""

    code: ClassVar[str] = "external-sign-in-refused"


class LastSignInMethod(DomainError):
    """Unlinking would leave the account with no way to sign in."""

    code: ClassVar[str] = "last-sign-in-method"
    kind: ClassVar[ErrorKind] = ErrorKind.CONFLICT

    def __init__(self, provider: str) -> None:
        super().__init__(
            f"{provider} is this account's only way to sign in: set a password first "
            "(use 'forgot password') or link another provider",
            provider=provider,
        )


def new_secret_value() -> str:
    """256 random bits, URL-safe (state, nonce, binding)."""
    return secrets.token_urlsafe(32)


def new_code_verifier() -> str:
    """A PKCE ``code_verifier``: 43 characters of the unreserved alphabet (RFC 7636 §4.1)."""
    return secrets.token_urlsafe(32)


def pkce_challenge(verifier: str) -> str:
    """The ``S256`` ``code_challenge`` of ``verifier``: BASE64URL(SHA256(verifier)), unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def digest(value: str) -> str:
    """The hex SHA-256 of a secret, which is what gets stored or compared."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def same_secret(value: str | None, expected_hash: str) -> bool:
    """Whether ``value`` hashes to ``expected_hash``, in constant time."""
    return value is not None and hmac.compare_digest(digest(value), expected_hash)


def link_decision(
    *, linked_user: UserId | None, account_with_email: UserId | None, email_verified: bool
) -> tuple[LinkAction, UserId | None]:
    """The linking rule (see the module docstring); raises :class:`ExternalSignInRefused`
    for an address the provider does not vouch for."""
    if linked_user is not None:
        return LinkAction.SIGN_IN, linked_user
    if not email_verified:
        raise ExternalSignInRefused(
            "the provider has not verified this email address; verify it there and try again"
        )
    if account_with_email is not None:
        return LinkAction.LINK, account_with_email
    return LinkAction.CREATE, None


def has_password(password_hash: str) -> bool:
    """Whether an account can sign in with a password."""
    return password_hash != NO_PASSWORD


__all__ = [
    "NO_PASSWORD",
    "ExternalLink",
    "ExternalSignInRefused",
    "LastSignInMethod",
    "LinkAction",
    "PendingSignIn",
    "digest",
    "has_password",
    "link_decision",
    "new_code_verifier",
    "new_secret_value",
    "pkce_challenge",
    "same_secret",
]
