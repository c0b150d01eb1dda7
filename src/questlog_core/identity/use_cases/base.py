"""The state every auth use case shares (the ports, settings, device cookies) and the
internals they have in common: throttling, revocations published to the feed, minting tokens."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from uuid import UUID

from questlog_core.errors import RateLimited
from questlog_core.identity.devices import DeviceCookies
from questlog_core.identity.passwords import PasswordPolicy
from questlog_core.identity.ports import AsyncPasswordHasher, AuthUnitOfWork, TokenIssuer
from questlog_core.identity.second_factor import SecretSealer
from questlog_core.identity.tokens import (
    REFRESH_TOKEN_PREFIX,
    RefreshToken,
    SessionFamily,
    access_token_claims,
    hash_token,
    new_secret,
)
from questlog_core.identity.use_cases.results import TokenPair
from questlog_core.identity.use_cases.settings import AuthSettings
from questlog_core.identity.users import User
from questlog_core.kernel.ids import EventId, UserId
from questlog_core.ports.platform import Clock, EmailMessage, EmailSender, IdFactory, RateLimiter
from questlog_core.ports.sessions import TokenDenylist


def _account_key(email: str) -> str:
    return f"auth:login:account:{email}"


class AuthBase:
    """The ports and settings of :class:`~questlog_core.identity.use_cases.AuthService`, and the
    internals its use-case groups share."""

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
        sealer: SecretSealer | None = None,
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
        # Seals TOTP secrets at rest; without one, enrolling a second factor is refused.
        self._sealer = sealer
        self._dummy_hash: str | None = None
        self._dummy_lock = asyncio.Lock()

    # -- internals --------------------------------------------------------------------------

    def _event_id(self) -> EventId:
        return EventId(self._ids.new_id())

    async def _throttle(self, key: str, limit: int, window: timedelta) -> None:
        decision = await self._limiter.hit(key, limit, window)
        if not decision.allowed:
            raise RateLimited(decision.retry_after_seconds)

    def _sign_in_budgets(
        self, user: User | None, address: str, ip: str | None, device_cookie: str | None
    ) -> list[tuple[str, int, timedelta]]:
        """The failure budgets a sign-in step spends (see :meth:`sign_in`): the trusted
        device's own, or the account's and the client IP's."""
        device = self._devices.verify(device_cookie, self._clock.now())
        if device is not None and user is not None and device.user_id == user.id:
            return [
                (
                    f"auth:login:device:{device.nonce}",
                    self.settings.login_failures_per_device,
                    self.settings.login_device_window,
                )
            ]
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
        return budgets

    async def _spend(self, budgets: list[tuple[str, int, timedelta]]) -> list[str]:
        """Spend one hit of each budget (``RateLimited`` over any, with nothing spent)."""
        spent: list[str] = []
        try:
            for key, limit, window in budgets:
                await self._throttle(key, limit, window)
                spent.append(key)
        except RateLimited:
            await self._refund(spent)  # refused before any check: not a failed attempt
            raise
        return spent

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
