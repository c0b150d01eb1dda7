"""Revocations reach every service: the auth service publishes them to the shared feed
(``TokenDenylist``) and a service that verifies tokens with the JWKS alone refuses them too.

"Elsewhere" below is a :class:`JwksAuthenticator` that has nothing but the auth service's
published JWKS (served over an ``httpx.MockTransport``) and the same feed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import pytest

from adapters.security.jwks_auth import API_TOKENS_NOT_HERE, JwksAuthenticator
from adapters.security.jwt_tokens import JwtAccessTokens, SigningKey
from questlog_core.errors import AuthenticationFailed, ServiceUnavailable
from questlog_core.identity import Permission, Role
from questlog_core.services.auth import AuthSettings

from .conftest import PASSWORD, AuthWorld, CountingHasher, build_service
from .test_auth_services import EMAIL, make_admin, reset_token_from, signed_in

JWKS_URL = "http://auth.internal/api/v1/auth/.well-known/jwks.json"


@dataclass
class JwksServer:
    """The auth service's JWKS endpoint, counting requests; ``down`` makes it fail."""

    world: AuthWorld
    requests: int = 0
    down: bool = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.down:
            return httpx.Response(503)
        return httpx.Response(200, json=self.world.service.jwks())


@pytest.fixture
def jwks_server(world: AuthWorld) -> JwksServer:
    return JwksServer(world)


@pytest.fixture
async def elsewhere(world: AuthWorld, jwks_server: JwksServer) -> AsyncIterator[JwksAuthenticator]:
    """The quest service's view of a token: the JWKS and the shared feed, no auth tables."""
    settings = AuthSettings()
    http = httpx.AsyncClient(transport=httpx.MockTransport(jwks_server.handle))
    authenticator = JwksAuthenticator(
        JWKS_URL,
        revocations=world.revocations,
        issuer=settings.issuer,
        audience=settings.audience,
        clock=world.clock,
        http=http,
    )
    yield authenticator
    await http.aclose()


async def refused_everywhere(world: AuthWorld, elsewhere: JwksAuthenticator, token: str) -> None:
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(token)
    with pytest.raises(AuthenticationFailed) as refused:
        await elsewhere.authenticate(token)
    assert "revoked" in refused.value.detail


async def test_a_live_token_is_accepted_elsewhere_with_the_same_principal(
    world: AuthWorld, elsewhere: JwksAuthenticator
) -> None:
    pair = await signed_in(world)
    here = await world.service.authenticate(pair.access_token)
    there = await elsewhere.authenticate(pair.access_token)
    assert there == here
    assert there.session_id == pair.session_id
    assert there.has(Permission.QUESTS_WRITE)


async def test_logout_ends_the_access_token_elsewhere_before_it_expires(
    world: AuthWorld, elsewhere: JwksAuthenticator
) -> None:
    pair = await signed_in(world)
    other_device = await signed_in(world)
    await world.service.logout(await world.service.authenticate(pair.access_token))
    world.clock.advance(timedelta(minutes=1))
    await refused_everywhere(world, elsewhere, pair.access_token)
    assert await elsewhere.authenticate(other_device.access_token)  # that session lives on


async def test_logout_ends_every_token_of_the_session_even_one_from_before_a_refresh(
    world: AuthWorld, elsewhere: JwksAuthenticator
) -> None:
    pair = await signed_in(world)
    world.clock.advance(timedelta(seconds=1))
    refreshed = await world.service.refresh(pair.refresh_token)
    await world.service.logout(await world.service.authenticate(refreshed.access_token))
    for token in (pair.access_token, refreshed.access_token):
        await refused_everywhere(world, elsewhere, token)


async def test_signing_a_device_out_ends_its_access_token_everywhere(
    world: AuthWorld, elsewhere: JwksAuthenticator
) -> None:
    phone = await signed_in(world)
    laptop = await signed_in(world)
    me = await world.service.authenticate(laptop.access_token)
    await world.service.revoke_session(me, phone.session_id)
    await refused_everywhere(world, elsewhere, phone.access_token)
    assert await elsewhere.authenticate(laptop.access_token)


async def test_refresh_token_reuse_ends_the_sessions_access_tokens_everywhere(
    world: AuthWorld, elsewhere: JwksAuthenticator
) -> None:
    pair = await signed_in(world)
    world.clock.advance(timedelta(seconds=1))
    rotated = await world.service.refresh(pair.refresh_token)  # the thief's, say
    with pytest.raises(AuthenticationFailed, match="reuse"):
        await world.service.refresh(pair.refresh_token)
    for token in (pair.access_token, rotated.access_token):
        await refused_everywhere(world, elsewhere, token)


async def test_a_password_change_ends_other_sessions_but_not_the_fresh_pair_of_the_same_second(
    world: AuthWorld, elsewhere: JwksAuthenticator
) -> None:
    world.clock.set(world.clock.now().replace(microsecond=200_000))
    laptop = await signed_in(world)
    phone = await world.service.login(email=EMAIL, password=PASSWORD)
    world.clock.advance(timedelta(milliseconds=500))  # same second as the sign-ins
    fresh = await world.service.change_password(
        await world.service.authenticate(laptop.access_token),
        current_password=PASSWORD,
        new_password="a brand new passphrase",
    )
    for old in (laptop.access_token, phone.access_token):
        await refused_everywhere(world, elsewhere, old)
    assert await world.service.authenticate(fresh.access_token)
    assert await elsewhere.authenticate(fresh.access_token)


async def test_a_reset_and_logout_everywhere_end_every_token_elsewhere(
    world: AuthWorld, elsewhere: JwksAuthenticator
) -> None:
    first = await signed_in(world)
    await world.service.forgot_password(email=EMAIL)
    world.clock.advance(timedelta(seconds=1))
    await world.service.reset_password(
        token=reset_token_from(world, EMAIL), new_password="a brand new passphrase"
    )
    await refused_everywhere(world, elsewhere, first.access_token)
    world.clock.advance(timedelta(seconds=1))
    second = await world.service.login(email=EMAIL, password="a brand new passphrase")
    assert await elsewhere.authenticate(second.access_token)
    world.clock.advance(timedelta(seconds=1))
    await world.service.logout_everywhere(await world.service.authenticate(second.access_token))
    await refused_everywhere(world, elsewhere, second.access_token)


async def test_disabling_an_account_ends_its_tokens_elsewhere(
    world: AuthWorld, elsewhere: JwksAuthenticator
) -> None:
    admin = await world.service.authenticate((await make_admin(world)).access_token)
    pair = await signed_in(world)
    world.clock.advance(timedelta(seconds=1))
    target = await elsewhere.authenticate(pair.access_token)
    await world.service.disable_user(admin, target.user_id)
    await refused_everywhere(world, elsewhere, pair.access_token)


async def test_a_revoked_role_ends_the_tokens_that_carried_it(
    world: AuthWorld, elsewhere: JwksAuthenticator
) -> None:
    root = await world.service.authenticate((await make_admin(world)).access_token)
    pair = await signed_in(world)
    target = await world.service.authenticate(pair.access_token)
    world.clock.advance(timedelta(seconds=1))
    await world.service.grant_role(root, target.user_id, "admin")
    # The token's claims name the old roles: it ends everywhere, and a refresh brings the role.
    await refused_everywhere(world, elsewhere, pair.access_token)
    world.clock.advance(timedelta(seconds=1))
    promoted = await world.service.refresh(pair.refresh_token)
    assert Role.ADMIN in (await elsewhere.authenticate(promoted.access_token)).roles
    world.clock.advance(timedelta(seconds=1))
    await world.service.revoke_role(root, target.user_id, "admin")
    await refused_everywhere(world, elsewhere, promoted.access_token)


class DownFeed:
    """A revocation feed whose store (Redis) is unreachable."""

    async def deny(self, jti: str, until: datetime) -> None:
        raise ServiceUnavailable("token denylist unavailable")

    async def is_denied(self, jti: str) -> bool:
        raise ServiceUnavailable("token denylist unavailable")

    async def revoke_session(self, session_id: str, until: datetime) -> None:
        raise ServiceUnavailable("token denylist unavailable")

    async def revoke_subject(self, subject: str, issued_before: datetime, until: datetime) -> None:
        raise ServiceUnavailable("token denylist unavailable")

    async def is_revoked(
        self,
        jti: str,
        subject: str,
        issued_at: datetime,
        session_id: str | None = None,
        *,
        reading: bool = False,
    ) -> bool:
        raise ServiceUnavailable("token denylist unavailable")


async def test_with_the_feed_down_checks_fail_closed_and_revocations_change_nothing(
    world: AuthWorld,
) -> None:
    pair = await signed_in(world)
    principal = await world.service.authenticate(pair.access_token)
    world.revocations = DownFeed()  # type: ignore[assignment]
    down = build_service(world, CountingHasher())
    with pytest.raises(ServiceUnavailable):
        await down.authenticate(pair.access_token)
    with pytest.raises(ServiceUnavailable):
        await down.logout(principal)  # never reports a logout that revoked nothing
    with pytest.raises(ServiceUnavailable):
        await down.change_password(
            principal, current_password=PASSWORD, new_password="a brand new passphrase"
        )
    # Nothing was committed: the session and the old password still work.
    assert await world.service.refresh(pair.refresh_token)
    assert await world.service.login(email=EMAIL, password=PASSWORD)


async def test_elsewhere_refuses_api_tokens_and_says_where_they_work(
    world: AuthWorld, elsewhere: JwksAuthenticator
) -> None:
    principal = await world.service.authenticate((await signed_in(world)).access_token)
    created = await world.service.create_api_token(principal, name="cli", scopes=["quests:read"])
    with pytest.raises(AuthenticationFailed) as refused:
        await elsewhere.authenticate(created.token)
    assert refused.value.detail == API_TOKENS_NOT_HERE
    with pytest.raises(AuthenticationFailed):
        await elsewhere.authenticate((await signed_in(world, "grace@example.com")).refresh_token)


async def test_the_jwks_is_fetched_once_and_again_at_most_once_a_minute_for_unknown_keys(
    world: AuthWorld, elsewhere: JwksAuthenticator, jwks_server: JwksServer
) -> None:
    pair = await signed_in(world)
    for _ in range(5):
        await elsewhere.authenticate(pair.access_token)
    assert jwks_server.requests == 1
    settings = AuthSettings()
    stranger = JwtAccessTokens(
        SigningKey.generate(), issuer=settings.issuer, audience=settings.audience, clock=world.clock
    )
    forged = stranger.issue(world.tokens.verify(pair.access_token))  # same claims, unknown key
    with pytest.raises(AuthenticationFailed):
        await elsewhere.authenticate(forged)
    assert jwks_server.requests == 1  # fetched less than a minute ago: no re-fetch yet
    world.clock.advance(timedelta(minutes=1))
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            await elsewhere.authenticate(forged)
    assert jwks_server.requests == 2  # one re-fetch for the unknown kid, not five
    world.clock.advance(timedelta(minutes=1))
    with pytest.raises(AuthenticationFailed):
        await elsewhere.authenticate(forged)
    assert jwks_server.requests == 3


async def test_without_keys_elsewhere_answers_unavailable_and_keeps_keys_it_has(
    world: AuthWorld, elsewhere: JwksAuthenticator, jwks_server: JwksServer
) -> None:
    pair = await signed_in(world)
    jwks_server.down = True
    with pytest.raises(ServiceUnavailable):
        await elsewhere.authenticate(pair.access_token)
    jwks_server.down = False
    world.clock.advance(timedelta(seconds=5))
    assert await elsewhere.authenticate(pair.access_token)
    jwks_server.down = True
    world.clock.advance(timedelta(hours=2))  # keys are due for a refresh, which fails
    fresh = await world.service.refresh(pair.refresh_token)
    assert await elsewhere.authenticate(fresh.access_token)  # the keys held still verify
