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

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from questlog_core.errors import (
    AlreadyExists,
    AuthenticationFailed,
    ConcurrencyConflict,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from questlog_core.events.identity import RefreshTokenReuseDetected
from questlog_core.identity.devices import DeviceCookies
from questlog_core.identity.passwords import PasswordPolicy, normalise_password
from questlog_core.identity.rbac import Permission, Role, parse_permission, parse_role
from questlog_core.identity.tokens import (
    ACCESS_TOKEN_USE,
    API_TOKEN_PREFIX,
    REFRESH_TOKEN_PREFIX,
    RESET_SECRET_BYTES,
    RESET_TOKEN_PREFIX,
    PasswordResetToken,
    PersonalApiToken,
    Principal,
    PrincipalKind,
    RefreshToken,
    SessionFamily,
    TokenKind,
    access_token_claims,
    hash_token,
    new_secret,
    principal_from_claims,
    token_kind,
)
from questlog_core.identity.users import (
    User,
    normalise_email,
    validate_day_start_hour,
    validate_display_name,
    validate_timezone,
)
from questlog_core.ids import EventId, UserId
from questlog_core.ports.identity import AsyncPasswordHasher, AuthUnitOfWork, TokenIssuer
from questlog_core.ports.platform import Clock, EmailMessage, EmailSender, IdFactory, RateLimiter
from questlog_core.ports.sessions import TokenDenylist

REGISTRATION_MESSAGE = (
    "Thanks. If this address can be registered, the account is ready: sign in with it. "
    "Either way we have sent an email to the address."
)


@dataclass(frozen=True, slots=True)
class AuthSettings:
    """Every figure of the auth rules, with the product's defaults."""

    issuer: str = "questlog-auth"
    audience: str = "questlog"
    access_token_ttl: timedelta = timedelta(minutes=10)
    #: lifetime of one refresh token (each refresh mints a new one)
    refresh_token_ttl: timedelta = timedelta(days=14)
    #: absolute lifetime of a session family: rotation never extends it
    session_max_age: timedelta = timedelta(days=30)
    reset_token_ttl: timedelta = timedelta(minutes=30)
    api_token_default_ttl: timedelta = timedelta(days=90)
    api_token_max_ttl: timedelta = timedelta(days=365)
    max_api_tokens_per_user: int = 50
    #: failed sign-ins without a trusted device cookie, per account (known or not)
    login_attempts_per_account: int = 100
    login_account_window: timedelta = timedelta(hours=1)
    #: failed sign-ins without a trusted device cookie, per client IP
    login_attempts_per_ip: int = 300
    login_ip_window: timedelta = timedelta(minutes=15)
    #: failed sign-ins on one trusted device (its own budget; past it the device is locked)
    login_failures_per_device: int = 10
    login_device_window: timedelta = timedelta(hours=1)
    #: how long a device cookie is trusted after the sign-in that issued it
    device_cookie_max_age: timedelta = timedelta(days=365)
    reset_emails_per_account: int = 5
    reset_account_window: timedelta = timedelta(hours=1)
    reset_requests_per_ip: int = 30
    reset_ip_window: timedelta = timedelta(hours=1)
    registrations_per_ip: int = 20
    registration_ip_window: timedelta = timedelta(hours=1)
    #: clock skew tolerated on exp/nbf
    leeway: timedelta = timedelta(seconds=30)
    #: the link in the reset email; ``{token}`` is replaced by the reset token
    reset_link: str = "http://127.0.0.1:8000/reset-password?token={token}"
    product_name: str = "Questlog"


class SignedIn(msgspec.Struct, frozen=True, kw_only=True):
    """A successful sign-in: the tokens, and the device cookie the client should keep."""

    tokens: TokenPair
    device_cookie: str


class TokenPair(msgspec.Struct, frozen=True, kw_only=True):
    """What a sign-in or a refresh hands the client."""

    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    session_id: UUID


class RegistrationReceipt(msgspec.Struct, frozen=True, kw_only=True):
    """The same for a new and an already-registered address (no enumeration)."""

    email: str
    message: str = REGISTRATION_MESSAGE


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    email: str
    display_name: str
    roles: tuple[str, ...]
    permissions: tuple[str, ...]
    timezone: str
    day_start_hour: int
    disabled: bool
    created_at: datetime
    version: int


class SessionInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    user_agent: str | None
    ip: str | None
    current: bool


class ApiTokenInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool


class ApiTokenCreated(msgspec.Struct, frozen=True, kw_only=True):
    """A new personal API token; ``token`` is shown this once and never stored."""

    token: str
    info: ApiTokenInfo


def _profile(user: User) -> Profile:
    return Profile(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=tuple(sorted(r.value for r in user.roles)),
        permissions=tuple(sorted(p.value for p in user.permissions)),
        timezone=user.timezone,
        day_start_hour=user.day_start_hour,
        disabled=user.disabled,
        created_at=user.created_at,
        version=user.version,
    )


async def read_profile(uow: AuthUnitOfWork, user_id: UserId) -> Profile:
    """A user's profile as stored, read in a unit of work of its own (no permission check:
    the caller decides who may see it)."""
    async with uow:
        return _profile(await uow.users.get(user_id))


def _api_token_info(token: PersonalApiToken) -> ApiTokenInfo:
    return ApiTokenInfo(
        id=token.id,
        name=token.name,
        scopes=tuple(sorted(s.value for s in token.scopes)),
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked=token.revoked_at is not None,
    )


def _account_key(email: str) -> str:
    return f"auth:login:account:{email}"


async def refuse_revoked(
    revocations: TokenDenylist, principal: Principal, *, reading: bool = False
) -> None:
    """``AuthenticationFailed`` if the access token behind ``principal`` was revoked (by its
    ``jti`` or by its user's revocation instant); ``ServiceUnavailable`` propagates from the
    feed, so an unreachable feed refuses the request (fail closed) instead of guessing.
    ``reading``: the request only reads (see ``TokenDenylist.is_revoked``)."""
    issued_at = principal.issued_at
    if issued_at is None:  # not an access token: nothing in the feed can concern it
        return
    session = None if principal.session_id is None else str(principal.session_id)
    if await revocations.is_revoked(
        principal.token_id, str(principal.user_id), issued_at, session_id=session, reading=reading
    ):
        raise AuthenticationFailed("access token revoked")


class AuthService:
    """The auth use cases over their ports (see the module docstring for the rules)."""

    def __init__(
        self,
        *,
        uow: Callable[[], AuthUnitOfWork],
        hasher: AsyncPasswordHasher,
        tokens: TokenIssuer,
        revocations: TokenDenylist,
        limiter: RateLimiter,
        email: EmailSender,
        clock: Clock,
        ids: IdFactory,
        settings: AuthSettings | None = None,
        policy: PasswordPolicy | None = None,
        device_key: bytes | None = None,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._tokens = tokens
        self._revocations = revocations
        self._limiter = limiter
        self._email = email
        self._clock = clock
        self._ids = ids
        self.settings = settings or AuthSettings()
        self.policy = policy or PasswordPolicy()
        # Without a configured key, device cookies are trusted by this process only (a
        # restart makes every device untrusted again, which only costs the owner the budget).
        self._devices = DeviceCookies(
            device_key or secrets.token_bytes(32), max_age=self.settings.device_cookie_max_age
        )
        self._dummy_hash: str | None = None
        self._dummy_lock = asyncio.Lock()

    # -- registration and sign-in -------------------------------------------------------

    async def register(
        self,
        *,
        email: str,
        password: str,
        display_name: str,
        timezone: str = "UTC",
        day_start_hour: int = 0,
        ip: str | None = None,
    ) -> RegistrationReceipt:
        """Create an account; an address already registered gets the same receipt.

        The password is hashed either way (so both take the same time) and the address
        gets an email either way: a welcome, or "someone tried to register with your address".
        """
        if ip is not None:
            await self._throttle(
                f"auth:register:ip:{ip}",
                self.settings.registrations_per_ip,
                self.settings.registration_ip_window,
            )
        address = normalise_email(email)
        password = self.policy.check(password, email=address)
        name = validate_display_name(display_name)
        zone = validate_timezone(timezone)
        hour = validate_day_start_hour(day_start_hour)
        password_hash = await self._hasher.hash(password)
        created = False
        async with self._uow() as uow:
            if await uow.users.by_email(address) is None:
                now = self._clock.now()
                user = User.register(
                    user_id=UserId(self._ids.new_id()),
                    email=address,
                    display_name=name,
                    password_hash=password_hash,
                    at=now,
                    event_id=self._event_id(),
                    timezone=zone,
                    day_start_hour=hour,
                )
                try:
                    await uow.users.add(user)
                    await uow.commit()
                    created = True
                except AlreadyExists:  # lost a race with a registration of the same address
                    created = False
        product = self.settings.product_name
        if created:
            message = EmailMessage(
                to=address,
                subject=f"Welcome to {product}",
                text=f"Hello {name},\n\nyour {product} account is ready. Happy questing!\n",
            )
        else:
            message = EmailMessage(
                to=address,
                subject=f"Someone tried to register at {product} with your address",
                text=(
                    f"Someone (maybe you) tried to create a {product} account with this "
                    "address, but it already has one. If it was you, sign in, or reset your "
                    "password if you forgot it. If not, you can ignore this email.\n"
                ),
            )
        await self._email.send(message)
        return RegistrationReceipt(email=address)

    async def login(
        self,
        *,
        email: str,
        password: str,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> TokenPair:
        """Sign in without a device cookie: :meth:`sign_in`'s tokens."""
        signed = await self.sign_in(email=email, password=password, ip=ip, user_agent=user_agent)
        return signed.tokens

    async def sign_in(
        self,
        *,
        email: str,
        password: str,
        ip: str | None = None,
        user_agent: str | None = None,
        device_cookie: str | None = None,
    ) -> SignedIn:
        """Sign in: a new session with an access and a refresh token, and a new device cookie.

        Only failures spend a budget: each attempt spends one hit before the password is
        checked (so concurrent guesses can never exceed a limit) and a success refunds it.
        With a valid ``device_cookie`` of this account the attempt spends the device's own
        budget only, so guesses from elsewhere never lock that device out; without one it
        spends the client IP's budget and the account's shared budget. Over a budget:
        ``RateLimited`` (before the password is looked at); every other failure is
        ``AuthenticationFailed``.
        """
        try:
            address = normalise_email(email)
        except ValidationFailed:
            address = email.strip().lower()[:320]  # counted like any other unknown address
        async with self._uow() as uow:
            user = await uow.users.by_email(address)
        device = self._devices.verify(device_cookie, self._clock.now())
        if device is not None and user is not None and device.user_id == user.id:
            budgets = [
                (
                    f"auth:login:device:{device.nonce}",
                    self.settings.login_failures_per_device,
                    self.settings.login_device_window,
                )
            ]
        else:
            budgets = [
                (
                    _account_key(address),
                    self.settings.login_attempts_per_account,
                    self.settings.login_account_window,
                )
            ]
            if ip is not None:
                budgets.insert(
                    0,
                    (
                        f"auth:login:ip:{ip}",
                        self.settings.login_attempts_per_ip,
                        self.settings.login_ip_window,
                    ),
                )
        spent: list[str] = []
        try:
            for key, limit, window in budgets:
                await self._throttle(key, limit, window)
                spent.append(key)
        except RateLimited:
            await self._refund(spent)  # refused before any check: not a failed sign-in
            raise
        pair, user = await self._check_password_and_start_session(user, password, ip, user_agent)
        await self._refund(spent)
        return SignedIn(tokens=pair, device_cookie=self._devices.issue(user.id, self._clock.now()))

    async def _check_password_and_start_session(
        self, user: User | None, password: str, ip: str | None, user_agent: str | None
    ) -> tuple[TokenPair, User]:
        candidate = normalise_password(password)
        if user is None or len(candidate) > self.policy.max_length:
            # Same work as a real check, so the answer's timing says nothing about the account.
            await self._hasher.verify(await self._dummy(), candidate)
            raise AuthenticationFailed()
        stored = user.password_hash
        if not await self._hasher.verify(stored, candidate) or user.disabled:
            raise AuthenticationFailed()
        upgraded = await self._hasher.hash(candidate) if self._hasher.needs_rehash(stored) else None
        async with self._uow() as uow:
            user = await uow.users.get(user.id)
            if user.disabled:
                raise AuthenticationFailed()
            if upgraded is not None and user.password_hash == stored:
                user.upgrade_hash(upgraded)
                await uow.users.save(user)
            pair = await self._start_session(uow, user, ip=ip, user_agent=user_agent)
            await uow.commit()
        return pair, user

    async def refresh(
        self, refresh_token: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> TokenPair:
        """Trade a refresh token for a new pair; the presented token is spent.

        A token that was already used revokes its whole session (reuse detection): of two
        concurrent refreshes with one token exactly one wins, and the other's failure revokes
        the session, so both parties must sign in again.
        """
        if token_kind(refresh_token) is not TokenKind.REFRESH:
            raise AuthenticationFailed("invalid refresh token")
        token_hash = hash_token(refresh_token)
        async with self._uow() as uow:
            now = self._clock.now()
            stored = await uow.refresh_tokens.by_hash(token_hash)
            if stored is None:
                raise AuthenticationFailed("invalid refresh token")
            family = await uow.refresh_tokens.get_family(stored.family_id)
            if family is None or family.revoked_at is not None:
                raise AuthenticationFailed("session revoked")
            if stored.used_at is not None or not await uow.refresh_tokens.mark_used(
                token_hash, now
            ):
                await uow.refresh_tokens.revoke_family(family.id, now, "refresh-token-reuse")
                uow.record(
                    RefreshTokenReuseDetected(
                        event_id=self._event_id(),
                        occurred_at=now,
                        owner=family.user_id,
                        session_id=family.id,
                    )
                )
                await uow.commit()
                # After the commit: the durable revocation stands even if the feed is down
                # (then this answers 503 and the session's access tokens live out their
                # minutes; with the feed up they end now).
                await self._revoke_session_tokens(family.id, now)
                raise AuthenticationFailed("refresh token reuse detected; session revoked")
            if now >= stored.expires_at or now >= family.expires_at:
                raise AuthenticationFailed("refresh token expired")
            user = await uow.users.find(family.user_id)
            if user is None or user.disabled:
                raise AuthenticationFailed("invalid refresh token")
            await uow.refresh_tokens.touch_family(family.id, now)
            pair = await self._rotate(uow, user, family, now)
            await uow.commit()
        return pair

    async def logout(self, principal: Principal) -> None:
        """End the caller's session and its access token at once."""
        if principal.kind is not PrincipalKind.ACCESS_TOKEN or principal.session_id is None:
            raise ValidationFailed("token", "an API token has no session: revoke the token")
        now = self._clock.now()
        # Every access token of the session ends (not only the presented one: an older
        # token of the same session, from before a refresh, may still be unexpired).
        await self._revoke_session_tokens(principal.session_id, now)
        async with self._uow() as uow:
            await uow.refresh_tokens.revoke_family(principal.session_id, now, "logout")
            await uow.commit()

    async def logout_everywhere(self, principal: Principal) -> None:
        """End every session of the caller and every access token issued so far."""
        async with self._uow() as uow:
            now = self._clock.now()
            user = await uow.users.get(principal.user_id)
            user.revoke_access_tokens(now)
            await uow.users.save(user)
            await self._end_sessions(uow, user.id, now, "logout-everywhere")
            await self._revoke_access_tokens(user.id, now)
            await uow.commit()

    async def authenticate(self, token: str, *, reading: bool = False) -> Principal:
        """The principal a bearer token proves, or ``AuthenticationFailed``.

        ``reading``: the request only reads, so an unreachable revocation feed may be answered
        from its recent local copy (see ``TokenDenylist.is_revoked``).

        Accepts access tokens (JWTs) and personal API tokens; a refresh or reset token is
        never accepted. For a JWT: signature and pinned algorithm (by the ``TokenIssuer``),
        ``exp``/``nbf``/``aud``/``iss``, ``token_use == "access"`` and the revocation feed
        (by ``jti``, session and user, in one lookup); then its claims are the principal,
        with no database read. An API token is looked up in the tables.
        """
        kind = token_kind(token)
        if kind is TokenKind.API:
            return await self._authenticate_api_token(token)
        if kind is not TokenKind.ACCESS:
            raise AuthenticationFailed("not an access token")
        claims = self._tokens.verify(token)
        if claims.get("iss") != self.settings.issuer or claims.get("aud") != self.settings.audience:
            raise AuthenticationFailed("invalid access token")
        principal = principal_from_claims(claims)
        # Everything that ends an access token early (logout, a revoked session, a password
        # change, a disabled account, a role granted or revoked) is in the feed for as long
        # as such a token could live, so the claims need no second opinion from the tables.
        await refuse_revoked(self._revocations, principal, reading=reading)
        return principal

    def jwks(self) -> dict[str, Any]:
        """The public keys other services verify access tokens with."""
        return self._tokens.public_jwks()

    # -- passwords ------------------------------------------------------------------------

    async def forgot_password(self, *, email: str, ip: str | None = None) -> None:
        """Email a reset link if the address has an account; return nothing either way.

        Works for an account locked by failed sign-ins. At most 5 emails per address an hour
        (beyond that nothing is sent, silently), 30 requests per IP an hour (``RateLimited``).
        """
        if ip is not None:
            await self._throttle(
                f"auth:reset:ip:{ip}",
                self.settings.reset_requests_per_ip,
                self.settings.reset_ip_window,
            )
        address = normalise_email(email)
        decision = await self._limiter.hit(
            f"auth:reset:account:{address}",
            self.settings.reset_emails_per_account,
            self.settings.reset_account_window,
        )
        if not decision.allowed:
            return
        token: str | None = None
        async with self._uow() as uow:
            user = await uow.users.by_email(address)
            if user is not None and not user.disabled:
                now = self._clock.now()
                token = new_secret(RESET_TOKEN_PREFIX, RESET_SECRET_BYTES)
                await uow.reset_tokens.add(
                    PasswordResetToken(
                        token_hash=hash_token(token),
                        user_id=user.id,
                        created_at=now,
                        expires_at=now + self.settings.reset_token_ttl,
                    )
                )
                await uow.commit()
        if token is None:
            return
        minutes = int(self.settings.reset_token_ttl.total_seconds() // 60)
        await self._email.send(
            EmailMessage(
                to=address,
                subject=f"Reset your {self.settings.product_name} password",
                text=(
                    "Someone (hopefully you) asked to reset your password. Open this link "
                    f"within {minutes} minutes to choose a new one:\n\n"
                    f"{self.settings.reset_link.format(token=token)}\n\n"
                    "If it was not you, ignore this email: your password stays as it is.\n"
                ),
            )
        )

    async def reset_password(self, *, token: str, new_password: str) -> None:
        """Set a new password with a reset token (single use, expiring).

        Ends every session and access token of the account, and lifts a sign-in lock.
        """
        invalid = ValidationFailed("token", "the reset link is invalid or has expired")
        if token_kind(token) is not TokenKind.RESET:
            raise invalid
        token_hash = hash_token(token)
        async with self._uow() as uow:
            stored = await uow.reset_tokens.by_hash(token_hash)
            if stored is None or not stored.is_usable(self._clock.now()):
                raise invalid
            user = await uow.users.get(stored.user_id)
        password = self.policy.check(new_password, email=user.email)
        new_hash = await self._hasher.hash(password)
        async with self._uow() as uow:
            now = self._clock.now()
            if now >= stored.expires_at or not await uow.reset_tokens.consume(token_hash, now):
                raise invalid
            user = await uow.users.get(stored.user_id)
            user.change_password(new_hash, at=now, event_id=self._event_id(), via="reset")
            await uow.users.save(user)
            await uow.reset_tokens.invalidate_all(user.id, now)
            await self._end_sessions(uow, user.id, now, "password-reset")
            await self._revoke_access_tokens(user.id, now)
            await uow.commit()
        await self._limiter.reset(_account_key(user.email))
        await self._security_notice(user, "Your password was reset")

    async def change_password(
        self,
        principal: Principal,
        *,
        current_password: str,
        new_password: str,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> TokenPair:
        """Change the caller's password; every other session and access token ends, and this
        device gets a fresh pair. A wrong current password counts as a failed sign-in."""
        if principal.kind is not PrincipalKind.ACCESS_TOKEN:
            raise AuthenticationFailed("sign in with your password to change it")
        async with self._uow() as uow:
            user = await uow.users.get(principal.user_id)
        await self._throttle(
            _account_key(user.email),
            self.settings.login_attempts_per_account,
            self.settings.login_account_window,
        )
        stored = user.password_hash
        if not await self._hasher.verify(stored, normalise_password(current_password)):
            raise AuthenticationFailed("the current password is wrong")
        await self._refund([_account_key(user.email)])  # only failures count
        password = self.policy.check(new_password, email=user.email)
        new_hash = await self._hasher.hash(password)
        async with self._uow() as uow:
            now = self._clock.now()
            user = await uow.users.get(principal.user_id)
            if user.password_hash != stored:
                raise ConcurrencyConflict("user", user.id, user.version, None)
            user.change_password(new_hash, at=now, event_id=self._event_id(), via="change")
            await uow.users.save(user)
            await uow.reset_tokens.invalidate_all(user.id, now)
            await self._end_sessions(uow, user.id, now, "password-change")
            await self._revoke_access_tokens(user.id, now)
            pair = await self._start_session(uow, user, ip=ip, user_agent=user_agent)
            await uow.commit()
        await self._security_notice(user, "Your password was changed")
        return pair

    # -- profile ----------------------------------------------------------------------------

    async def get_profile(
        self,
        principal: Principal,
        *,
        read: Callable[[UserId], Awaitable[Profile]] | None = None,
    ) -> Profile:
        """The caller's profile. ``read`` (the profile cache at the HTTP edge) fetches it in
        place of the database."""
        if read is not None:
            return await read(principal.user_id)
        return await read_profile(self._uow(), principal.user_id)

    async def update_profile(
        self,
        principal: Principal,
        *,
        display_name: str | None = None,
        timezone: str | None = None,
        day_start_hour: int | None = None,
        expected_version: int | None = None,
    ) -> Profile:
        """Change display name, time zone or day start; ``expected_version`` (from an
        ``If-Match``) makes a concurrent edit a ``ConcurrencyConflict`` instead of a lost update."""
        async with self._uow() as uow:
            user = await uow.users.get(principal.user_id)
            if expected_version is not None and expected_version != user.version:
                raise ConcurrencyConflict("user", user.id, expected_version, user.version)
            changed = user.update_profile(
                at=self._clock.now(),
                event_id=self._event_id(),
                display_name=display_name,
                timezone=timezone,
                day_start_hour=day_start_hour,
            )
            if changed:
                await uow.users.save(user)
                await uow.commit()
            return _profile(user)

    # -- sessions ---------------------------------------------------------------------------

    async def list_sessions(self, principal: Principal) -> list[SessionInfo]:
        """The caller's live sessions (devices signed in), oldest first."""
        now = self._clock.now()
        async with self._uow() as uow:
            families = await uow.refresh_tokens.families_of(principal.user_id)
        return [
            SessionInfo(
                id=f.id,
                created_at=f.created_at,
                last_used_at=f.last_used_at,
                expires_at=f.expires_at,
                user_agent=f.user_agent,
                ip=f.ip,
                current=f.id == principal.session_id,
            )
            for f in families
            if f.is_active(now)
        ]

    async def revoke_session(self, principal: Principal, session_id: UUID) -> None:
        """Sign one of the caller's devices out (another user's session is not found)."""
        async with self._uow() as uow:
            family = await uow.refresh_tokens.get_family(session_id)
            if family is None or family.user_id != principal.user_id:
                raise NotFound("session", session_id)
            now = self._clock.now()
            await uow.refresh_tokens.revoke_family(session_id, now, "revoked")
            await self._revoke_session_tokens(session_id, now)
            await uow.commit()

    # -- personal API tokens --------------------------------------------------------------

    async def create_api_token(
        self,
        principal: Principal,
        *,
        name: str,
        scopes: Iterable[str],
        expires_in: timedelta | None = None,
    ) -> ApiTokenCreated:
        """A personal API token limited to ``scopes`` (permission names the caller holds).

        Only a signed-in session may create one (a token cannot mint tokens). It expires
        after ``expires_in`` (default 90 days, at most 365).
        """
        if principal.kind is not PrincipalKind.ACCESS_TOKEN:
            raise AuthenticationFailed("sign in with your password to create API tokens")
        label = validate_display_name(name)
        wanted = frozenset(parse_permission(s) for s in scopes)
        if not wanted:
            raise ValidationFailed("scopes", "give at least one scope")
        beyond = sorted(p.value for p in wanted - principal.permissions)
        if beyond:
            raise ValidationFailed("scopes", f"you do not hold {', '.join(beyond)}")
        lifetime = expires_in if expires_in is not None else self.settings.api_token_default_ttl
        if lifetime <= timedelta(0) or lifetime > self.settings.api_token_max_ttl:
            days = self.settings.api_token_max_ttl.days
            raise ValidationFailed("expires_in", f"must be between 1 second and {days} days")
        secret = new_secret(API_TOKEN_PREFIX)
        async with self._uow() as uow:
            now = self._clock.now()
            live = [t for t in await uow.api_tokens.list_of(principal.user_id) if t.is_active(now)]
            if len(live) >= self.settings.max_api_tokens_per_user:
                limit = self.settings.max_api_tokens_per_user
                raise ValidationFailed("name", f"at most {limit} active API tokens")
            token = PersonalApiToken(
                id=self._ids.new_id(),
                user_id=principal.user_id,
                name=label,
                token_hash=hash_token(secret),
                scopes=wanted,
                created_at=now,
                expires_at=now + lifetime,
            )
            await uow.api_tokens.add(token)
            await uow.commit()
        return ApiTokenCreated(token=secret, info=_api_token_info(token))

    async def list_api_tokens(self, principal: Principal) -> list[ApiTokenInfo]:
        """The caller's API tokens (never their secrets), revoked ones included."""
        async with self._uow() as uow:
            return [_api_token_info(t) for t in await uow.api_tokens.list_of(principal.user_id)]

    async def revoke_api_token(self, principal: Principal, token_id: UUID) -> None:
        """Revoke one of the caller's API tokens (another user's token is not found)."""
        async with self._uow() as uow:
            if await uow.api_tokens.get(principal.user_id, token_id) is None:
                raise NotFound("api token", token_id)
            await uow.api_tokens.revoke(principal.user_id, token_id, self._clock.now())
            await uow.commit()

    # -- administration ---------------------------------------------------------------------

    async def get_user(self, actor: Principal, user_id: UUID) -> Profile:
        actor.require(Permission.USERS_READ)
        async with self._uow() as uow:
            return _profile(await uow.users.get(UserId(user_id)))

    async def find_user(self, actor: Principal, email: str) -> Profile:
        """The account registered with ``email``; ``NotFound`` if there is none."""
        actor.require(Permission.USERS_READ)
        address = normalise_email(email)
        async with self._uow() as uow:
            user = await uow.users.by_email(address)
        if user is None:
            raise NotFound("user", address)
        return _profile(user)

    async def list_users(
        self, actor: Principal, *, after_email: str | None = None, limit: int = 100
    ) -> list[Profile]:
        """Up to ``limit`` (1..1000) accounts ordered by email, after ``after_email``."""
        actor.require(Permission.USERS_READ)
        if not 1 <= limit <= 1000:
            raise ValidationFailed("limit", "must be between 1 and 1000")
        async with self._uow() as uow:
            users = await uow.users.page(after_email=after_email, limit=limit)
        return [_profile(u) for u in users]

    async def create_user(
        self,
        actor: Principal,
        *,
        email: str,
        password: str,
        display_name: str,
        timezone: str = "UTC",
        day_start_hour: int = 0,
        roles: Iterable[str] = (),
    ) -> Profile:
        """Make an account for someone (an administrator's act, not a sign-up): the same rules
        as :meth:`register` for the address, password and profile, but an address already
        registered is ``AlreadyExists`` (the actor may know), no email is sent, and ``roles``
        are granted at once (which needs ``roles:manage`` besides ``users:manage``)."""
        actor.require(Permission.USERS_MANAGE)
        wanted = frozenset(parse_role(r) for r in roles) - {Role.USER}
        if wanted:
            actor.require(Permission.ROLES_MANAGE)
        address = normalise_email(email)
        password = self.policy.check(password, email=address)
        name = validate_display_name(display_name)
        zone = validate_timezone(timezone)
        hour = validate_day_start_hour(day_start_hour)
        password_hash = await self._hasher.hash(password)
        async with self._uow() as uow:
            if await uow.users.by_email(address) is not None:
                raise AlreadyExists("user", address)
            now = self._clock.now()
            user = User.register(
                user_id=UserId(self._ids.new_id()),
                email=address,
                display_name=name,
                password_hash=password_hash,
                at=now,
                event_id=self._event_id(),
                timezone=zone,
                day_start_hour=hour,
            )
            for role in sorted(wanted):
                user.grant_role(role, by=actor.user_id, at=now, event_id=self._event_id())
            await uow.users.add(user)
            await uow.commit()
        return _profile(user)

    async def grant_role(self, actor: Principal, user_id: UUID, role: str) -> Profile:
        """Give a role. The user's access tokens (which name their roles) end now; the
        client's next refresh gets a token with the new role."""
        actor.require(Permission.ROLES_MANAGE)
        wanted = parse_role(role)
        async with self._uow() as uow:
            user = await uow.users.get(UserId(user_id))
            now = self._clock.now()
            if user.grant_role(wanted, by=actor.user_id, at=now, event_id=self._event_id()):
                await uow.users.save(user)
                await self._revoke_access_tokens(user.id, now)
                await uow.commit()
                await self._roles_committed(user.id)
            return _profile(user)

    async def revoke_role(self, actor: Principal, user_id: UUID, role: str) -> Profile:
        """Take a role away; it takes effect on the user's next request, not at token expiry
        (their access tokens end now; a refresh gets a token without the role).
        An admin cannot drop their own admin role (so the last admin cannot vanish by mistake)."""
        actor.require(Permission.ROLES_MANAGE)
        wanted = parse_role(role)
        if wanted is Role.ADMIN and UserId(user_id) == actor.user_id:
            raise ValidationFailed("role", "you cannot revoke your own admin role")
        async with self._uow() as uow:
            user = await uow.users.get(UserId(user_id))
            now = self._clock.now()
            if user.revoke_role(wanted, by=actor.user_id, at=now, event_id=self._event_id()):
                await uow.users.save(user)
                await self._revoke_access_tokens(user.id, now)
                await uow.commit()
                await self._roles_committed(user.id)
            return _profile(user)

    async def disable_user(self, actor: Principal, user_id: UUID, *, reason: str = "") -> Profile:
        """Lock an account out now: sessions and access tokens end, sign-in is refused."""
        actor.require(Permission.USERS_MANAGE)
        if UserId(user_id) == actor.user_id:
            raise ValidationFailed("user_id", "you cannot disable your own account")
        async with self._uow() as uow:
            user = await uow.users.get(UserId(user_id))
            now = self._clock.now()
            if user.disable(by=actor.user_id, at=now, event_id=self._event_id(), reason=reason):
                await uow.users.save(user)
                await self._end_sessions(uow, user.id, now, "disabled")
                await self._revoke_access_tokens(user.id, now)
                await uow.commit()
            return _profile(user)

    async def enable_user(self, actor: Principal, user_id: UUID) -> Profile:
        actor.require(Permission.USERS_MANAGE)
        async with self._uow() as uow:
            user = await uow.users.get(UserId(user_id))
            now = self._clock.now()
            if user.enable(by=actor.user_id, at=now, event_id=self._event_id()):
                await uow.users.save(user)
                await uow.commit()
            return _profile(user)

    async def make_admin(self, email: str) -> Profile:
        """Operator bootstrap (CLI only, never over HTTP): grant ``admin`` by email."""
        async with self._uow() as uow:
            user = await uow.users.by_email(normalise_email(email))
            if user is None:
                raise NotFound("user", email)
            now = self._clock.now()
            if user.grant_role(Role.ADMIN, by=user.id, at=now, event_id=self._event_id()):
                await uow.users.save(user)
                await self._revoke_access_tokens(user.id, now)
                await uow.commit()
            return _profile(user)

    # -- internals --------------------------------------------------------------------------

    def _event_id(self) -> EventId:
        return EventId(self._ids.new_id())

    async def _throttle(self, key: str, limit: int, window: timedelta) -> None:
        decision = await self._limiter.hit(key, limit, window)
        if not decision.allowed:
            raise RateLimited(decision.retry_after_seconds)

    async def _refund(self, keys: Iterable[str]) -> None:
        for key in keys:
            await self._limiter.refund(key)

    async def _dummy(self) -> str:
        """A hash of a random password, made once with the live parameters."""
        async with self._dummy_lock:
            if self._dummy_hash is None:
                self._dummy_hash = await self._hasher.hash(secrets.token_urlsafe(24))
            return self._dummy_hash

    async def _security_notice(self, user: User, subject: str) -> None:
        product = self.settings.product_name
        await self._email.send(
            EmailMessage(
                to=user.email,
                subject=f"{product}: {subject.lower()}",
                text=(
                    f"{subject}, and every device was signed out. If this was not you, "
                    "reset your password now with 'Forgot password' on the sign-in page.\n"
                ),
            )
        )

    async def _revoke_access_tokens(self, user_id: UserId, now: datetime) -> None:
        """Publish "every access token of ``user_id`` issued before ``now`` is revoked" to
        the feed, for as long as such a token could still be accepted. Called inside the unit
        of work, before its commit: if the feed is down the use case fails and nothing is
        committed (tokens revoked by a failed commit are merely signed out early)."""
        until = now + self.settings.access_token_ttl + self.settings.leeway
        await self._revocations.revoke_subject(str(user_id), issued_before=now, until=until)

    async def _roles_committed(self, user_id: UserId) -> None:
        """Publish the revocation again with the instant after the commit: a refresh that
        read the old roles did so before the commit, so its token's ``iat`` (taken before
        that read) falls before this instant. (A revocation published only before the
        commit could miss a token whose refresh read the old roles after that instant.)"""
        await self._revoke_access_tokens(user_id, self._clock.now())

    async def _end_sessions(
        self, uow: AuthUnitOfWork, user_id: UserId, now: datetime, reason: str
    ) -> None:
        """Revoke every live session of ``user_id`` and publish each to the feed, so every
        access token of those sessions ends, whenever it was minted (even by a refresh racing
        this use case, which can only have rotated one of these sessions)."""
        live = [f.id for f in await uow.refresh_tokens.families_of(user_id) if f.is_active(now)]
        await uow.refresh_tokens.revoke_families_of(user_id, now, reason)
        for session_id in live:
            await self._revoke_session_tokens(session_id, now)

    async def _revoke_session_tokens(self, session_id: UUID, now: datetime) -> None:
        """Publish "every access token of session ``session_id`` is revoked" to the feed, for
        as long as one minted up to ``now`` could still be accepted."""
        until = now + self.settings.access_token_ttl + self.settings.leeway
        await self._revocations.revoke_session(str(session_id), until)

    async def _start_session(
        self,
        uow: AuthUnitOfWork,
        user: User,
        *,
        ip: str | None,
        user_agent: str | None,
    ) -> TokenPair:
        now = self._clock.now()
        family = SessionFamily(
            id=self._ids.new_id(),
            user_id=user.id,
            created_at=now,
            expires_at=now + self.settings.session_max_age,
            last_used_at=now,
            user_agent=user_agent[:256] if user_agent else None,
            ip=ip,
        )
        await uow.refresh_tokens.add_family(family)
        return await self._rotate(uow, user, family, now)

    async def _rotate(
        self, uow: AuthUnitOfWork, user: User, family: SessionFamily, now: datetime
    ) -> TokenPair:
        """Mint the family's next refresh token and a new access token."""
        refresh = new_secret(REFRESH_TOKEN_PREFIX)
        refresh_expires = min(now + self.settings.refresh_token_ttl, family.expires_at)
        await uow.refresh_tokens.add(
            RefreshToken(
                token_hash=hash_token(refresh),
                family_id=family.id,
                user_id=user.id,
                issued_at=now,
                expires_at=refresh_expires,
            )
        )
        # Never beyond the session's absolute lifetime (no table is read per request to
        # notice that a session ran out).
        expires_at = min(now + self.settings.access_token_ttl, family.expires_at)
        access = self._tokens.issue(
            access_token_claims(
                user_id=user.id,
                session_id=family.id,
                jti=self._ids.new_id().hex,
                issued_at=now,
                expires_at=expires_at,
                roles=user.roles,
            )
        )
        return TokenPair(
            access_token=access,
            expires_in=int((expires_at - now).total_seconds()),
            expires_at=expires_at,
            refresh_token=refresh,
            refresh_expires_at=refresh_expires,
            session_id=family.id,
        )

    async def _authenticate_api_token(self, token: str) -> Principal:
        now = self._clock.now()
        async with self._uow() as uow:
            stored = await uow.api_tokens.by_hash(hash_token(token))
            if stored is None or not stored.is_active(now):
                raise AuthenticationFailed("invalid API token")
            user = await uow.users.find(stored.user_id)
            if user is None or user.disabled:
                raise AuthenticationFailed("invalid API token")
            # last-used is informative: refresh it at most once a minute, not on every call
            if stored.last_used_at is None or now - stored.last_used_at >= timedelta(minutes=1):
                await uow.api_tokens.touch(stored.id, now)
                await uow.commit()
        return Principal(
            user_id=user.id,
            roles=user.roles,
            # a token never does more than its owner may do *now*
            permissions=user.permissions & stored.scopes,
            kind=PrincipalKind.API_TOKEN,
            token_id=str(stored.id),
            expires_at=stored.expires_at,
        )


__all__ = [
    "ACCESS_TOKEN_USE",
    "ApiTokenCreated",
    "ApiTokenInfo",
    "AuthService",
    "AuthSettings",
    "Profile",
    "RegistrationReceipt",
    "SessionInfo",
    "TokenPair",
    "read_profile",
    "refuse_revoked",
]
