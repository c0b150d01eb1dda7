"""Signing in with an external identity provider (authorization code + PKCE, state, nonce).

:class:`ExternalSignInUseCases` starts a sign-in (:meth:`~ExternalSignInUseCases.start`: a
redirect to the provider, the pending sign-in kept in the cache) and finishes it at the
callback (:meth:`~ExternalSignInUseCases.finish`: ``state`` claimed once, the code exchanged
with the verifier, the identity linked or an account created per
:func:`~questlog_core.identity.external.link_decision`, then a session exactly like a password
sign-in's). The rules are in :mod:`questlog_core.identity.external`; docs/auth.md explains.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import msgspec

from questlog_core.errors import AlreadyExists, NotFound, ValidationFailed
from questlog_core.identity.external import (
    NO_PASSWORD,
    ExternalLink,
    ExternalSignInRefused,
    LastSignInMethod,
    LinkAction,
    PendingSignIn,
    digest,
    has_password,
    link_decision,
    new_code_verifier,
    new_secret_value,
    pkce_challenge,
    same_secret,
)
from questlog_core.identity.ports import ExternalIdentity, IdentityProvider
from questlog_core.identity.tokens import Principal
from questlog_core.identity.use_cases.base import AuthBase
from questlog_core.identity.use_cases.results import SignedIn
from questlog_core.identity.use_cases.second_factor import SecondFactorRequired, issue_challenge
from questlog_core.identity.users import MAX_DISPLAY_NAME_LENGTH, User, normalise_email
from questlog_core.kernel.ids import UserId
from questlog_core.ports.platform import Cache

#: the longest subject stored (OIDC Core §2: ``sub`` is at most 255 ASCII characters)
MAX_SUBJECT_LENGTH = 255
#: how long a started sign-in may take at the provider before its ``state`` expires
SIGN_IN_WINDOW = timedelta(minutes=10)


class ExternalSignInStarted(msgspec.Struct, frozen=True, kw_only=True):
    """Where to send the browser, and the binding secret it must keep (a cookie) until the
    callback."""

    authorization_url: str
    binding: str
    binding_max_age: timedelta


class LinkedIdentity(msgspec.Struct, frozen=True, kw_only=True):
    """A provider linked to the caller's account (the address it vouched for at linking)."""

    provider: str
    email: str
    linked_at: datetime


class SignInProvider(msgspec.Struct, frozen=True, kw_only=True):
    """A provider this deployment offers, and where a browser starts signing in with it."""

    name: str
    authorize_path: str


def _display_name(identity: ExternalIdentity, email: str) -> str:
    """The provider's name for the person, made a valid display name, else the address's
    local part."""
    for raw in (identity.display_name, email.split("@", 1)[0]):
        name = "".join(
            c
            for c in unicodedata.normalize("NFC", raw)
            if unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp"}
        ).strip()[:MAX_DISPLAY_NAME_LENGTH]
        if name:
            return name
    return "Player"


class ExternalSignInUseCases(AuthBase):
    """Sign-in through the configured :class:`IdentityProvider` s (``providers`` by name),
    the pending sign-ins kept in ``pending`` (the cache: short-lived, claimed once)."""

    def __init__(
        self,
        *,
        providers: Mapping[str, IdentityProvider],
        pending: Cache,
        callback_url: str,
        **ports: Any,
    ) -> None:
        """``callback_url`` is the public callback with ``{provider}`` in it."""
        super().__init__(**ports)
        self._providers = dict(providers)
        self._pending = pending
        self._callback_url = callback_url

    def providers(self) -> list[SignInProvider]:
        """The providers this deployment offers (those whose settings are given)."""
        return [
            SignInProvider(name=name, authorize_path=f"/api/v1/auth/oauth/{name}/authorize")
            for name in sorted(self._providers)
        ]

    def _provider(self, name: str) -> IdentityProvider:
        provider = self._providers.get(name)
        if provider is None:
            raise NotFound("identity provider", name)
        return provider

    async def start(self, provider: str, *, ip: str | None = None) -> ExternalSignInStarted:
        """Begin a sign-in: a fresh state, nonce and PKCE verifier, remembered for
        :data:`SIGN_IN_WINDOW`; the provider's URL to send the browser to."""
        chosen = self._provider(provider)
        if ip is not None:
            await self._throttle(
                f"auth:oauth:start:ip:{ip}",
                self.settings.login_attempts_per_ip,
                self.settings.login_ip_window,
            )
        state, nonce, binding = new_secret_value(), new_secret_value(), new_secret_value()
        verifier = new_code_verifier()
        redirect_uri = self._callback_url.format(provider=provider)
        pending = PendingSignIn(
            provider=provider,
            nonce=nonce,
            code_verifier=verifier,
            redirect_uri=redirect_uri,
            binding_hash=digest(binding),
            started_at=self._clock.now(),
        )
        await self._pending.set(
            f"auth:oauth:pending:{digest(state)}", msgspec.json.encode(pending), SIGN_IN_WINDOW
        )
        url = await chosen.authorization_url(
            state=state,
            nonce=nonce,
            code_challenge=pkce_challenge(verifier),
            redirect_uri=redirect_uri,
        )
        return ExternalSignInStarted(
            authorization_url=url, binding=binding, binding_max_age=SIGN_IN_WINDOW
        )

    async def _claim(self, provider: str, state: str, binding: str | None) -> PendingSignIn:
        """The pending sign-in of ``state``, claimed (a second claim is refused)."""
        key = digest(state)
        if not await self._pending.add(f"auth:oauth:claimed:{key}", b"1", SIGN_IN_WINDOW):
            raise ExternalSignInRefused("this sign-in was already used; start again")
        raw = await self._pending.get(f"auth:oauth:pending:{key}")
        await self._pending.delete(f"auth:oauth:pending:{key}")
        if raw is None:
            raise ExternalSignInRefused("unknown or expired sign-in; start again")
        pending = msgspec.json.decode(raw, type=PendingSignIn)
        if pending.provider != provider:
            raise ExternalSignInRefused("this sign-in was started with another provider")
        if self._clock.now() - pending.started_at > SIGN_IN_WINDOW:
            raise ExternalSignInRefused("the sign-in took too long; start again")
        if not same_secret(binding, pending.binding_hash):
            raise ExternalSignInRefused("this sign-in was started in another browser")
        return pending

    async def finish(
        self,
        provider: str,
        *,
        code: str,
        state: str,
        binding: str | None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> SignedIn | SecondFactorRequired:
        """Complete a sign-in at the callback; a session like a password sign-in's.

        An account with two-step sign-in on gets no session yet, exactly as after a right
        password: a :class:`SecondFactorRequired` challenge, finished with a code at
        ``POST /api/v1/auth/login/totp`` (a provider vouching for the person is the first
        factor, never both).

        A failure spends one hit of the client IP's sign-in budget (the password sign-in's);
        over it, ``RateLimited``. Every refusal is :class:`ExternalSignInRefused` (401).
        """
        chosen = self._provider(provider)
        key = f"auth:login:ip:{ip}" if ip is not None else None
        if key is not None:
            await self._throttle(
                key, self.settings.login_attempts_per_ip, self.settings.login_ip_window
            )
        pending = await self._claim(provider, state, binding)
        identity = await chosen.exchange(
            code=code,
            redirect_uri=pending.redirect_uri,
            code_verifier=pending.code_verifier,
            nonce=pending.nonce,
        )
        signed = await self._sign_in_as(identity, ip=ip, user_agent=user_agent)
        if key is not None:
            await self._refund([key])
        return signed

    async def _sign_in_as(
        self, identity: ExternalIdentity, *, ip: str | None, user_agent: str | None
    ) -> SignedIn | SecondFactorRequired:
        if not 0 < len(identity.subject) <= MAX_SUBJECT_LENGTH:
            raise ExternalSignInRefused("the provider gave no usable identifier")
        try:
            email = normalise_email(identity.email)
        except ValidationFailed:
            raise ExternalSignInRefused("the provider gave no usable email address") from None
        async with self._uow() as uow:
            now = self._clock.now()
            link = await uow.external_identities.by_subject(identity.provider, identity.subject)
            existing = await uow.users.by_email(email) if link is None else None
            action, user_id = link_decision(
                linked_user=link.user_id if link else None,
                account_with_email=existing.id if existing else None,
                email_verified=identity.email_verified,
            )
            if action is LinkAction.CREATE:
                user = User.register(
                    user_id=UserId(self._ids.new_id()),
                    email=email,
                    display_name=_display_name(identity, email),
                    password_hash=NO_PASSWORD,
                    at=now,
                    event_id=self._event_id(),
                )
                await uow.users.add(user)
            else:
                assert user_id is not None
                user = await uow.users.get(user_id)
            if user.disabled:
                raise ExternalSignInRefused()
            if action is not LinkAction.SIGN_IN:
                try:
                    await uow.external_identities.add(
                        ExternalLink(
                            user_id=user.id,
                            provider=identity.provider,
                            subject=identity.subject,
                            email=email,
                            linked_at=now,
                        )
                    )
                except AlreadyExists:
                    raise ExternalSignInRefused(
                        f"this account is already linked to another {identity.provider} identity"
                    ) from None
            factor = await uow.second_factors.get(user.id)
            if factor is not None and factor.enabled:
                # The provider stands in for the password; the code is still needed.
                challenge = await issue_challenge(uow, user.id, now)
                await uow.commit()
                return challenge
            pair = await self._start_session(uow, user, ip=ip, user_agent=user_agent)
            await uow.commit()
        return SignedIn(
            tokens=pair,
            device_cookie=self._devices.issue(user.id, self._clock.now()),
            device_cookie_max_age=self.settings.device_cookie_max_age,
        )

    async def linked_identities(self, principal: Principal) -> list[LinkedIdentity]:
        """The providers linked to the caller's account."""
        async with self._uow() as uow:
            links = await uow.external_identities.list_of(principal.user_id)
        return [
            LinkedIdentity(provider=k.provider, email=k.email, linked_at=k.linked_at) for k in links
        ]

    async def unlink(self, principal: Principal, provider: str) -> None:
        """Unlink the caller's identity at ``provider`` (``NotFound`` if none), unless it is
        the account's last way to sign in (:class:`LastSignInMethod`)."""
        async with self._uow() as uow:
            user = await uow.users.get(principal.user_id)
            links = await uow.external_identities.list_of(user.id)
            if not any(k.provider == provider for k in links):
                raise NotFound("linked identity", provider)
            if len(links) == 1 and not has_password(user.password_hash):
                raise LastSignInMethod(provider)
            await uow.external_identities.remove(user.id, provider)
            await uow.commit()


__all__ = [
    "MAX_SUBJECT_LENGTH",
    "SIGN_IN_WINDOW",
    "ExternalSignInStarted",
    "ExternalSignInUseCases",
    "LinkedIdentity",
    "SignInProvider",
]
