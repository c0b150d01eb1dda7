"""Two-step sign-in with an authenticator app (TOTP): enrol, confirm, turn off, and the second
step of a password sign-in (:mod:`questlog_core.identity.second_factor` has the algorithm).

* **Enrol** makes a pending factor (a new secret, sealed at rest) and answers the secret and
  its ``otpauth://`` URI; nothing changes for sign-ins until a first code **confirms** it,
  which answers ten recovery codes, shown this once.
* **Sign-in.** With a confirmed factor, the right password answers a
  :class:`SecondFactorRequired` challenge (single use, five minutes, no session);
  :meth:`SecondFactorUseCases.complete_sign_in` trades it and a current code (or an unused
  recovery code) for the session a sign-in would have started. Every attempt spends the same
  failure budgets as a password sign-in (the trusted device's, or the account's and the client
  IP's) and a success refunds it, so wrong codes count toward the same lockout; a challenge
  is also spent after :data:`CHALLENGE_MAX_FAILURES` wrong codes.
* **Turn off** needs a current code, a recovery code or the password (throttled the same way).
  An operator can turn it off for an owner who lost both the authenticator and the recovery
  codes (:meth:`SecondFactorUseCases.reset_second_factor`, ``questlog users
  reset-second-factor``); the account's sessions end with it.
* Changing the factor needs an access token from a sign-in, not a personal API token; API
  tokens themselves are not affected by two-step sign-in (they are a credential of their own,
  made by a signed-in user).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from questlog_core.errors import (
    AlreadyExists,
    AuthenticationFailed,
    ServiceUnavailable,
    ValidationFailed,
)
from questlog_core.identity.events import SecondFactorDisabled, SecondFactorEnabled
from questlog_core.identity.passwords import normalise_password
from questlog_core.identity.ports import AuthUnitOfWork
from questlog_core.identity.rbac import Permission
from questlog_core.identity.second_factor import (
    CHALLENGE_MAX_FAILURES,
    CHALLENGE_PREFIX,
    CHALLENGE_TTL,
    DIGITS,
    PERIOD,
    NoEnrolmentWaiting,
    RecoveryCode,
    SecondFactor,
    SecondFactorOff,
    SignInChallenge,
    hash_recovery_code,
    matching_step,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    secret_text,
)
from questlog_core.identity.tokens import Principal, PrincipalKind, hash_token
from questlog_core.identity.tokens import new_secret as new_token
from questlog_core.identity.use_cases.base import AuthBase
from questlog_core.identity.use_cases.results import SignedIn, TokenPair
from questlog_core.kernel.ids import UserId

METHOD = "totp"


class SecondFactorRequired(msgspec.Struct, frozen=True, kw_only=True):
    """The password was right; send a code with ``challenge`` to finish signing in."""

    second_factor_required: bool = True
    #: single use; trade it at ``POST /api/v1/auth/login/totp``
    challenge: str
    expires_at: datetime
    #: what the second step accepts: ``totp`` (a current code), ``recovery_code``
    methods: tuple[str, ...] = ("totp", "recovery_code")


class TotpEnrolment(msgspec.Struct, frozen=True, kw_only=True):
    """A new, not yet confirmed authenticator: add it to an app, then confirm with a code."""

    #: the shared secret, base32 (for typing into an app by hand)
    secret: str
    #: ``otpauth://totp/...`` (show it as a QR code)
    otpauth_uri: str
    issuer: str
    account: str
    digits: int = DIGITS
    period: int = PERIOD
    algorithm: str = "SHA1"


class RecoveryCodes(msgspec.Struct, frozen=True, kw_only=True):
    """Codes that each stand in for an authenticator code once; shown this one time."""

    codes: list[str]


class SecondFactorStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Whether sign-ins of the account need a code."""

    enabled: bool
    #: an enrolment waits for its confirming code
    pending: bool
    enabled_at: datetime | None
    recovery_codes_left: int


async def issue_challenge(
    uow: AuthUnitOfWork, user_id: UserId, now: datetime
) -> SecondFactorRequired:
    """Store a new sign-in challenge for ``user_id`` (its hash) and answer the token."""
    token = new_token(CHALLENGE_PREFIX)
    expires = now + CHALLENGE_TTL
    # the account's finished challenges go, so abandoned sign-ins do not pile up
    await uow.second_factors.forget_challenges(user_id, ended_before=now)
    await uow.second_factors.add_challenge(
        SignInChallenge(
            token_hash=hash_token(token), user_id=user_id, created_at=now, expires_at=expires
        )
    )
    return SecondFactorRequired(challenge=token, expires_at=expires)


def _signed_in_with_password(principal: Principal) -> None:
    if principal.kind is not PrincipalKind.ACCESS_TOKEN:
        raise AuthenticationFailed("sign in with your password to change two-step sign-in")


class SecondFactorUseCases(AuthBase):
    """Two-step sign-in (see the module docstring)."""

    def _sealing(self) -> None:
        if self._sealer is None:
            raise ServiceUnavailable("two-step sign-in is not configured on this server")

    async def second_factor_status(self, principal: Principal) -> SecondFactorStatus:
        """Whether the caller's sign-ins need a code, and how many recovery codes are left."""
        async with self._uow() as uow:
            factor = await uow.second_factors.get(principal.user_id)
            left = await uow.second_factors.recovery_codes_left(principal.user_id)
        return SecondFactorStatus(
            enabled=factor is not None and factor.enabled,
            pending=factor is not None and not factor.enabled,
            enabled_at=factor.confirmed_at if factor is not None else None,
            recovery_codes_left=left if factor is not None and factor.enabled else 0,
        )

    async def enrol_totp(self, principal: Principal) -> TotpEnrolment:
        """Start (or restart) an enrolment: a new secret, pending until confirmed.
        ``AlreadyExists`` (409) if two-step sign-in is on already (turn it off first)."""
        _signed_in_with_password(principal)
        self._sealing()
        assert self._sealer is not None
        secret = new_secret()
        async with self._uow() as uow:
            user = await uow.users.get(principal.user_id)
            pending = SecondFactor(
                user_id=user.id,
                sealed_secret=self._sealer.seal(secret),
                created_at=self._clock.now(),
            )
            if not await uow.second_factors.put_pending(pending):
                raise AlreadyExists("second factor", METHOD)
            await uow.commit()
        issuer = self.settings.product_name
        return TotpEnrolment(
            secret=secret_text(secret),
            otpauth_uri=provisioning_uri(secret, account=user.email, issuer=issuer),
            issuer=issuer,
            account=user.email,
        )

    async def confirm_totp(self, principal: Principal, *, code: str) -> RecoveryCodes:
        """Turn two-step sign-in on with a first code from the app; answers the recovery
        codes. A wrong code is ``ValidationFailed`` (422) and spends the account's sign-in
        budget; no enrolment waiting is ``NoEnrolmentWaiting`` (409)."""
        _signed_in_with_password(principal)
        self._sealing()
        assert self._sealer is not None
        async with self._uow() as uow:
            user = await uow.users.get(principal.user_id)
            factor = await uow.second_factors.get(user.id)
        if factor is None or factor.enabled:
            raise NoEnrolmentWaiting()
        spent = await self._spend(self._sign_in_budgets(user, user.email, None, None))
        now = self._clock.now()
        step = matching_step(self._sealer.open(factor.sealed_secret), code, now)
        if step is None:
            raise ValidationFailed("code", "the code does not match; check the app's clock")
        codes = new_recovery_codes()
        async with self._uow() as uow:
            if not await uow.second_factors.confirm(user.id, now, step):
                raise NoEnrolmentWaiting()
            await uow.second_factors.replace_recovery_codes(
                [
                    RecoveryCode(
                        user_id=user.id, code_hash=hash_recovery_code(user.id, c), created_at=now
                    )
                    for c in codes
                ]
            )
            uow.record(
                SecondFactorEnabled(
                    event_id=self._event_id(), occurred_at=now, owner=user.id, method=METHOD
                )
            )
            await uow.commit()
        await self._refund(spent)
        return RecoveryCodes(codes=codes)

    async def disable_totp(
        self,
        principal: Principal,
        *,
        code: str | None = None,
        recovery_code: str | None = None,
        password: str | None = None,
    ) -> None:
        """Turn two-step sign-in off (or drop a pending enrolment). Needs one proof: a current
        code, an unused recovery code or the password; a wrong one is ``AuthenticationFailed``
        and spends the account's sign-in budget."""
        _signed_in_with_password(principal)
        if code is None and recovery_code is None and password is None:
            raise ValidationFailed("code", "send a current code, a recovery code or the password")
        async with self._uow() as uow:
            user = await uow.users.get(principal.user_id)
            factor = await uow.second_factors.get(user.id)
        if factor is None:
            return  # already off: nothing to prove
        spent = await self._spend(self._sign_in_budgets(user, user.email, None, None))
        now = self._clock.now()
        async with self._uow() as uow:
            proven = False
            if password is not None:
                proven = await self._hasher.verify(user.password_hash, normalise_password(password))
            elif factor.enabled:
                proven = await self._prove(uow, factor, code, recovery_code, now)
            if not proven:
                raise AuthenticationFailed("the code or password is wrong")
            await uow.second_factors.remove(user.id)
            if factor.enabled:
                uow.record(
                    SecondFactorDisabled(
                        event_id=self._event_id(), occurred_at=now, owner=user.id, method=METHOD
                    )
                )
            await uow.commit()
        await self._refund(spent)

    async def regenerate_recovery_codes(self, principal: Principal, *, code: str) -> RecoveryCodes:
        """Ten new recovery codes for the caller's authenticator, proven by a current code;
        the old codes stop working. Answers the new codes, shown this once. A wrong code is
        ``AuthenticationFailed`` and spends the account's sign-in budget; an account without
        two-step sign-in on is ``SecondFactorOff`` (409)."""
        _signed_in_with_password(principal)
        async with self._uow() as uow:
            user = await uow.users.get(principal.user_id)
            factor = await uow.second_factors.get(user.id)
        if factor is None or not factor.enabled:
            raise SecondFactorOff()
        spent = await self._spend(self._sign_in_budgets(user, user.email, None, None))
        now = self._clock.now()
        codes = new_recovery_codes()
        async with self._uow() as uow:
            if not await self._prove(uow, factor, code, None, now):
                raise AuthenticationFailed("the code is wrong")
            await uow.second_factors.replace_recovery_codes(
                [
                    RecoveryCode(
                        user_id=user.id, code_hash=hash_recovery_code(user.id, c), created_at=now
                    )
                    for c in codes
                ]
            )
            await uow.commit()
        await self._refund(spent)
        return RecoveryCodes(codes=codes)

    async def reset_second_factor(
        self, actor: Principal, user_id: UUID, *, reason: str = ""
    ) -> bool:
        """An operator turns another account's two-step sign-in off (its owner lost both the
        authenticator and the recovery codes): the factor and its codes go, and the account's
        sessions and access tokens end, so whoever held a session must sign in again, by
        password alone until a new factor is enrolled. Returns whether there was a factor
        (``False``: nothing changed). ``reason`` is logged with the sessions' end."""
        actor.require(Permission.USERS_MANAGE)
        async with self._uow() as uow:
            user = await uow.users.get(UserId(user_id))
            factor = await uow.second_factors.get(user.id)
            if factor is None:
                return False
            now = self._clock.now()
            await uow.second_factors.remove(user.id)
            if factor.enabled:
                uow.record(
                    SecondFactorDisabled(
                        event_id=self._event_id(), occurred_at=now, owner=user.id, method=METHOD
                    )
                )
            why = "second factor reset" + (f": {reason}" if reason else "")
            await self._end_sessions(uow, user.id, now, why)
            await self._revoke_access_tokens(user.id, now)
            await uow.commit()
        return True

    async def complete_sign_in(
        self,
        *,
        challenge: str,
        code: str | None = None,
        recovery_code: str | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
        device_cookie: str | None = None,
    ) -> SignedIn:
        """The second step of a sign-in: a challenge from :meth:`sign_in` and a current code
        or an unused recovery code; answers what a sign-in without a second factor would.
        An unknown, used or expired challenge and a wrong or replayed code are all
        ``AuthenticationFailed``; over a budget, ``RateLimited``."""
        if (code is None) == (recovery_code is None):
            raise ValidationFailed("code", "send either a code or a recovery code")
        challenge_hash = hash_token(challenge)
        now = self._clock.now()
        async with self._uow() as uow:
            waiting = await uow.second_factors.challenge(challenge_hash)
            user = await uow.users.find(waiting.user_id) if waiting is not None else None
            factor = await uow.second_factors.get(user.id) if user is not None else None
        if waiting is None or not waiting.is_usable(now) or user is None:
            raise AuthenticationFailed("the sign-in has expired: sign in with your password again")
        spent = await self._spend(self._sign_in_budgets(user, user.email, ip, device_cookie))
        pair = await self._second_step(waiting, factor, code, recovery_code, ip, user_agent, now)
        if pair is None:
            async with self._uow() as uow:
                failures = await uow.second_factors.fail_challenge(challenge_hash)
                if failures >= CHALLENGE_MAX_FAILURES:
                    await uow.second_factors.spend_challenge(challenge_hash, now)
                await uow.commit()
            raise AuthenticationFailed("the code is wrong or was used already")
        await self._refund(spent)
        return SignedIn(
            tokens=pair,
            device_cookie=self._devices.issue(user.id, self._clock.now()),
            device_cookie_max_age=self.settings.device_cookie_max_age,
        )

    async def _second_step(
        self,
        waiting: SignInChallenge,
        factor: SecondFactor | None,
        code: str | None,
        recovery_code: str | None,
        ip: str | None,
        user_agent: str | None,
        now: datetime,
    ) -> TokenPair | None:
        """Spend the proof and the challenge and start the session, all in one transaction;
        ``None`` (nothing kept) when the proof is no good."""
        async with self._uow() as uow:
            if factor is None or not factor.enabled:
                return None
            if not await self._prove(uow, factor, code, recovery_code, now):
                return None
            if not await uow.second_factors.spend_challenge(waiting.token_hash, now):
                raise AuthenticationFailed("this sign-in was completed already")
            user = await uow.users.get(waiting.user_id)
            if user.disabled:
                raise AuthenticationFailed()
            pair = await self._start_session(uow, user, ip=ip, user_agent=user_agent)
            await uow.commit()
        return pair

    async def _prove(
        self,
        uow: AuthUnitOfWork,
        factor: SecondFactor,
        code: str | None,
        recovery_code: str | None,
        now: datetime,
    ) -> bool:
        """Spend ``code`` (its step) or ``recovery_code`` in ``uow``; whether it was good."""
        if code is not None:
            if self._sealer is None:
                return False
            secret = self._sealer.open(factor.sealed_secret)
            step = matching_step(secret, code, now, after_step=factor.last_used_step)
            return step is not None and await uow.second_factors.use_step(factor.user_id, step)
        if recovery_code is not None:
            code_hash = hash_recovery_code(factor.user_id, recovery_code)
            return await uow.second_factors.use_recovery_code(factor.user_id, code_hash, now)
        return False


__all__ = [
    "RecoveryCodes",
    "SecondFactorRequired",
    "SecondFactorStatus",
    "SecondFactorUseCases",
    "TotpEnrolment",
    "issue_challenge",
]
