"""The auth use cases end to end on the SQL unit of work (SQLite and PostgreSQL).

What a player notices: they register and sign in, refreshes rotate, a replayed refresh token
ends the session, logout and a password change end access tokens before they expire, a reset
link works once. Real argon2id (cheap test parameters), real EdDSA JWTs, in-process rate
limiter and mailbox; every row goes through :class:`SqlAuthUnitOfWork`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FixedClock, RandomIds
from adapters.memory.email import InMemoryEmailSender
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.memory.sessions import MemoryTokenDenylist
from adapters.security.hashing import Argon2PasswordHasher, BoundedPasswordHasher
from adapters.security.jwt_tokens import JwtAccessTokens, SigningKey
from adapters.sql.auth import SqlAuthUnitOfWork
from adapters.sql.tables import auth as auth_tables
from questlog_core.errors import AuthenticationFailed, NotFound, ValidationFailed
from questlog_core.events.identity import (
    PasswordChanged,
    RefreshTokenReuseDetected,
    UserRegistered,
)
from questlog_core.services.auth import AuthService, AuthSettings, TokenPair

from .conftest import sql_outbox_events

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
EMAIL = "ada@example.com"
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a different long passphrase"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """SQL adapters only (the memory adapter runs these flows in tests/unit/auth)."""
    return str(request.param)


@dataclass
class SqlAuthWorld:
    service: AuthService
    engine: AsyncEngine
    clock: FixedClock
    mailbox: InMemoryEmailSender

    async def outbox_types(self) -> list[type]:
        return [type(e) for e in await sql_outbox_events(self.engine, "auth")]

    async def count_users(self) -> int:
        async with self.engine.connect() as connection:
            query = select(func.count()).select_from(auth_tables.users)
            return int((await connection.execute(query)).scalar_one())


@pytest.fixture
def world(engine: AsyncEngine | None) -> SqlAuthWorld:
    assert engine is not None
    sql_engine = engine
    clock = FixedClock(START)
    settings = AuthSettings()
    mailbox = InMemoryEmailSender()
    # argon2id at test cost: the flows are the point here, not the hash's strength
    hasher = Argon2PasswordHasher(
        time_cost=1, memory_cost=1024, parallelism=1, allow_below_owasp=True
    )
    service = AuthService(
        uow=lambda: SqlAuthUnitOfWork(sql_engine, clock),
        hasher=BoundedPasswordHasher(hasher, max_concurrent=4),
        tokens=JwtAccessTokens(
            SigningKey.generate(), issuer=settings.issuer, audience=settings.audience, clock=clock
        ),
        revocations=MemoryTokenDenylist(clock),
        limiter=MemoryRateLimiter(clock),
        email=mailbox,
        clock=clock,
        ids=RandomIds(),
        settings=settings,
    )
    return SqlAuthWorld(service=service, engine=sql_engine, clock=clock, mailbox=mailbox)


async def signed_in(world: SqlAuthWorld, email: str = EMAIL) -> TokenPair:
    await world.service.register(email=email, password=PASSWORD, display_name="Ada")
    return await world.service.login(email=email, password=PASSWORD)


async def test_register_and_sign_in(world: SqlAuthWorld) -> None:
    pair = await signed_in(world)
    principal = await world.service.authenticate(pair.access_token)
    profile = await world.service.get_profile(principal)
    assert profile.email == EMAIL
    assert profile.roles == ("user",)
    assert await world.outbox_types() == [UserRegistered]
    with pytest.raises(AuthenticationFailed):
        await world.service.login(email=EMAIL, password="not the password at all")


async def test_registering_a_taken_address_answers_alike_and_keeps_one_account(
    world: SqlAuthWorld,
) -> None:
    first = await world.service.register(email=EMAIL, password=PASSWORD, display_name="Ada")
    again = await world.service.register(
        email="ADA@Example.com", password=NEW_PASSWORD, display_name="Mallory"
    )
    assert first == again
    assert await world.count_users() == 1
    assert "already has one" in world.mailbox.to(EMAIL)[-1].text
    with pytest.raises(AuthenticationFailed):
        await world.service.login(email=EMAIL, password=NEW_PASSWORD)


async def test_a_refresh_rotates_and_a_replay_revokes_the_session(world: SqlAuthWorld) -> None:
    first = await signed_in(world)
    world.clock.advance(timedelta(minutes=1))
    second = await world.service.refresh(first.refresh_token)
    assert second.session_id == first.session_id
    assert second.refresh_token != first.refresh_token
    await world.service.authenticate(second.access_token)

    with pytest.raises(AuthenticationFailed, match="reuse"):
        await world.service.refresh(first.refresh_token)
    # the whole family is gone: the rotated token and the session's access token too
    with pytest.raises(AuthenticationFailed):
        await world.service.refresh(second.refresh_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(second.access_token)
    assert RefreshTokenReuseDetected in await world.outbox_types()


async def test_two_concurrent_refreshes_with_one_token_one_wins(world: SqlAuthWorld) -> None:
    pair = await signed_in(world)
    outcomes = await asyncio.gather(
        world.service.refresh(pair.refresh_token),
        world.service.refresh(pair.refresh_token),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if isinstance(o, TokenPair)]
    losers = [o for o in outcomes if isinstance(o, AuthenticationFailed)]
    assert (len(winners), len(losers)) == (1, 1)
    # the loser presented a spent token: the session is revoked for both parties
    with pytest.raises(AuthenticationFailed):
        await world.service.refresh(winners[0].refresh_token)


async def test_logout_refuses_the_access_token_before_it_expires(world: SqlAuthWorld) -> None:
    pair = await signed_in(world)
    other_device = await world.service.login(email=EMAIL, password=PASSWORD)
    principal = await world.service.authenticate(pair.access_token)
    await world.service.logout(principal)
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(pair.access_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.refresh(pair.refresh_token)
    # only this session ended
    await world.service.authenticate(other_device.access_token)


async def test_a_password_change_ends_every_other_session(world: SqlAuthWorld) -> None:
    pair = await signed_in(world)
    other_device = await world.service.login(email=EMAIL, password=PASSWORD)
    world.clock.advance(timedelta(seconds=5))
    principal = await world.service.authenticate(pair.access_token)
    fresh = await world.service.change_password(
        principal, current_password=PASSWORD, new_password=NEW_PASSWORD
    )
    for stale in (pair.access_token, other_device.access_token):
        with pytest.raises(AuthenticationFailed):
            await world.service.authenticate(stale)
    with pytest.raises(AuthenticationFailed):
        await world.service.refresh(other_device.refresh_token)
    await world.service.authenticate(fresh.access_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.login(email=EMAIL, password=PASSWORD)
    await world.service.login(email=EMAIL, password=NEW_PASSWORD)
    assert PasswordChanged in await world.outbox_types()


async def test_a_reset_link_works_once(world: SqlAuthWorld) -> None:
    await signed_in(world)
    await world.service.forgot_password(email=EMAIL)
    link = world.mailbox.to(EMAIL)[-1].text
    token = link.split("token=")[1].split()[0]
    await world.service.reset_password(token=token, new_password=NEW_PASSWORD)
    with pytest.raises(ValidationFailed):
        await world.service.reset_password(token=token, new_password="yet another passphrase")
    await world.service.login(email=EMAIL, password=NEW_PASSWORD)


async def test_api_tokens_of_another_user_are_out_of_reach(world: SqlAuthWorld) -> None:
    ada = await world.service.authenticate((await signed_in(world)).access_token)
    grace = await world.service.authenticate(
        (await signed_in(world, "grace@example.com")).access_token
    )
    created = await world.service.create_api_token(ada, name="backup", scopes=["quests:read"])
    via_token = await world.service.authenticate(created.token)
    assert via_token.user_id == ada.user_id
    assert [t.id for t in await world.service.list_api_tokens(grace)] == []
    with pytest.raises(NotFound):
        await world.service.revoke_api_token(grace, created.info.id)
    await world.service.revoke_api_token(ada, created.info.id)
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(created.token)
