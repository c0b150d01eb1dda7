"""The auth use cases, each rule with its figure, on in-memory adapters."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import uuid4

import pytest

from questlog_core.errors import (
    AlreadyExists,
    AuthenticationFailed,
    ConcurrencyConflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from questlog_core.events.identity import (
    PasswordChanged,
    RefreshTokenReuseDetected,
    RoleGranted,
    UserDisabled,
    UserRegistered,
)
from questlog_core.identity import Permission, PrincipalKind, Role
from questlog_core.identity.tokens import OPERATOR_ID, operator_principal
from questlog_core.services.auth import RegistrationReceipt, TokenPair

from .conftest import PASSWORD, AuthWorld, CountingHasher

EMAIL = "ada@example.com"


async def register(world: AuthWorld, email: str = EMAIL, password: str = PASSWORD) -> None:
    await world.service.register(email=email, password=password, display_name="Ada")


async def signed_in(world: AuthWorld, email: str = EMAIL, password: str = PASSWORD) -> TokenPair:
    await register(world, email, password)
    return await world.service.login(email=email, password=password)


async def make_admin(world: AuthWorld, email: str = "root@example.com") -> TokenPair:
    await signed_in(world, email)
    await world.service.make_admin(email)
    return await world.service.login(email=email, password=PASSWORD)


def reset_token_from(world: AuthWorld, address: str) -> str:
    text = world.mailbox.to(address)[-1].text
    return text.split("token=")[1].split()[0]


# -- registration and sign-in --------------------------------------------------------------


async def test_a_registered_player_signs_in_and_is_recognised(world: AuthWorld) -> None:
    pair = await signed_in(world)
    principal = await world.service.authenticate(pair.access_token)
    profile = await world.service.get_profile(principal)
    assert profile.email == EMAIL
    assert profile.roles == ("user",)
    assert principal.has(Permission.QUESTS_WRITE)
    assert not principal.has(Permission.USERS_MANAGE)
    assert pair.expires_in == 600
    assert isinstance(world.store.outbox[0], UserRegistered)


async def test_email_is_normalised_for_sign_in(world: AuthWorld) -> None:
    await register(world, "  Ada@Example.COM ")
    pair = await world.service.login(email="ada@example.com", password=PASSWORD)
    assert pair.access_token


async def test_registering_a_taken_address_looks_exactly_like_success(world: AuthWorld) -> None:
    first = await world.service.register(email=EMAIL, password=PASSWORD, display_name="Ada")
    again = await world.service.register(
        email="ADA@example.com", password="another long passphrase", display_name="Mallory"
    )
    assert first == again
    assert isinstance(again, RegistrationReceipt)
    assert len(world.store.users) == 1
    # the owner hears about it; the original password still works, the new one does not
    assert "already has one" in world.mailbox.to(EMAIL)[-1].text
    await world.service.login(email=EMAIL, password=PASSWORD)
    with pytest.raises(AuthenticationFailed):
        await world.service.login(email=EMAIL, password="another long passphrase")


async def test_unknown_email_and_wrong_password_fail_identically(world: AuthWorld) -> None:
    await register(world)
    with pytest.raises(AuthenticationFailed) as unknown:
        await world.service.login(email="nobody@example.com", password=PASSWORD)
    with pytest.raises(AuthenticationFailed) as wrong:
        await world.service.login(email=EMAIL, password="not the password at all")
    assert unknown.value.as_dict() == wrong.value.as_dict()
    assert type(unknown.value) is type(wrong.value)


async def test_an_unknown_email_costs_one_argon2_verification_like_a_known_one(
    world: AuthWorld,
) -> None:
    await register(world)
    world.hasher.verified.clear()
    with pytest.raises(AuthenticationFailed):
        await world.service.login(email="nobody@example.com", password=PASSWORD)
    with pytest.raises(AuthenticationFailed):
        await world.service.login(email=EMAIL, password="not the password at all")
    assert len(world.hasher.verified) == 2
    dummy, real = world.hasher.verified
    assert dummy.startswith("$argon2id$")
    assert dummy != real
    assert dummy.split("$")[3] == real.split("$")[3]  # same cost parameters


async def test_a_disabled_account_fails_like_a_wrong_password(world: AuthWorld) -> None:
    admin = await world.service.authenticate((await make_admin(world)).access_token)
    await register(world)
    user = next(u for u in world.store.users.values() if u.email == EMAIL)
    await world.service.disable_user(admin, user.id)
    with pytest.raises(AuthenticationFailed) as disabled:
        await world.service.login(email=EMAIL, password=PASSWORD)
    with pytest.raises(AuthenticationFailed) as wrong:
        await world.service.login(email=EMAIL, password="not the password at all")
    assert disabled.value.as_dict() == wrong.value.as_dict()


# -- password policy at the use cases -----------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password123", "common"),
        ("Qwerty123!", "common"),
        ("seven77", "at least 8"),
        ("x" * 129, "at most 128"),
        (EMAIL, "email"),
    ],
)
async def test_weak_passwords_are_refused_at_registration(
    world: AuthWorld, password: str, reason: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await world.service.register(email=EMAIL, password=password, display_name="Ada")
    assert refused.value.field == "password"
    assert reason in refused.value.reason
    assert world.store.users == {}


async def test_a_128_character_passphrase_is_accepted_whole(world: AuthWorld) -> None:
    long = "ü" * 64 + "correct horse " * 4 + "x" * 8
    assert len(long) == 128
    await signed_in(world, password=long)


async def test_passwords_are_never_truncated(world: AuthWorld) -> None:
    # bcrypt would see these two as the same password: they share their first 72 bytes
    shared = "a-long-shared-prefix-" * 4
    assert len(shared.encode()) >= 72
    await register(world, password=shared + "one")
    with pytest.raises(AuthenticationFailed):
        await world.service.login(email=EMAIL, password=shared + "two")
    await world.service.login(email=EMAIL, password=shared + "one")


async def test_sign_in_upgrades_a_hash_made_with_old_parameters(world: AuthWorld) -> None:
    await register(world)
    old_hash = next(iter(world.store.users.values())).password_hash
    stronger = world.with_hasher(CountingHasher(time_cost=2))
    await stronger.login(email=EMAIL, password=PASSWORD)
    new_hash = next(iter(world.store.users.values())).password_hash
    assert new_hash != old_hash
    assert "t=2" in new_hash
    assert not CountingHasher(time_cost=2).needs_rehash(new_hash)
    await stronger.login(email=EMAIL, password=PASSWORD)  # the upgraded hash verifies


# -- brute force ----------------------------------------------------------------------------


async def test_100_failed_sign_ins_an_hour_lock_the_account_even_for_the_right_password(
    world: AuthWorld,
) -> None:
    await register(world)
    for _ in range(100):
        with pytest.raises(AuthenticationFailed):
            await world.service.login(email=EMAIL, password="wrong guess of a password")
    with pytest.raises(RateLimited) as locked:
        await world.service.login(email=EMAIL, password=PASSWORD)
    assert 0 < locked.value.retry_after_seconds <= 3600
    world.clock.advance(timedelta(hours=1, seconds=1))
    assert await world.service.login(email=EMAIL, password=PASSWORD)


async def test_the_lock_is_per_account_not_per_ip(world: AuthWorld) -> None:
    await register(world)
    await register(world, "grace@example.com")
    for i in range(100):
        with pytest.raises(AuthenticationFailed):
            await world.service.login(email=EMAIL, password="wrong guess", ip=f"10.0.{i}.1")
    with pytest.raises(RateLimited):
        await world.service.login(email=EMAIL, password=PASSWORD, ip="192.0.2.7")
    assert await world.service.login(email="grace@example.com", password=PASSWORD)


async def test_unknown_addresses_lock_just_like_real_ones(world: AuthWorld) -> None:
    for _ in range(100):
        with pytest.raises(AuthenticationFailed):
            await world.service.login(email="nobody@example.com", password="wrong guess")
    with pytest.raises(RateLimited):
        await world.service.login(email="nobody@example.com", password="wrong guess")


async def test_one_ip_is_throttled_at_300_attempts_per_15_minutes(world: AuthWorld) -> None:
    for i in range(300):
        with pytest.raises(AuthenticationFailed):
            await world.service.login(email=f"u{i}@example.com", password="x" * 9, ip="203.0.113.9")
    with pytest.raises(RateLimited):
        await world.service.login(email="fresh@example.com", password="x" * 9, ip="203.0.113.9")
    with pytest.raises(AuthenticationFailed):  # another IP is not affected
        await world.service.login(email="fresh@example.com", password="x" * 9, ip="203.0.113.10")


async def test_a_locked_account_can_still_reset_its_password_and_sign_in(
    world: AuthWorld,
) -> None:
    await register(world)
    for _ in range(100):
        with pytest.raises(AuthenticationFailed):
            await world.service.login(email=EMAIL, password="wrong guess of a password")
    await world.service.forgot_password(email=EMAIL)
    await world.service.reset_password(
        token=reset_token_from(world, EMAIL), new_password="a brand new passphrase"
    )
    assert await world.service.login(email=EMAIL, password="a brand new passphrase")


# -- refresh tokens ---------------------------------------------------------------------------


async def test_refresh_rotates_the_refresh_token(world: AuthWorld) -> None:
    first = await signed_in(world)
    second = await world.service.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.session_id == first.session_id
    assert (await world.service.authenticate(second.access_token)).session_id == first.session_id
    assert len(first.refresh_token) >= 4 + 43  # prefix + 256 bits in base64url


async def test_reusing_a_refresh_token_revokes_the_whole_family(world: AuthWorld) -> None:
    first = await signed_in(world)
    second = await world.service.refresh(first.refresh_token)
    with pytest.raises(AuthenticationFailed, match="reuse"):
        await world.service.refresh(first.refresh_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.refresh(second.refresh_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(second.access_token)
    assert any(isinstance(e, RefreshTokenReuseDetected) for e in world.store.outbox)


async def test_reuse_in_one_session_leaves_other_sessions_alone(world: AuthWorld) -> None:
    phone = await signed_in(world)
    laptop = await world.service.login(email=EMAIL, password=PASSWORD)
    await world.service.refresh(phone.refresh_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.refresh(phone.refresh_token)
    assert await world.service.refresh(laptop.refresh_token)


async def test_two_concurrent_refreshes_with_one_token_exactly_one_wins(
    world: AuthWorld,
) -> None:
    pair = await signed_in(world)
    results = await asyncio.gather(
        world.service.refresh(pair.refresh_token),
        world.service.refresh(pair.refresh_token),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, TokenPair)]
    losers = [r for r in results if isinstance(r, AuthenticationFailed)]
    assert len(winners) == 1
    assert len(losers) == 1


async def test_a_session_has_an_absolute_lifetime_of_30_days(world: AuthWorld) -> None:
    pair = await signed_in(world)
    for _ in range(2):  # refreshing every 13 days keeps each refresh token fresh...
        world.clock.advance(timedelta(days=13))
        pair = await world.service.refresh(pair.refresh_token)
    assert pair.refresh_expires_at <= world.clock.now() + timedelta(days=4)
    world.clock.advance(timedelta(days=4, seconds=1))  # ...but not past day 30
    with pytest.raises(AuthenticationFailed, match="expired"):
        await world.service.refresh(pair.refresh_token)


async def test_an_unused_refresh_token_expires_after_14_days(world: AuthWorld) -> None:
    pair = await signed_in(world)
    world.clock.advance(timedelta(days=14))
    with pytest.raises(AuthenticationFailed, match="expired"):
        await world.service.refresh(pair.refresh_token)


async def test_tokens_of_one_kind_are_never_accepted_as_another(world: AuthWorld) -> None:
    pair = await signed_in(world)
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(pair.refresh_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.refresh(pair.access_token)


async def test_a_validly_signed_jwt_that_is_not_an_access_token_is_refused(
    world: AuthWorld,
) -> None:
    pair = await signed_in(world)
    claims = world.tokens.verify(pair.access_token)
    forged = world.tokens.issue({**claims, "token_use": "refresh"})
    with pytest.raises(AuthenticationFailed, match="not an access token"):
        await world.service.authenticate(forged)


async def test_an_access_token_expires_after_10_minutes(world: AuthWorld) -> None:
    pair = await signed_in(world)
    world.clock.advance(timedelta(minutes=10, seconds=31))  # past exp and the 30 s leeway
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(pair.access_token)


# -- revocation -------------------------------------------------------------------------------


async def test_logout_revokes_the_access_token_and_the_session_at_once(world: AuthWorld) -> None:
    pair = await signed_in(world)
    principal = await world.service.authenticate(pair.access_token)
    await world.service.logout(principal)
    with pytest.raises(AuthenticationFailed, match="revoked"):
        await world.service.authenticate(pair.access_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.refresh(pair.refresh_token)


async def test_logout_everywhere_ends_every_session(world: AuthWorld) -> None:
    phone = await signed_in(world)
    laptop = await world.service.login(email=EMAIL, password=PASSWORD)
    await world.service.logout_everywhere(await world.service.authenticate(laptop.access_token))
    for pair in (phone, laptop):
        with pytest.raises(AuthenticationFailed):
            await world.service.authenticate(pair.access_token)


async def test_changing_the_password_revokes_outstanding_access_tokens(world: AuthWorld) -> None:
    phone = await signed_in(world)
    laptop = await world.service.login(email=EMAIL, password=PASSWORD)
    principal = await world.service.authenticate(laptop.access_token)
    fresh = await world.service.change_password(
        principal, current_password=PASSWORD, new_password="a brand new passphrase"
    )
    for old in (phone, laptop):
        with pytest.raises(AuthenticationFailed):
            await world.service.authenticate(old.access_token)
        with pytest.raises(AuthenticationFailed):
            await world.service.refresh(old.refresh_token)
    assert await world.service.authenticate(fresh.access_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.login(email=EMAIL, password=PASSWORD)
    await world.service.login(email=EMAIL, password="a brand new passphrase")
    assert any(isinstance(e, PasswordChanged) for e in world.store.outbox)
    assert "password was changed" in world.mailbox.to(EMAIL)[-1].text


async def test_tokens_issued_before_the_users_line_are_refused(world: AuthWorld) -> None:
    pair = await signed_in(world)
    principal = await world.service.authenticate(pair.access_token)
    world.clock.advance(timedelta(seconds=5))
    now = world.clock.now()
    # What every "sign out everywhere" kind of revocation publishes (no table is read).
    await world.revocations.revoke_subject(
        str(principal.user_id), issued_before=now, until=now + timedelta(minutes=15)
    )
    with pytest.raises(AuthenticationFailed, match="revoked"):
        await world.service.authenticate(pair.access_token)
    world.clock.advance(timedelta(seconds=1))
    assert await world.service.authenticate(
        (await world.service.refresh(pair.refresh_token)).access_token
    )


async def test_a_wrong_current_password_changes_nothing(world: AuthWorld) -> None:
    pair = await signed_in(world)
    principal = await world.service.authenticate(pair.access_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.change_password(
            principal, current_password="not my password", new_password="a brand new passphrase"
        )
    assert await world.service.authenticate(pair.access_token)
    await world.service.login(email=EMAIL, password=PASSWORD)


# -- password reset -----------------------------------------------------------------------------


async def test_forgot_password_answers_the_same_for_unknown_addresses(world: AuthWorld) -> None:
    await register(world)
    sent_before = len(world.mailbox.sent)
    assert await world.service.forgot_password(email="nobody@example.com") is None
    assert len(world.mailbox.sent) == sent_before
    assert await world.service.forgot_password(email=EMAIL) is None
    assert "reset-password?token=qlx_" in world.mailbox.to(EMAIL)[-1].text


async def test_a_reset_token_works_once(world: AuthWorld) -> None:
    pair = await signed_in(world)
    await world.service.forgot_password(email=EMAIL)
    token = reset_token_from(world, EMAIL)
    assert len(token) >= 4 + 43  # 256 bits
    await world.service.reset_password(token=token, new_password="a brand new passphrase")
    with pytest.raises(ValidationFailed, match="invalid or has expired"):
        await world.service.reset_password(token=token, new_password="yet another passphrase")
    with pytest.raises(AuthenticationFailed):  # the reset signed every device out
        await world.service.authenticate(pair.access_token)
    await world.service.login(email=EMAIL, password="a brand new passphrase")


async def test_a_reset_token_expires_after_30_minutes(world: AuthWorld) -> None:
    await register(world)
    await world.service.forgot_password(email=EMAIL)
    world.clock.advance(timedelta(minutes=30))
    with pytest.raises(ValidationFailed):
        await world.service.reset_password(
            token=reset_token_from(world, EMAIL), new_password="a brand new passphrase"
        )


async def test_a_weak_new_password_does_not_burn_the_reset_token(world: AuthWorld) -> None:
    await register(world)
    await world.service.forgot_password(email=EMAIL)
    token = reset_token_from(world, EMAIL)
    with pytest.raises(ValidationFailed, match="common"):
        await world.service.reset_password(token=token, new_password="password1")
    await world.service.reset_password(token=token, new_password="a brand new passphrase")


async def test_reset_emails_are_capped_at_5_per_address_an_hour(world: AuthWorld) -> None:
    await register(world)
    before = len(world.mailbox.to(EMAIL))
    for _ in range(7):
        assert await world.service.forgot_password(email=EMAIL) is None
    assert len(world.mailbox.to(EMAIL)) - before == 5


async def test_reset_tokens_are_stored_hashed(world: AuthWorld) -> None:
    await register(world)
    await world.service.forgot_password(email=EMAIL)
    token = reset_token_from(world, EMAIL)
    assert token not in world.store.reset_tokens
    assert all(len(h) == 64 for h in world.store.reset_tokens)


# -- sessions, profile, API tokens ----------------------------------------------------------------


async def test_sessions_are_listed_and_one_can_be_signed_out(world: AuthWorld) -> None:
    phone = await signed_in(world)
    laptop = await world.service.login(email=EMAIL, password=PASSWORD, user_agent="Firefox")
    me = await world.service.authenticate(laptop.access_token)
    sessions = {s.id: s for s in await world.service.list_sessions(me)}
    assert set(sessions) == {phone.session_id, laptop.session_id}
    assert sessions[laptop.session_id].current
    assert not sessions[phone.session_id].current
    assert sessions[laptop.session_id].user_agent == "Firefox"
    await world.service.revoke_session(me, phone.session_id)
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(phone.access_token)
    assert [s.id for s in await world.service.list_sessions(me)] == [laptop.session_id]


async def test_another_users_session_is_not_found(world: AuthWorld) -> None:
    ada = await signed_in(world)
    grace = await signed_in(world, "grace@example.com")
    grace_principal = await world.service.authenticate(grace.access_token)
    with pytest.raises(NotFound):
        await world.service.revoke_session(grace_principal, ada.session_id)
    assert await world.service.authenticate(ada.access_token)


async def test_profile_updates_check_the_time_zone_and_the_version(world: AuthWorld) -> None:
    me = await world.service.authenticate((await signed_in(world)).access_token)
    profile = await world.service.update_profile(
        me, timezone="Europe/Berlin", day_start_hour=4, expected_version=0
    )
    assert (profile.timezone, profile.day_start_hour, profile.version) == ("Europe/Berlin", 4, 1)
    with pytest.raises(ValidationFailed):
        await world.service.update_profile(me, timezone="Mars/Olympus_Mons")
    with pytest.raises(ConcurrencyConflict):
        await world.service.update_profile(me, display_name="Countess", expected_version=0)
    assert (await world.service.get_profile(me)).display_name == "Ada"


async def test_a_personal_api_token_acts_within_its_scopes(world: AuthWorld) -> None:
    me = await world.service.authenticate((await signed_in(world)).access_token)
    created = await world.service.create_api_token(
        me, name="cli", scopes=["quests:read"], expires_in=timedelta(days=30)
    )
    assert created.token.startswith("qlp_")
    as_token = await world.service.authenticate(created.token)
    assert as_token.kind is PrincipalKind.API_TOKEN
    assert as_token.permissions == {Permission.QUESTS_READ}
    with pytest.raises(PermissionDenied):
        as_token.require(Permission.QUESTS_WRITE)
    # A token cannot mint tokens, whatever its scopes (that it lacks ``api-tokens:manage`` is
    # refused before this, at the route: tests/api/test_route_permissions.py).
    with pytest.raises(AuthenticationFailed, match="sign in with your password"):
        await world.service.create_api_token(as_token, name="x", scopes=["quests:read"])
    listed = await world.service.list_api_tokens(me)
    assert [t.name for t in listed] == ["cli"]
    assert created.token not in repr(listed)
    await world.service.revoke_api_token(me, created.info.id)
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(created.token)


async def test_a_token_scoped_to_manage_tokens_still_cannot_mint_one(world: AuthWorld) -> None:
    me = await world.service.authenticate((await signed_in(world)).access_token)
    created = await world.service.create_api_token(me, name="ops", scopes=["api-tokens:manage"])
    as_token = await world.service.authenticate(created.token)
    assert as_token.permissions == {Permission.API_TOKENS_MANAGE}
    with pytest.raises(AuthenticationFailed, match="sign in with your password"):
        await world.service.create_api_token(as_token, name="x", scopes=["api-tokens:manage"])


async def test_api_token_scopes_must_be_held_and_known(world: AuthWorld) -> None:
    me = await world.service.authenticate((await signed_in(world)).access_token)
    with pytest.raises(ValidationFailed, match="users:manage"):
        await world.service.create_api_token(me, name="x", scopes=["users:manage"])
    with pytest.raises(ValidationFailed):
        await world.service.create_api_token(me, name="x", scopes=["everything"])
    with pytest.raises(ValidationFailed):
        await world.service.create_api_token(
            me, name="x", scopes=["quests:read"], expires_in=timedelta(days=366)
        )


async def test_api_tokens_expire(world: AuthWorld) -> None:
    me = await world.service.authenticate((await signed_in(world)).access_token)
    created = await world.service.create_api_token(me, name="cli", scopes=["quests:read"])
    world.clock.advance(timedelta(days=90))
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(created.token)


async def test_another_users_api_token_is_not_found(world: AuthWorld) -> None:
    ada = await world.service.authenticate((await signed_in(world)).access_token)
    grace = await world.service.authenticate(
        (await signed_in(world, "grace@example.com")).access_token
    )
    created = await world.service.create_api_token(ada, name="cli", scopes=["quests:read"])
    with pytest.raises(NotFound):
        await world.service.revoke_api_token(grace, created.info.id)
    assert await world.service.authenticate(created.token)


# -- administration ------------------------------------------------------------------------------


async def test_an_admin_grants_and_revokes_roles(world: AuthWorld) -> None:
    admin = await world.service.authenticate((await make_admin(world)).access_token)
    pair = await signed_in(world)
    target = await world.service.authenticate(pair.access_token)
    world.clock.advance(timedelta(seconds=1))
    profile = await world.service.grant_role(admin, target.user_id, "admin")
    assert profile.roles == ("admin", "user")
    assert any(isinstance(e, RoleGranted) for e in world.store.outbox)
    # The token names the old roles, so it ends; the client's refresh gets the new role.
    with pytest.raises(AuthenticationFailed, match="revoked"):
        await world.service.authenticate(pair.access_token)
    world.clock.advance(timedelta(seconds=1))
    promoted = await world.service.refresh(pair.refresh_token)
    assert (await world.service.authenticate(promoted.access_token)).has(Permission.ROLES_MANAGE)
    world.clock.advance(timedelta(seconds=1))
    await world.service.revoke_role(admin, target.user_id, "admin")
    with pytest.raises(AuthenticationFailed, match="revoked"):
        await world.service.authenticate(promoted.access_token)
    world.clock.advance(timedelta(seconds=1))
    fresh = await world.service.login(email=EMAIL, password=PASSWORD)
    assert not (await world.service.authenticate(fresh.access_token)).has(Permission.ROLES_MANAGE)


async def test_players_cannot_administer(world: AuthWorld) -> None:
    me = await world.service.authenticate((await signed_in(world)).access_token)
    other = await world.service.authenticate(
        (await signed_in(world, "grace@example.com")).access_token
    )
    with pytest.raises(PermissionDenied):
        await world.service.grant_role(me, me.user_id, "admin")
    with pytest.raises(PermissionDenied):
        await world.service.disable_user(me, other.user_id)
    with pytest.raises(PermissionDenied):
        await world.service.get_user(me, other.user_id)


async def test_disabling_a_user_ends_their_access_at_once(world: AuthWorld) -> None:
    admin = await world.service.authenticate((await make_admin(world)).access_token)
    pair = await signed_in(world)
    target = await world.service.authenticate(pair.access_token)
    profile = await world.service.disable_user(admin, target.user_id, reason="spam")
    assert profile.disabled
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(pair.access_token)
    with pytest.raises(AuthenticationFailed):
        await world.service.refresh(pair.refresh_token)
    assert any(isinstance(e, UserDisabled) for e in world.store.outbox)
    await world.service.enable_user(admin, target.user_id)
    assert await world.service.login(email=EMAIL, password=PASSWORD)


async def test_admins_cannot_lock_themselves_out(world: AuthWorld) -> None:
    admin = await world.service.authenticate((await make_admin(world)).access_token)
    with pytest.raises(ValidationFailed):
        await world.service.revoke_role(admin, admin.user_id, "admin")
    with pytest.raises(ValidationFailed):
        await world.service.disable_user(admin, admin.user_id)
    with pytest.raises(NotFound):
        await world.service.grant_role(admin, uuid4(), "admin")
    assert Role.ADMIN in admin.roles


async def test_the_operator_makes_the_first_admin_who_then_administers(world: AuthWorld) -> None:
    operator = operator_principal()
    profile = await world.service.create_user(
        operator, email="Root@Example.com", password=PASSWORD, display_name="Root", roles=["admin"]
    )
    assert (profile.email, profile.roles) == ("root@example.com", ("admin", "user"))
    assert world.mailbox.to("root@example.com") == []  # made by the operator: nothing sent
    granted = [e for e in world.store.outbox if isinstance(e, RoleGranted)]
    assert [(e.role, e.by) for e in granted] == [("admin", OPERATOR_ID)]
    admin = await world.service.authenticate(
        (await world.service.login(email="root@example.com", password=PASSWORD)).access_token
    )
    assert admin.has(Permission.ROLES_MANAGE)
    with pytest.raises(AlreadyExists):
        await world.service.create_user(
            operator, email="root@example.com", password=PASSWORD, display_name="Again"
        )
    with pytest.raises(ValidationFailed):
        await world.service.create_user(
            operator, email="weak@example.com", password="password", display_name="Weak"
        )
    assert [p.email for p in await world.service.list_users(admin)] == ["root@example.com"]
    assert (await world.service.find_user(admin, "ROOT@example.com")).id == profile.id
    with pytest.raises(NotFound):
        await world.service.find_user(admin, "nobody@example.com")


async def test_players_cannot_make_or_list_accounts(world: AuthWorld) -> None:
    me = await world.service.authenticate((await signed_in(world)).access_token)
    with pytest.raises(PermissionDenied):
        await world.service.create_user(
            me, email="x@example.com", password=PASSWORD, display_name="X"
        )
    with pytest.raises(PermissionDenied):
        await world.service.list_users(me)
    with pytest.raises(PermissionDenied):
        await world.service.find_user(me, EMAIL)


async def test_users_are_listed_by_email_a_page_at_a_time(world: AuthWorld) -> None:
    admin = await world.service.authenticate((await make_admin(world)).access_token)
    for email in ("cy@example.com", "ada@example.com", "bo@example.com"):
        await register(world, email)
    first = await world.service.list_users(admin, limit=2)
    rest = await world.service.list_users(admin, after_email=first[-1].email, limit=2)
    assert [p.email for p in first + rest] == [
        "ada@example.com",
        "bo@example.com",
        "cy@example.com",
        "root@example.com",
    ]
    with pytest.raises(ValidationFailed):
        await world.service.list_users(admin, limit=0)


async def test_jwks_publishes_the_signing_key(world: AuthWorld) -> None:
    jwks = world.service.jwks()
    assert [k["kid"] for k in jwks["keys"]] == [world.signing_key.kid]
    assert "d" not in jwks["keys"][0]  # never the private half


async def test_exactly_one_wins_even_when_both_read_the_token_before_either_marks_it(
    world: AuthWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapters.memory.identity import InMemoryRefreshTokens

    pair = await signed_in(world)
    original = InMemoryRefreshTokens.by_hash

    async def slow_read(self: InMemoryRefreshTokens, token_hash: str) -> object:
        found = await original(self, token_hash)
        await asyncio.sleep(0)  # let the other refresh read too: only the CAS can decide
        return found

    monkeypatch.setattr(InMemoryRefreshTokens, "by_hash", slow_read)
    results = await asyncio.gather(
        world.service.refresh(pair.refresh_token),
        world.service.refresh(pair.refresh_token),
        return_exceptions=True,
    )
    assert sum(isinstance(r, TokenPair) for r in results) == 1
    assert sum(isinstance(r, AuthenticationFailed) for r in results) == 1
