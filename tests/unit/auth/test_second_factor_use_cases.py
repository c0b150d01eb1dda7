"""The two-step sign-in use cases on in-memory adapters: events through the outbox, secrets
sealed at rest, a disabled account stopped at the second step, and a server without a sealing
key refusing to enrol."""

from __future__ import annotations

import base64
import os
from datetime import timedelta
from uuid import uuid4

import pytest

from adapters.memory.clock import RandomIds
from adapters.security.hashing import BoundedPasswordHasher
from adapters.security.sealing import AesGcmSealer
from questlog_core.errors import AuthenticationFailed, ServiceUnavailable
from questlog_core.identity.events import SecondFactorDisabled, SecondFactorEnabled
from questlog_core.identity.second_factor import hotp, secret_text, time_step
from questlog_core.identity.tokens import Principal
from questlog_core.identity.use_cases.second_factor import SecondFactorRequired
from questlog_core.ids import EventId
from questlog_core.services.auth import AuthService, AuthSettings, SignedIn

from .conftest import PASSWORD, AuthWorld

EMAIL = "ada@example.com"


def _service(world: AuthWorld, *, sealed: bool = True) -> AuthService:
    return AuthService(
        uow=world.store.unit_of_work,
        hasher=BoundedPasswordHasher(world.hasher, max_concurrent=4),
        tokens=world.tokens,
        revocations=world.revocations,
        limiter=world.limiter,
        email=world.mailbox,
        clock=world.clock,
        ids=RandomIds(),
        settings=AuthSettings(),
        sealer=AesGcmSealer(os.urandom(32)) if sealed else None,
    )


async def _signed_in(service: AuthService) -> Principal:
    await service.register(email=EMAIL, password=PASSWORD, display_name="Ada")
    signed = await service.sign_in(email=EMAIL, password=PASSWORD)
    assert isinstance(signed, SignedIn)
    return await service.authenticate(signed.tokens.access_token)


async def _turn_on(service: AuthService, world: AuthWorld, principal: Principal) -> bytes:
    enrolment = await service.enrol_totp(principal)
    secret = base64.b32decode(enrolment.secret + "=" * (-len(enrolment.secret) % 8))
    await service.confirm_totp(principal, code=hotp(secret, time_step(world.clock.now())))
    return secret


async def test_turning_it_on_and_off_is_announced_without_secrets(world: AuthWorld) -> None:
    service = _service(world)
    principal = await _signed_in(service)
    secret = await _turn_on(service, world, principal)
    await service.disable_totp(principal, password=PASSWORD)
    events = [e for e in world.store.outbox if "SecondFactor" in type(e).__name__]
    assert [type(e) for e in events] == [SecondFactorEnabled, SecondFactorDisabled]
    assert all(e.owner == principal.user_id and e.method == "totp" for e in events)
    assert secret_text(secret) not in repr(events)


async def test_the_secret_is_stored_sealed(world: AuthWorld) -> None:
    service = _service(world)
    principal = await _signed_in(service)
    secret = await _turn_on(service, world, principal)
    stored = world.store.second_factors.factors[principal.user_id]
    assert stored.sealed_secret.startswith("v1.")
    assert secret_text(secret) not in stored.sealed_secret
    assert secret.hex() not in stored.sealed_secret


async def test_a_disabled_account_cannot_finish_its_second_step(world: AuthWorld) -> None:
    service = _service(world)
    principal = await _signed_in(service)
    secret = await _turn_on(service, world, principal)
    waiting = await service.sign_in(email=EMAIL, password=PASSWORD)
    assert isinstance(waiting, SecondFactorRequired)
    async with world.store.unit_of_work() as uow:
        user = await uow.users.get(principal.user_id)
        user.disable(by=user.id, at=world.clock.now(), event_id=EventId(uuid4()), reason="")
        await uow.users.save(user)
        await uow.commit()
    world.clock.advance(timedelta(seconds=30))
    with pytest.raises(AuthenticationFailed):
        await service.complete_sign_in(
            challenge=waiting.challenge, code=hotp(secret, time_step(world.clock.now()))
        )


async def test_the_password_only_login_helper_refuses_a_two_step_account(
    world: AuthWorld,
) -> None:
    service = _service(world)
    principal = await _signed_in(service)
    await _turn_on(service, world, principal)
    with pytest.raises(AuthenticationFailed, match="second sign-in step"):
        await service.login(email=EMAIL, password=PASSWORD)


async def test_without_a_sealing_key_enrolling_is_refused(world: AuthWorld) -> None:
    service = _service(world, sealed=False)
    principal = await _signed_in(service)
    with pytest.raises(ServiceUnavailable, match="not configured"):
        await service.enrol_totp(principal)


async def test_an_operator_reset_turns_it_off_ends_sessions_and_is_announced(
    world: AuthWorld,
) -> None:
    from questlog_core.errors import PermissionDenied
    from questlog_core.identity.tokens import operator_principal

    service = _service(world)
    principal = await _signed_in(service)
    await _turn_on(service, world, principal)
    waiting = await service.sign_in(email=EMAIL, password=PASSWORD)
    assert isinstance(waiting, SecondFactorRequired)
    with pytest.raises(PermissionDenied):  # a user cannot reset anyone's, their own included
        await service.reset_second_factor(principal, principal.user_id)

    assert await service.reset_second_factor(operator_principal(), principal.user_id)

    events = [e for e in world.store.outbox if "SecondFactor" in type(e).__name__]
    assert [type(e) for e in events] == [SecondFactorEnabled, SecondFactorDisabled]
    assert isinstance(await service.sign_in(email=EMAIL, password=PASSWORD), SignedIn)
    assert not await service.reset_second_factor(operator_principal(), principal.user_id)
