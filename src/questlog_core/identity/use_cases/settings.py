"""The figures of the auth rules (:class:`AuthSettings`), with the product's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


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
