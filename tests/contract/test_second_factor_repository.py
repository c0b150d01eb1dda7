"""Contract of the two-step sign-in repository (``uow.second_factors``) on memory, SQLite and
PostgreSQL: a pending factor never replaces a confirmed one, the replay guard and recovery
codes are compare-and-set (also under 20 concurrent callers), challenges count failures, and
nothing is kept unless committed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from questlog_core.identity.second_factor import (
    RecoveryCode,
    SecondFactor,
    SignInChallenge,
    hash_recovery_code,
)
from questlog_core.identity.tokens import hash_token
from questlog_core.ids import UserId

from .test_auth_repositories import AuthBackend

NOW = datetime(2025, 3, 3, 9, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def auth_backend(backend: str, engine: AsyncEngine | None) -> AuthBackend:
    return AuthBackend(backend, engine)


def pending(user: UserId, sealed: str = "v1.sealed") -> SecondFactor:
    return SecondFactor(user_id=user, sealed_secret=sealed, created_at=NOW)


async def confirmed_factor(backend: AuthBackend, step: int = 100) -> UserId:
    user = UserId(uuid4())
    async with backend.uow() as uow:
        assert await uow.second_factors.put_pending(pending(user))
        assert await uow.second_factors.confirm(user, NOW, step)
        await uow.commit()
    return user


async def test_a_pending_factor_is_replaced_but_a_confirmed_one_is_not(
    auth_backend: AuthBackend,
) -> None:
    user = UserId(uuid4())
    async with auth_backend.uow() as uow:
        assert await uow.second_factors.put_pending(pending(user, "v1.first"))
        assert await uow.second_factors.put_pending(pending(user, "v1.second"))
        await uow.commit()
    async with auth_backend.uow() as uow:
        factor = await uow.second_factors.get(user)
        assert factor is not None
        assert factor.sealed_secret == "v1.second"
        assert not factor.enabled
        assert await uow.second_factors.confirm(user, NOW, 7)
        assert not await uow.second_factors.confirm(user, NOW, 8)
        assert not await uow.second_factors.put_pending(pending(user, "v1.third"))
        await uow.commit()
    async with auth_backend.uow() as uow:
        factor = await uow.second_factors.get(user)
        assert factor is not None
        assert (factor.sealed_secret, factor.confirmed_at, factor.last_used_step) == (
            "v1.second",
            NOW,
            7,
        )


async def test_nothing_is_kept_without_a_commit(auth_backend: AuthBackend) -> None:
    user = UserId(uuid4())
    async with auth_backend.uow() as uow:
        assert await uow.second_factors.put_pending(pending(user))
    async with auth_backend.uow() as uow:
        assert await uow.second_factors.get(user) is None


async def test_the_replay_guard_only_moves_forward(auth_backend: AuthBackend) -> None:
    user = await confirmed_factor(auth_backend, step=100)
    async with auth_backend.uow() as uow:
        assert not await uow.second_factors.use_step(user, 100)
        assert not await uow.second_factors.use_step(user, 99)
        assert await uow.second_factors.use_step(user, 101)
        assert not await uow.second_factors.use_step(user, 101)
        assert not await uow.second_factors.use_step(UserId(uuid4()), 500)
        await uow.commit()


async def test_twenty_concurrent_uses_of_one_step_one_wins(auth_backend: AuthBackend) -> None:
    user = await confirmed_factor(auth_backend, step=100)
    gate = asyncio.Barrier(20) if auth_backend.kind == "postgres" else None

    async def sign_in() -> bool:
        async with auth_backend.uow() as uow:
            assert await uow.second_factors.get(user) is not None
            if gate is not None:
                await gate.wait()
            won = await uow.second_factors.use_step(user, 101)
            await uow.commit()
            return won

    results = await asyncio.gather(*(sign_in() for _ in range(20)))
    assert sorted(results) == [False] * 19 + [True]


async def test_recovery_codes_are_spent_once_and_only_by_their_account(
    auth_backend: AuthBackend,
) -> None:
    user = await confirmed_factor(auth_backend)
    other = await confirmed_factor(auth_backend)
    codes = [f"code{i}" for i in range(3)]
    async with auth_backend.uow() as uow:
        await uow.second_factors.replace_recovery_codes(
            [RecoveryCode(user, hash_recovery_code(user, c), NOW) for c in codes]
        )
        await uow.commit()
    first = hash_recovery_code(user, codes[0])
    async with auth_backend.uow() as uow:
        assert not await uow.second_factors.use_recovery_code(other, first, NOW)
        assert await uow.second_factors.use_recovery_code(user, first, NOW)
        assert not await uow.second_factors.use_recovery_code(user, first, NOW)
        assert await uow.second_factors.recovery_codes_left(user) == 2
        assert await uow.second_factors.recovery_codes_left(other) == 0
        await uow.commit()
    # new codes replace every old one
    async with auth_backend.uow() as uow:
        await uow.second_factors.replace_recovery_codes(
            [RecoveryCode(user, hash_recovery_code(user, "fresh"), NOW)]
        )
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.second_factors.recovery_codes_left(user) == 1
        second = hash_recovery_code(user, codes[1])
        assert not await uow.second_factors.use_recovery_code(user, second, NOW)


async def test_removing_the_factor_removes_its_recovery_codes(auth_backend: AuthBackend) -> None:
    user = await confirmed_factor(auth_backend)
    async with auth_backend.uow() as uow:
        await uow.second_factors.replace_recovery_codes(
            [RecoveryCode(user, hash_recovery_code(user, "one"), NOW)]
        )
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.second_factors.remove(user)
        assert not await uow.second_factors.remove(user)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.second_factors.get(user) is None
        assert await uow.second_factors.recovery_codes_left(user) == 0


async def test_a_challenge_counts_failures_and_is_spent_once(auth_backend: AuthBackend) -> None:
    user = UserId(uuid4())
    token_hash = hash_token("qlc_test")
    challenge = SignInChallenge(
        token_hash=token_hash, user_id=user, created_at=NOW, expires_at=NOW + timedelta(minutes=5)
    )
    async with auth_backend.uow() as uow:
        await uow.second_factors.add_challenge(challenge)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.second_factors.challenge(token_hash) == challenge
        assert await uow.second_factors.fail_challenge(token_hash) == 1
        assert await uow.second_factors.fail_challenge(token_hash) == 2
        assert await uow.second_factors.fail_challenge(hash_token("qlc_unknown")) == 0
        assert await uow.second_factors.spend_challenge(token_hash, NOW)
        assert not await uow.second_factors.spend_challenge(token_hash, NOW)
        await uow.commit()
    async with auth_backend.uow() as uow:
        stored = await uow.second_factors.challenge(token_hash)
        assert stored is not None
        assert (stored.failures, stored.used_at) == (2, NOW)
        assert not stored.is_usable(NOW)
        assert await uow.second_factors.challenge(hash_token("qlc_unknown")) is None


async def test_finished_challenges_are_forgotten_and_live_ones_kept(
    auth_backend: AuthBackend,
) -> None:
    user, other = UserId(uuid4()), UserId(uuid4())
    later = NOW + timedelta(minutes=10)

    def challenge(name: str, owner: UserId, *, expires: datetime) -> SignInChallenge:
        return SignInChallenge(
            token_hash=hash_token(name), user_id=owner, created_at=NOW, expires_at=expires
        )

    async with auth_backend.uow() as uow:
        await uow.second_factors.add_challenge(challenge("expired", user, expires=NOW))
        await uow.second_factors.add_challenge(
            challenge("used", user, expires=later + timedelta(hours=1))
        )
        await uow.second_factors.add_challenge(
            challenge("live", user, expires=later + timedelta(hours=1))
        )
        await uow.second_factors.add_challenge(challenge("theirs", other, expires=NOW))
        assert await uow.second_factors.spend_challenge(hash_token("used"), NOW)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.second_factors.forget_challenges(user, ended_before=later) == 2
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.second_factors.challenge(hash_token("expired")) is None
        assert await uow.second_factors.challenge(hash_token("used")) is None
        assert await uow.second_factors.challenge(hash_token("live")) is not None
        assert await uow.second_factors.challenge(hash_token("theirs")) is not None
