"""Password and profile: forgotten, reset and changed passwords; the caller's profile."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from questlog_core.errors import AuthenticationFailed, ConcurrencyConflict, ValidationFailed
from questlog_core.identity.passwords import normalise_password
from questlog_core.identity.tokens import (
    RESET_SECRET_BYTES,
    RESET_TOKEN_PREFIX,
    PasswordResetToken,
    Principal,
    PrincipalKind,
    TokenKind,
    hash_token,
    new_secret,
    token_kind,
)
from questlog_core.identity.use_cases.base import AuthBase, _account_key
from questlog_core.identity.use_cases.results import Profile, TokenPair, _profile, read_profile
from questlog_core.identity.users import normalise_email
from questlog_core.kernel.ids import UserId
from questlog_core.ports.platform import EmailMessage


class ProfileUseCases(AuthBase):
    """Password and profile."""

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
