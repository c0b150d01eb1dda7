"""The identity part: accounts, sign-in and token verification.

The auth service's use cases (:class:`~questlog_core.services.auth.AuthService`) with their
stores, password hashing, token signing, email and the profile cache; and the
``authenticator`` every HTTP service checks bearer tokens with: the auth use case itself
(``local``: the all-in-one and the auth service) or the auth service's published JWKS
(``jwks``: a service standing alone with ``QUESTLOG_JWKS_URL``). Every service with an HTTP API
needs this part for that.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from dependency_injector import providers

from adapters.caching import CachedProfiles, InvalidatingAuthUnitOfWork
from adapters.email.console import ConsoleEmailSender, OutboxEmailSender
from adapters.memory.clock import SystemClock
from adapters.memory.identity import InMemoryAuthUnitOfWork, InMemoryIdentityStore
from adapters.security.hashing import Argon2PasswordHasher, BoundedPasswordHasher
from adapters.security.jwt_tokens import JwtAccessTokens, SigningKey, load_signing_key
from adapters.security.sealing import AesGcmSealer
from adapters.sql.auth import SqlAuthUnitOfWork
from apps.container.keys import key_in_file
from apps.container.oauth import callback_url, configured_providers, oauth_http_client
from apps.container.platform import OpenClients, Platform, token_verification
from apps.settings import Settings
from questlog_core.identity.use_cases.external_login import ExternalSignInUseCases
from questlog_core.ids import UserId
from questlog_core.ports.identity import AuthUnitOfWork
from questlog_core.services.auth import AuthService, AuthSettings, Profile, read_profile


class ProfileViews:
    """Where cached profiles come from: the stored user, read in a unit of work of its own."""

    def __init__(self, uow: Callable[[], AuthUnitOfWork]) -> None:
        self._uow = uow

    async def get(self, user_id: UUID) -> Profile:
        return await read_profile(self._uow(), UserId(user_id))


def _jwks_authenticator(settings: Settings, denylist: Any, clock: SystemClock) -> Any:
    from adapters.security.jwks_auth import JwksAuthenticator

    return JwksAuthenticator(
        settings.jwks_url,
        revocations=denylist,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        clock=clock,
    )


def _smtp_sender(settings: Settings) -> Any:
    """``smtp://user:password@host:587`` (STARTTLS required) or ``smtps://...`` (implicit TLS)."""
    from urllib.parse import unquote, urlsplit

    from adapters.email.smtp import SmtpEmailSender

    url = urlsplit(settings.smtp_url)
    if url.scheme not in {"smtp", "smtps"} or not url.hostname:
        raise ValueError("QUESTLOG_SMTP_URL must look like smtp://user:password@host:587")
    implicit_tls = url.scheme == "smtps"
    return SmtpEmailSender(
        url.hostname,
        url.port or (465 if implicit_tls else 587),
        sender=settings.email_from,
        security="tls" if implicit_tls else "starttls",
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
    )


def _sendgrid_sender(settings: Settings, clients: OpenClients) -> Any:
    from adapters.email.sendgrid import SendGridEmailSender

    return clients.keep(
        SendGridEmailSender(api_key=settings.sendgrid_api_key, sender=settings.email_from)
    )


def device_cookie_key(signing_key: SigningKey) -> bytes:
    """The key that signs device cookies, derived from the token-signing key (so every auth
    instance sharing that key trusts the same devices, and rotating it untrusts them all)."""
    seed = signing_key.private_key.private_bytes_raw()
    return hmac.new(seed, b"questlog device cookies v1", hashlib.sha256).digest()


def totp_sealer(settings: Settings) -> AesGcmSealer:
    """What seals TOTP secrets at rest: AES-GCM with the key of ``QUESTLOG_TOTP_KEY_PATH``
    (made once, next to the token-signing key when the setting is empty)."""
    path = Path(
        settings.totp_key_path or Path(settings.jwt_private_key_path).parent / "totp-secrets.key"
    )
    return AesGcmSealer(key_in_file(path))


def _auth_settings(settings: Settings) -> AuthSettings:
    return AuthSettings(
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        access_token_ttl=timedelta(seconds=settings.access_token_ttl_seconds),
        refresh_token_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
        reset_link=settings.public_url.rstrip("/") + "/reset-password?token={token}",
    )


class IdentityPart(Platform):
    """Accounts, sign-in and token verification (see the module docstring)."""

    identity_store = providers.Singleton(InMemoryIdentityStore)
    #: the auth service's stored state, not through the profile cache
    auth_store_uow = providers.Selector(
        Platform.config.database_kind,
        memory=providers.Factory(InMemoryAuthUnitOfWork, store=identity_store),
        sql=providers.Factory(SqlAuthUnitOfWork, engine=Platform.engine, clock=Platform.clock),
    )
    #: GET the caller's profile: read-aside through the cache
    profile_reads = providers.Singleton(
        CachedProfiles,
        providers.Singleton(ProfileViews, auth_store_uow.provider),
        Platform.cache,
        Platform.ids,
        Profile,
    )
    #: every auth use case: committing a write to a user invalidates their cached profile
    auth_uow = providers.Factory(InvalidatingAuthUnitOfWork, auth_store_uow, profile_reads)
    password_hasher = providers.Singleton(
        BoundedPasswordHasher, providers.Singleton(Argon2PasswordHasher)
    )
    signing_key = providers.Singleton(
        load_signing_key,
        providers.Callable(Path, Platform.config.jwt_private_key_path),
        create_if_missing=True,
    )
    access_tokens = providers.Singleton(
        JwtAccessTokens,
        signing_key,
        issuer=Platform.config.jwt_issuer,
        audience=Platform.config.jwt_audience,
        clock=Platform.clock,
    )
    email_sender = providers.Selector(
        Platform.config.email,
        console=providers.Singleton(ConsoleEmailSender, sender=Platform.config.email_from),
        outbox=providers.Singleton(
            OutboxEmailSender, Platform.config.email_outbox_dir, sender=Platform.config.email_from
        ),
        smtp=providers.Singleton(_smtp_sender, Platform.settings),
        sendgrid=providers.Singleton(_sendgrid_sender, Platform.settings, Platform.open_clients),
    )
    auth_service = providers.Singleton(
        AuthService,
        uow=auth_uow.provider,
        hasher=password_hasher,
        tokens=access_tokens,
        revocations=Platform.token_denylist,
        limiter=Platform.rate_limiter,
        email=email_sender,
        clock=Platform.clock,
        ids=Platform.ids,
        settings=providers.Callable(_auth_settings, Platform.settings),
        device_key=providers.Callable(device_cookie_key, signing_key),
        sealer=providers.Singleton(totp_sealer, Platform.settings),
    )
    #: the HTTP client the external identity providers call through (tests stub its transport)
    oauth_http = providers.Singleton(oauth_http_client, Platform.open_clients)
    #: the external identity providers the settings configure, by name
    sign_in_providers = providers.Singleton(configured_providers, Platform.settings, oauth_http)
    #: signing in with Google, GitHub or an OIDC provider (same ports as ``auth_service``)
    external_sign_in = providers.Singleton(
        ExternalSignInUseCases,
        providers=sign_in_providers,
        pending=Platform.cache,
        callback_url=providers.Callable(callback_url, Platform.settings),
        uow=auth_uow.provider,
        hasher=password_hasher,
        tokens=access_tokens,
        revocations=Platform.token_denylist,
        limiter=Platform.rate_limiter,
        email=email_sender,
        clock=Platform.clock,
        ids=Platform.ids,
        settings=providers.Callable(_auth_settings, Platform.settings),
        device_key=providers.Callable(device_cookie_key, signing_key),
    )
    #: who verifies bearer tokens at the HTTP edge (see :func:`token_verification`)
    authenticator = providers.Selector(
        Platform.config.token_verification,
        local=auth_service,
        jwks=providers.Singleton(
            _jwks_authenticator, Platform.settings, Platform.token_denylist, Platform.clock
        ),
    )


__all__ = [
    "IdentityPart",
    "ProfileViews",
    "device_cookie_key",
    "token_verification",
    "totp_sealer",
]
