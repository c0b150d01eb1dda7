"""Auth use cases: accounts, sign-in, sessions, tokens, password resets, roles.

:class:`AuthService` holds the ports and offers one method per use case; the HTTP layer calls
these and nothing deeper. Every method is HTTP-free: it takes plain values (and the caller's
:class:`~questlog_core.identity.Principal` where one is needed), returns a ``msgspec.Struct``
and fails with a typed ``DomainError``.

The rules, in one place (figures are :class:`AuthSettings` defaults; docs/auth.md explains):

* **No account enumeration.** ``register`` answers an existing email exactly as a new one
  (a :class:`RegistrationReceipt`; the address's owner gets an email saying so), ``login``
  fails with the same ``AuthenticationFailed`` for an unknown email, a wrong password or a
  disabled account, and an unknown email is verified against a dummy argon2 hash so the time
  taken matches; ``forgot_password`` returns nothing, whether or not the address is known.
* **Brute force** (OWASP's device cookies, :mod:`questlog_core.identity.devices`). Only
  *failed* sign-ins spend a budget (an attempt spends one hit up front, a success refunds
  it). A sign-in presenting a valid device cookie of the account spends that device's own
  budget (10 failures an hour; past it the device is locked), untouched by guesses from
  anywhere else. Every other sign-in spends the *account's* shared budget (100 failures an
  hour, keyed on the normalised email, known or not) and the client IP's (300 per 15
  minutes); over any, ``RateLimited``, even with the right password. A successful sign-in
  issues a new device cookie. A locked account can still reset its password, and a reset
  lifts the lock.
* **Access tokens** are short-lived EdDSA JWTs (10 minutes). :meth:`AuthService.authenticate`
  checks signature, ``alg``, ``exp``/``nbf``/``aud``/``iss``, the token type and the shared
  revocation feed (:class:`~questlog_core.ports.sessions.TokenDenylist`, one lookup by
  ``jti``, session and subject, failing closed), and trusts the token's claims (roles
  included) for the rest: no database read per request. The other services check the same
  token the same way with the JWKS (:func:`principal_from_claims` and :func:`refuse_revoked`
  are shared by both paths). So every change that must end an access token early is
  published to the feed; a change of roles does too, and the client's refresh picks up the new
  roles. Personal API tokens (``qlp_``) are opaque and checked against the tables each time.
* **Refresh tokens** are opaque (256 bits), stored hashed, single use: every refresh rotates
  them; presenting a used one revokes its whole session family (RFC 9700). A compare-and-set
  makes exactly one of two concurrent refreshes win. A session lives 30 days at most.
* **Revocation**: logout, signing a device out and refresh-token reuse revoke the session
  family in the tables and publish the session to the feed (``revoke_session``) for one
  access-token lifetime, so all of that session's access tokens end at once; logout
  everywhere, password change/reset, disable and a role granted or revoked publish "every
  token of this user issued before now" (``revoke_subject``) for one access-token lifetime
  (logout everywhere, password changes and disable also revoke the sessions and move the
  user's durable ``tokens_valid_after`` line). After one lifetime every token a revocation
  covers has expired, so the feed may forget it. A revocation the feed cannot record fails
  the use case (``ServiceUnavailable``) before anything is committed (refresh-token reuse
  commits the family's revocation first: the durable half must never be lost).
* **Permissions.** What a caller may do with their own account (profile, sessions, API
  tokens) is the permission the route declares, checked once at the HTTP edge
  (``apps.http.permissions``) before these methods run; a principal's permissions are its
  roles' (an access token) or its scopes ∩ its owner's current roles (an API token).
  Administering *other* accounts (:meth:`AuthService.get_user`, roles, disable/enable) is a
  domain rule checked here as well, whatever the way in (HTTP or the operator's CLI).
"""

from __future__ import annotations

from questlog_core.identity.tokens import ACCESS_TOKEN_USE
from questlog_core.identity.use_cases.admin import AdminUseCases
from questlog_core.identity.use_cases.api_tokens import ApiTokenUseCases
from questlog_core.identity.use_cases.deletion import AccountDeletionUseCases
from questlog_core.identity.use_cases.profile import ProfileUseCases
from questlog_core.identity.use_cases.results import REGISTRATION_MESSAGE as REGISTRATION_MESSAGE
from questlog_core.identity.use_cases.results import (
    ApiTokenCreated,
    ApiTokenInfo,
    Profile,
    RegistrationReceipt,
    SessionInfo,
    SignedIn,
    TokenPair,
    read_profile,
)
from questlog_core.identity.use_cases.second_factor import SecondFactorUseCases
from questlog_core.identity.use_cases.sessions import SessionUseCases, refuse_revoked
from questlog_core.identity.use_cases.settings import AuthSettings
from questlog_core.identity.use_cases.sign_in import SignInUseCases


class AuthService(
    SignInUseCases,
    SessionUseCases,
    ProfileUseCases,
    AdminUseCases,
    ApiTokenUseCases,
    AccountDeletionUseCases,
    SecondFactorUseCases,
):
    """The auth use cases over their ports (see the module docstring for the rules)."""


__all__ = [
    "ACCESS_TOKEN_USE",
    "ApiTokenCreated",
    "ApiTokenInfo",
    "AuthService",
    "AuthSettings",
    "Profile",
    "RegistrationReceipt",
    "SessionInfo",
    "SignedIn",
    "TokenPair",
    "read_profile",
    "refuse_revoked",
]
