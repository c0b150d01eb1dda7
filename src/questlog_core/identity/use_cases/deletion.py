"""Deleting one's own account: sign in again with the password, then every service forgets.

The auth service locks the account at once (disabled, every session and token ended, the
sign-in throttles forgotten) and records :class:`~questlog_core.events.identity.AccountDeleted`
in the same transaction. Each service's consumer of that event deletes the user's rows in its
own tables, the auth service's included (``questlog_core.moving.erasure``).
"""

from __future__ import annotations

from questlog_core.errors import AuthenticationFailed
from questlog_core.identity.events import AccountDeleted
from questlog_core.identity.passwords import normalise_password
from questlog_core.identity.tokens import Principal, PrincipalKind
from questlog_core.identity.use_cases.base import AuthBase, _account_key
from questlog_core.ids import UserId


class AccountDeletionUseCases(AuthBase):
    """Deleting the caller's account."""

    async def delete_account(self, principal: Principal, *, password: str) -> UserId:
        """Delete the caller's account; returns its id. Needs an access token from a password
        sign-in (not an API token) and the password again; a wrong one counts as a failed
        sign-in (``AuthenticationFailed``, throttled like sign-in).
        """
        if principal.kind is not PrincipalKind.ACCESS_TOKEN:
            raise AuthenticationFailed("sign in with your password to delete your account")
        async with self._uow() as uow:
            user = await uow.users.get(principal.user_id)
        await self._throttle(
            _account_key(user.email),
            self.settings.login_attempts_per_account,
            self.settings.login_account_window,
        )
        if not await self._hasher.verify(user.password_hash, normalise_password(password)):
            raise AuthenticationFailed("the password is wrong")
        async with self._uow() as uow:
            now = self._clock.now()
            user = await uow.users.get(principal.user_id)
            user.disable(by=user.id, at=now, event_id=self._event_id(), reason="account deleted")
            await uow.users.save(user)
            await uow.reset_tokens.invalidate_all(user.id, now)
            await self._end_sessions(uow, user.id, now, "account-deleted")
            await self._revoke_access_tokens(user.id, now)
            uow.record(AccountDeleted(event_id=self._event_id(), occurred_at=now, owner=user.id))
            await uow.commit()
        # The throttles are keyed on the address: nothing of it may stay behind.
        await self._limiter.reset(_account_key(user.email))
        await self._limiter.reset(f"auth:reset:account:{user.email}")
        return user.id


__all__ = ["AccountDeletionUseCases"]
