"""Lockout that an attacker cannot turn against the owner (OWASP device cookies).

Only failed sign-ins spend a budget; a device the owner signed in on before keeps its own
budget, whatever happens elsewhere; a device that fails too often is locked itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import uuid4

import pytest

from questlog_core.errors import AuthenticationFailed, RateLimited
from questlog_core.identity.devices import DeviceCookies
from questlog_core.services.auth import SignedIn

from .conftest import PASSWORD, START, AuthWorld

EMAIL = "ada@example.com"
WRONG = "wrong guess of a password"


async def owner_device(world: AuthWorld) -> SignedIn:
    """Ada registers and signs in once on her laptop, which keeps the device cookie."""
    await world.service.register(email=EMAIL, password=PASSWORD, display_name="Ada")
    return await world.service.sign_in(email=EMAIL, password=PASSWORD)


async def guess(
    world: AuthWorld, times: int, *, ip: str | None = None, cookie: str | None = None
) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            await world.service.sign_in(email=EMAIL, password=WRONG, ip=ip, device_cookie=cookie)


async def test_an_attackers_failures_do_not_lock_out_the_owners_trusted_device(
    world: AuthWorld,
) -> None:
    laptop = await owner_device(world)
    for i in range(150):  # from 150 addresses, more than the account's budget of 100
        with pytest.raises((AuthenticationFailed, RateLimited)):
            await world.service.sign_in(email=EMAIL, password=WRONG, ip=f"198.51.100.{i}")
    # the account's shared budget is spent: an untrusted sign-in is refused, even when right
    with pytest.raises(RateLimited):
        await world.service.sign_in(email=EMAIL, password=PASSWORD, ip="192.0.2.1")
    # the owner's laptop still gets in with the right password
    again = await world.service.sign_in(
        email=EMAIL, password=PASSWORD, ip="192.0.2.1", device_cookie=laptop.device_cookie
    )
    assert again.tokens.access_token
    assert again.device_cookie != laptop.device_cookie  # each sign-in issues a fresh cookie


async def test_successful_sign_ins_spend_no_budget(world: AuthWorld) -> None:
    await owner_device(world)
    for _ in range(world.service.settings.login_attempts_per_account + 20):
        await world.service.sign_in(email=EMAIL, password=PASSWORD, ip="192.0.2.1")
    # the whole budget is still there: 100 failures are needed to lock the account
    await guess(world, 99, ip="192.0.2.1")
    assert await world.service.sign_in(email=EMAIL, password=PASSWORD, ip="192.0.2.1")


async def test_successful_trusted_sign_ins_spend_no_device_budget(world: AuthWorld) -> None:
    cookie = (await owner_device(world)).device_cookie
    for _ in range(world.service.settings.login_failures_per_device + 5):
        await world.service.sign_in(email=EMAIL, password=PASSWORD, device_cookie=cookie)
    assert await world.service.sign_in(email=EMAIL, password=PASSWORD, device_cookie=cookie)


async def test_a_device_that_fails_too_often_is_locked_itself(world: AuthWorld) -> None:
    laptop = (await owner_device(world)).device_cookie
    phone = (await world.service.sign_in(email=EMAIL, password=PASSWORD)).device_cookie
    await guess(world, world.service.settings.login_failures_per_device, cookie=laptop)
    with pytest.raises(RateLimited) as locked:
        await world.service.sign_in(email=EMAIL, password=PASSWORD, device_cookie=laptop)
    assert 0 < locked.value.retry_after_seconds <= 3600
    # the other device and untrusted sign-ins are not affected by the laptop's failures
    assert await world.service.sign_in(email=EMAIL, password=PASSWORD, device_cookie=phone)
    assert await world.service.sign_in(email=EMAIL, password=PASSWORD)
    world.clock.advance(timedelta(hours=1, seconds=1))
    assert await world.service.sign_in(email=EMAIL, password=PASSWORD, device_cookie=laptop)


async def test_a_device_cookie_of_another_account_is_not_trusted(world: AuthWorld) -> None:
    await owner_device(world)
    await world.service.register(email="eve@example.com", password=PASSWORD, display_name="Eve")
    eves = await world.service.sign_in(email="eve@example.com", password=PASSWORD)
    await guess(world, 100)
    with pytest.raises(RateLimited):  # Eve's cookie does not open Ada's locked account
        await world.service.sign_in(
            email=EMAIL, password=PASSWORD, device_cookie=eves.device_cookie
        )


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),  # forged signature
        lambda c: c.replace("d1.", "d2.", 1),  # another format
        lambda c: "",
        lambda c: "not-a-cookie",
        lambda c: c + "." + "x" * 300,
    ],
)
async def test_a_forged_or_malformed_device_cookie_is_not_trusted(
    world: AuthWorld, tamper: Callable[[str], str]
) -> None:
    cookie = (await owner_device(world)).device_cookie
    await guess(world, 100)
    with pytest.raises(RateLimited):
        await world.service.sign_in(email=EMAIL, password=PASSWORD, device_cookie=tamper(cookie))


def test_a_device_cookie_names_its_user_and_expires() -> None:
    cookies = DeviceCookies(b"k" * 32, max_age=timedelta(days=30))
    user = uuid4()
    value = cookies.issue(user, START)
    device = cookies.verify(value, START + timedelta(days=29))
    assert device is not None
    assert device.user_id == user
    assert cookies.verify(value, START + timedelta(days=31)) is None
    assert DeviceCookies(b"x" * 32).verify(value, START) is None  # another key
    with pytest.raises(ValueError, match="32 bytes"):
        DeviceCookies(b"short")


async def test_a_wrong_current_password_counts_but_a_right_one_does_not(world: AuthWorld) -> None:
    pair = (await owner_device(world)).tokens
    principal = await world.service.authenticate(pair.access_token)
    fresh = await world.service.change_password(
        principal, current_password=PASSWORD, new_password="a brand new passphrase"
    )
    assert fresh.access_token
    # no budget spent by the right password: 100 failures still needed
    for _ in range(99):
        with pytest.raises(AuthenticationFailed):
            await world.service.sign_in(email=EMAIL, password=WRONG)
    assert await world.service.sign_in(email=EMAIL, password="a brand new passphrase")
