"""The identity bus is the auth controllers' only way in: one handler per message, each a
thin delegate to ``AuthService``, and no auth controller imports the service."""

from __future__ import annotations

import inspect
from uuid import UUID

import msgspec
import pytest

from questlog_core.errors import AuthenticationFailed
from questlog_core.identity.bootstrap import bootstrap
from questlog_core.identity.use_cases import AuthService
from questlog_core.identity.use_cases import messages as identity
from questlog_core.ids import UserId
from tests.unit.auth.conftest import PASSWORD, AuthWorld
from tests.unit.imports_of import ROOT, imported_modules

EMAIL = "ada@example.com"
MESSAGES = {
    obj
    for _, obj in inspect.getmembers(identity, inspect.isclass)
    if issubclass(obj, msgspec.Struct)
    and obj.__module__ == identity.__name__
    and not obj.__name__.startswith("_")
}
CONTROLLERS = [ROOT / "apps/auth/controllers.py", ROOT / "apps/auth/account_deletion.py"]


def test_every_identity_message_has_exactly_one_handler(world: AuthWorld) -> None:
    every = identity.handlers(lambda: world.service)
    assert set(every) == MESSAGES
    assert identity.QUERIES <= MESSAGES
    bus = bootstrap(auth=lambda: world.service)
    assert all(bus.handles(message) for message in MESSAGES)
    with pytest.raises(ValueError, match="has a handler already"):
        bus.register(identity.Login, every[identity.Login])


@pytest.mark.parametrize("path", CONTROLLERS, ids=lambda p: p.name)
def test_auth_controllers_import_only_the_messages(path: object) -> None:
    imported = imported_modules(path)  # type: ignore[arg-type]
    assert "questlog_core.identity.use_cases.messages" in imported
    reaching_past_the_bus = {
        name
        for name in imported
        if name.startswith(("questlog_core.services", "questlog_core.identity.use_cases"))
        and name != "questlog_core.identity.use_cases.messages"
    }
    assert reaching_past_the_bus == set()


async def test_signing_up_and_in_through_the_bus(world: AuthWorld) -> None:
    bus = bootstrap(auth=lambda: world.service)
    await bus.handle(identity.Register(email=EMAIL, password=PASSWORD, display_name="Ada"))
    signed = await bus.handle(identity.Login(email=EMAIL, password=PASSWORD, user_agent="t"))
    assert isinstance(signed, identity.SignedIn)
    assert signed.device_cookie_max_age == world.service.settings.device_cookie_max_age
    principal = await world.service.authenticate(signed.tokens.access_token)
    sessions = await bus.handle(identity.ListSessions(principal=principal))
    assert [s.id for s in sessions] == [signed.tokens.session_id]
    await bus.handle(identity.Logout(principal=principal))
    with pytest.raises(AuthenticationFailed):
        await world.service.authenticate(signed.tokens.access_token)


async def test_get_profile_reads_where_it_is_told_and_the_service_is_asked_each_time(
    world: AuthWorld,
) -> None:
    reads: list[UUID] = []
    asked: list[AuthService] = []

    async def read_profile(user_id: UserId) -> identity.Profile:
        reads.append(user_id)
        return await world.service.get_profile(principal)

    def auth() -> AuthService:
        asked.append(world.service)
        return world.service

    bus = bootstrap(auth=auth, read_profile=read_profile)
    await bus.handle(identity.Register(email=EMAIL, password=PASSWORD, display_name="Ada"))
    signed = await bus.handle(identity.Login(email=EMAIL, password=PASSWORD))
    principal = await world.service.authenticate(signed.tokens.access_token)
    profile = await bus.handle(identity.GetProfile(principal=principal))
    assert profile.display_name == "Ada"
    assert reads == [principal.user_id]
    assert len(asked) == 3
