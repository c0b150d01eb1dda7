"""Steps for features/auth.feature: the auth use cases on in-memory adapters.

Steps are synchronous and drive the async use cases through one ``asyncio.Runner`` per
scenario (pytest-bdd never awaits an ``async def`` step).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from adapters.memory.clock import FixedClock, RandomIds
from adapters.memory.identity import InMemoryIdentityStore
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.memory.sessions import MemoryTokenDenylist
from adapters.security.hashing import Argon2PasswordHasher, BoundedPasswordHasher
from adapters.security.jwt_tokens import JwtAccessTokens, SigningKey
from questlog_core.errors import (
    AuthenticationFailed,
    DomainError,
    RateLimited,
    ValidationFailed,
)
from questlog_core.ports.platform import EmailMessage
from questlog_core.services.auth import AuthService, AuthSettings, SignedIn, TokenPair

scenarios("auth.feature")

T = TypeVar("T")


@dataclass
class Mailbox:
    sent: list[EmailMessage] = field(default_factory=list)

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


@dataclass
class AuthStage:
    runner: asyncio.Runner
    service: AuthService
    clock: FixedClock
    mailbox: Mailbox
    results: list[Any] = field(default_factory=list)
    pairs: list[TokenPair] = field(default_factory=list)
    error: DomainError | None = None
    passwords: dict[str, str] = field(default_factory=dict)
    device_cookie: str | None = None

    def run(self, work: Awaitable[T]) -> T:
        return self.runner.run(_wrap(work))

    def attempt(self, work: Awaitable[Any]) -> Any:
        """Run ``work``; keep its result, or the domain error it raised."""
        try:
            result = self.run(work)
        except DomainError as exc:
            self.error = exc
            self.results.append(exc)
            return exc
        self.error = None
        self.results.append(result)
        return result


async def _wrap(work: Awaitable[T]) -> T:
    return await work


@pytest.fixture
def stage() -> Iterator[AuthStage]:
    with asyncio.Runner() as runner:
        clock = FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
        settings = AuthSettings()
        store = InMemoryIdentityStore()
        mailbox = Mailbox()
        service = AuthService(
            uow=store.unit_of_work,
            hasher=BoundedPasswordHasher(
                # cheap test parameters: the production ones are tested in tests/unit/security
                Argon2PasswordHasher(
                    time_cost=1, memory_cost=1024, parallelism=1, allow_below_owasp=True
                )
            ),
            tokens=JwtAccessTokens(
                SigningKey.generate(),
                issuer=settings.issuer,
                audience=settings.audience,
                clock=clock,
            ),
            revocations=MemoryTokenDenylist(clock),
            limiter=MemoryRateLimiter(clock),
            email=mailbox,
            clock=clock,
            ids=RandomIds(),
            settings=settings,
        )
        yield AuthStage(runner=runner, service=service, clock=clock, mailbox=mailbox)


def _register(stage: AuthStage, email: str, password: str) -> Any:
    return stage.attempt(
        stage.service.register(email=email, password=password, display_name="Player")
    )


def _login(stage: AuthStage, email: str, password: str) -> Any:
    result = stage.attempt(stage.service.login(email=email, password=password))
    if isinstance(result, TokenPair):
        stage.pairs.append(result)
    return result


@given("the auth service is running")
def _running(stage: AuthStage) -> None:
    assert stage.service.jwks()["keys"]


@given(parsers.parse('"{email}" has an account with the password "{password}"'))
def _has_account(stage: AuthStage, email: str, password: str) -> None:
    _register(stage, email, password)
    stage.passwords[email] = password
    stage.results.clear()


@given(parsers.parse('"{email}" has signed in'))
def _has_signed_in(stage: AuthStage, email: str) -> None:
    _register(stage, email, "correct horse battery staple")
    assert isinstance(_login(stage, email, "correct horse battery staple"), TokenPair)
    stage.results.clear()


@when(parsers.parse('"{email}" registers with the password "{password}"'))
@when(parsers.parse('"{email}" tries to register with the password "{password}"'))
def _registers(stage: AuthStage, email: str, password: str) -> None:
    _register(stage, email, password)


@when(parsers.parse('"{email}" signs in with the password "{password}"'))
def _signs_in(stage: AuthStage, email: str, password: str) -> None:
    _login(stage, email, password)


@when(parsers.parse('someone signs in as "{email}" with "{password}"'))
def _someone_signs_in(stage: AuthStage, email: str, password: str) -> None:
    _login(stage, email, password)


@when("the session is refreshed")
def _refreshed(stage: AuthStage) -> None:
    pair = stage.run(stage.service.refresh(stage.pairs[-1].refresh_token))
    stage.pairs.append(pair)


@when("the previous refresh token is presented again")
def _replayed(stage: AuthStage) -> None:
    stage.attempt(stage.service.refresh(stage.pairs[-2].refresh_token))


@when(parsers.parse("{count:d} sign-ins with wrong passwords are tried within an hour"))
def _guesses(stage: AuthStage, count: int) -> None:
    for i in range(count):
        stage.clock.advance(timedelta(seconds=30))
        result = _login(stage, "ada@example.com", f"wrong guess number {i}")
        assert isinstance(result, AuthenticationFailed)


@given(parsers.parse('"{email}" signed in on her laptop before'))
def _laptop(stage: AuthStage, email: str) -> None:
    signed = stage.run(stage.service.sign_in(email=email, password=stage.passwords[email]))
    stage.device_cookie = signed.device_cookie


@then(parsers.parse('signing in on her laptop with "{password}" succeeds'))
def _laptop_signs_in(stage: AuthStage, password: str) -> None:
    signed = stage.attempt(
        stage.service.sign_in(
            email="ada@example.com", password=password, device_cookie=stage.device_cookie
        )
    )
    assert isinstance(signed, SignedIn), signed


@when(parsers.parse('"{email}" signs in {count:d} times within an hour with "{password}"'))
def _signs_in_often(stage: AuthStage, email: str, count: int, password: str) -> None:
    for _ in range(count):
        stage.clock.advance(timedelta(seconds=10))
        assert isinstance(_login(stage, email, password), TokenPair)


@when(parsers.parse('"{email}" resets the password to "{password}" from the emailed link'))
def _resets(stage: AuthStage, email: str, password: str) -> None:
    stage.run(stage.service.forgot_password(email=email))
    link = [m for m in stage.mailbox.sent if m.to == email][-1].text
    token = link.split("token=")[1].split()[0]
    stage.run(stage.service.reset_password(token=token, new_password=password))


@when("the player signs out")
def _signs_out(stage: AuthStage) -> None:
    principal = stage.run(stage.service.authenticate(stage.pairs[-1].access_token))
    stage.run(stage.service.logout(principal))


@then("the sign-in succeeds")
def _succeeds(stage: AuthStage) -> None:
    assert isinstance(stage.results[-1], TokenPair)


@then("the access token is accepted for 10 minutes")
def _accepted_for_10_minutes(stage: AuthStage) -> None:
    token = stage.pairs[-1].access_token
    stage.clock.advance(timedelta(minutes=9, seconds=59))
    assert stage.run(stage.service.authenticate(token))
    stage.clock.advance(timedelta(seconds=32))  # past exp plus the 30 s clock-skew leeway
    with pytest.raises(AuthenticationFailed):
        stage.run(stage.service.authenticate(token))


@then(parsers.parse('registration is refused because the password "{reason}"'))
def _refused_password(stage: AuthStage, reason: str) -> None:
    assert isinstance(stage.error, ValidationFailed)
    assert stage.error.reason == reason


@then("the answer is the same as for a new account")
def _same_as_new(stage: AuthStage) -> None:
    fresh = stage.run(
        stage.service.register(
            email="brand-new@example.com",
            password="correct horse battery staple",
            display_name="New",
        )
    )
    taken = stage.results[-1]
    assert type(taken) is type(fresh)
    assert taken.message == fresh.message
    assert set(msgspec_fields(taken)) == set(msgspec_fields(fresh))


def msgspec_fields(value: Any) -> tuple[str, ...]:
    return tuple(value.__struct_fields__)


@then(parsers.parse('"{email}" still signs in only with "{password}"'))
def _still_signs_in(stage: AuthStage, email: str, password: str) -> None:
    assert isinstance(_login(stage, email, password), TokenPair)
    assert isinstance(_login(stage, email, "another long passphrase"), AuthenticationFailed)


@then("both answers are identical")
def _identical(stage: AuthStage) -> None:
    unknown, wrong = stage.results[-2:]
    assert isinstance(unknown, AuthenticationFailed)
    assert type(unknown) is type(wrong)
    assert unknown.as_dict() == wrong.as_dict()


@then("it is refused")
def _refused(stage: AuthStage) -> None:
    assert isinstance(stage.error, AuthenticationFailed)


@then("the newest refresh token is refused too")
def _newest_refresh_refused(stage: AuthStage) -> None:
    with pytest.raises(AuthenticationFailed):
        stage.run(stage.service.refresh(stage.pairs[-1].refresh_token))


@then("the newest access token is refused")
@then("the access token is refused")
def _access_refused(stage: AuthStage) -> None:
    with pytest.raises(AuthenticationFailed):
        stage.run(stage.service.authenticate(stage.pairs[-1].access_token))


@then("the refresh token is refused")
def _refresh_refused(stage: AuthStage) -> None:
    with pytest.raises(AuthenticationFailed):
        stage.run(stage.service.refresh(stage.pairs[-1].refresh_token))


@then(parsers.parse('signing in with "{password}" is refused as too many attempts'))
def _locked(stage: AuthStage, password: str) -> None:
    assert isinstance(_login(stage, "ada@example.com", password), RateLimited)


@then(parsers.parse('"{email}" can sign in with "{password}"'))
def _can_sign_in(stage: AuthStage, email: str, password: str) -> None:
    assert isinstance(_login(stage, email, password), TokenPair)
