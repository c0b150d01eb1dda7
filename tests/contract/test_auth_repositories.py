"""Contract of the auth unit of work and its repositories, on memory, SQLite and PostgreSQL.

Same assertions for every adapter: nothing is kept unless committed, an email belongs to one
account, single-use tokens are compare-and-set (also under 20 concurrent callers), API tokens
and sessions are scoped by user, and events reach the outbox with the commit and only then.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.identity import InMemoryIdentityStore
from adapters.sql.auth import SqlAuthUnitOfWork
from questlog_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from questlog_core.events import DomainEvent
from questlog_core.events.identity import (
    RefreshTokenReuseDetected,
    RoleGranted,
    UserDisabled,
    UserRegistered,
)
from questlog_core.identity import (
    PasswordResetToken,
    Permission,
    PersonalApiToken,
    RefreshToken,
    Role,
    SessionFamily,
    User,
    hash_token,
    new_secret,
)
from questlog_core.ids import EventId, UserId
from questlog_core.ports.identity import AuthUnitOfWork

from .conftest import sql_outbox_events

# microseconds on purpose: every adapter must give the instant back exactly
NOW = datetime(2025, 3, 3, 9, 0, 0, 123456, tzinfo=UTC)


class AuthBackend:
    """Units of work of one auth store, whichever adapter holds it."""

    def __init__(self, kind: str, engine: AsyncEngine | None) -> None:
        self.kind = kind
        self.engine = engine
        self.memory = InMemoryIdentityStore() if engine is None else None

    def uow(self) -> AuthUnitOfWork:
        if self.memory is not None:
            return self.memory.unit_of_work()
        assert self.engine is not None
        return SqlAuthUnitOfWork(self.engine)

    async def outbox_events(self) -> list[DomainEvent]:
        """Every event committed to the auth outbox, in order."""
        if self.memory is not None:
            return list(self.memory.outbox)
        return await sql_outbox_events(self.engine, "auth")


@pytest.fixture
def auth_backend(backend: str, engine: AsyncEngine | None) -> AuthBackend:
    return AuthBackend(backend, engine)


# -- builders -----------------------------------------------------------------------------------


def event_id() -> EventId:
    return EventId(uuid4())


def new_user(email: str = "ada@example.com") -> User:
    return User.register(
        user_id=UserId(uuid4()),
        email=email,
        display_name="Ada",
        password_hash="$argon2id$v=19$m=1024,t=1,p=1$fake",
        at=NOW,
        event_id=event_id(),
        timezone="Europe/Berlin",
        day_start_hour=4,
    )


def new_family(user_id: UserId, *, created_at: datetime = NOW) -> SessionFamily:
    return SessionFamily(
        id=uuid4(),
        user_id=user_id,
        created_at=created_at,
        expires_at=created_at + timedelta(days=30),
        last_used_at=created_at,
        user_agent="pytest",
        ip="203.0.113.7",
    )


def new_refresh_token(family: SessionFamily) -> RefreshToken:
    return RefreshToken(
        token_hash=hash_token(new_secret("qlr_")),
        family_id=family.id,
        user_id=family.user_id,
        issued_at=NOW,
        expires_at=NOW + timedelta(days=14),
    )


def new_reset_token(user_id: UserId) -> PasswordResetToken:
    return PasswordResetToken(
        token_hash=hash_token(new_secret("qlx_")),
        user_id=user_id,
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=30),
    )


def new_api_token(user_id: UserId, *, created_at: datetime = NOW) -> PersonalApiToken:
    return PersonalApiToken(
        id=uuid4(),
        user_id=user_id,
        name="backup script",
        token_hash=hash_token(new_secret("qlp_")),
        scopes=frozenset({Permission.QUESTS_READ, Permission.QUESTS_WRITE}),
        created_at=created_at,
        expires_at=created_at + timedelta(days=90),
    )


async def stored_user(auth_backend: AuthBackend, email: str = "ada@example.com") -> User:
    user = new_user(email)
    async with auth_backend.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


# -- all or nothing -----------------------------------------------------------------------------


async def test_leaving_without_commit_keeps_nothing(auth_backend: AuthBackend) -> None:
    user = new_user()
    family = new_family(user.id)
    refresh = new_refresh_token(family)
    reset = new_reset_token(user.id)
    api = new_api_token(user.id)
    claimed = event_id()
    async with auth_backend.uow() as uow:
        await uow.users.add(user)
        await uow.refresh_tokens.add_family(family)
        await uow.refresh_tokens.add(refresh)
        await uow.reset_tokens.add(reset)
        await uow.api_tokens.add(api)
        assert await uow.claim("mailer", claimed)
        uow.record(
            RefreshTokenReuseDetected(
                event_id=event_id(), occurred_at=NOW, owner=user.id, session_id=family.id
            )
        )
    async with auth_backend.uow() as uow:
        assert await uow.users.find(user.id) is None
        assert await uow.users.by_email(user.email) is None
        assert await uow.refresh_tokens.get_family(family.id) is None
        assert await uow.refresh_tokens.by_hash(refresh.token_hash) is None
        assert await uow.reset_tokens.by_hash(reset.token_hash) is None
        assert await uow.api_tokens.by_hash(api.token_hash) is None
        assert await uow.claim("mailer", claimed)  # the claim was rolled back too
    assert await auth_backend.outbox_events() == []


async def test_an_exception_rolls_back_what_followed_the_commit(auth_backend: AuthBackend) -> None:
    ada, grace = new_user(), new_user("grace@example.com")

    async def half_done() -> None:
        async with auth_backend.uow() as uow:
            await uow.users.add(ada)
            await uow.commit()
            await uow.users.add(grace)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await half_done()
    async with auth_backend.uow() as uow:
        assert await uow.users.find(ada.id) is not None
        assert await uow.users.find(grace.id) is None
    assert [type(e) for e in await auth_backend.outbox_events()] == [UserRegistered]


# -- users --------------------------------------------------------------------------------------


async def test_a_user_comes_back_as_it_was_stored(auth_backend: AuthBackend) -> None:
    user = new_user()
    user.grant_role(Role.ADMIN, by=user.id, at=NOW, event_id=event_id())
    async with auth_backend.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    async with auth_backend.uow() as uow:
        loaded = await uow.users.get(user.id)
        by_email = await uow.users.by_email("ada@example.com")
    assert loaded == user
    assert by_email == user
    assert loaded.roles == frozenset({Role.USER, Role.ADMIN})
    assert (loaded.timezone, loaded.day_start_hour, loaded.disabled) == ("Europe/Berlin", 4, False)
    assert loaded.tokens_valid_after == NOW
    assert loaded.pull_events() == []  # events stay with the write, never come back on a read


async def test_an_unknown_user_is_not_found(auth_backend: AuthBackend) -> None:
    async with auth_backend.uow() as uow:
        with pytest.raises(NotFound):
            await uow.users.get(UserId(uuid4()))
        assert await uow.users.find(UserId(uuid4())) is None
        assert await uow.users.by_email("nobody@example.com") is None


async def test_users_page_by_email_in_order(auth_backend: AuthBackend) -> None:
    async with auth_backend.uow() as uow:
        assert await uow.users.page(limit=10) == []
        for email in ("cy@example.com", "ada@example.com", "bo@example.com"):
            await uow.users.add(new_user(email))
        await uow.commit()
    async with auth_backend.uow() as uow:
        first = await uow.users.page(limit=2)
        rest = await uow.users.page(after_email=first[-1].email, limit=2)
        beyond = await uow.users.page(after_email="cy@example.com", limit=2)
    assert [u.email for u in first] == ["ada@example.com", "bo@example.com"]
    assert [u.email for u in rest] == ["cy@example.com"]
    assert beyond == []
    assert first[0] == await stored_copy(auth_backend, first[0].id)


async def stored_copy(auth_backend: AuthBackend, user_id: UserId) -> User:
    async with auth_backend.uow() as uow:
        return await uow.users.get(user_id)


async def test_an_email_belongs_to_one_account(auth_backend: AuthBackend) -> None:
    first = await stored_user(auth_backend)
    async with auth_backend.uow() as uow:
        with pytest.raises(AlreadyExists):
            await uow.users.add(new_user("ADA@example.com"))  # normalised to the same address
        # the refused insert leaves the transaction usable
        await uow.users.add(new_user("grace@example.com"))
        await uow.commit()
    async with auth_backend.uow() as uow:
        found = await uow.users.by_email("ada@example.com")
        assert found is not None
        assert found.id == first.id
        assert await uow.users.by_email("grace@example.com") is not None


async def test_a_user_id_is_taken_once(auth_backend: AuthBackend) -> None:
    first = await stored_user(auth_backend)
    clone = new_user("other@example.com")
    clone.id = first.id
    async with auth_backend.uow() as uow:
        with pytest.raises(AlreadyExists):
            await uow.users.add(clone)


async def test_two_registrations_of_one_address_in_one_transaction(
    auth_backend: AuthBackend,
) -> None:
    async with auth_backend.uow() as uow:
        await uow.users.add(new_user())
        with pytest.raises(AlreadyExists):
            await uow.users.add(new_user())
        await uow.commit()
    assert [type(e) for e in await auth_backend.outbox_events()] == [UserRegistered]


async def test_save_bumps_the_version_and_a_stale_copy_conflicts(
    auth_backend: AuthBackend,
) -> None:
    user = await stored_user(auth_backend)
    async with auth_backend.uow() as uow:
        stale = await uow.users.get(user.id)
    async with auth_backend.uow() as uow:
        fresh = await uow.users.get(user.id)
        fresh.grant_role(Role.ADMIN, by=user.id, at=NOW, event_id=event_id())
        await uow.users.save(fresh)
        assert fresh.version == user.version + 1
        await uow.commit()
    stale.disable(by=user.id, at=NOW, event_id=event_id())
    async with auth_backend.uow() as uow:
        with pytest.raises(ConcurrencyConflict):
            await uow.users.save(stale)
    async with auth_backend.uow() as uow:
        loaded = await uow.users.get(user.id)
    assert loaded.version == user.version + 1
    assert Role.ADMIN in loaded.roles
    assert not loaded.disabled
    assert [type(e) for e in await auth_backend.outbox_events()] == [UserRegistered, RoleGranted]


async def test_saving_an_unknown_user_is_not_found(auth_backend: AuthBackend) -> None:
    async with auth_backend.uow() as uow:
        with pytest.raises(NotFound):
            await uow.users.save(new_user())


async def test_an_email_change_moves_the_address_and_cannot_take_another(
    auth_backend: AuthBackend,
) -> None:
    ada = await stored_user(auth_backend)
    await stored_user(auth_backend, "grace@example.com")
    async with auth_backend.uow() as uow:
        loaded = await uow.users.get(ada.id)
        loaded.email = "grace@example.com"
        with pytest.raises(AlreadyExists):
            await uow.users.save(loaded)
        loaded.email = "countess@example.com"
        await uow.users.save(loaded)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.users.by_email("ada@example.com") is None
        moved = await uow.users.by_email("countess@example.com")
        assert moved is not None
        assert moved.id == ada.id
        other = await uow.users.by_email("grace@example.com")
        assert other is not None
        assert other.id != ada.id


async def test_a_change_is_stored_only_by_save(auth_backend: AuthBackend) -> None:
    user = await stored_user(auth_backend)
    async with auth_backend.uow() as uow:
        loaded = await uow.users.get(user.id)
        loaded.disable(by=user.id, at=NOW, event_id=event_id())
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert not (await uow.users.get(user.id)).disabled
    assert [type(e) for e in await auth_backend.outbox_events()] == [UserRegistered]


# -- sessions and refresh tokens ----------------------------------------------------------------


async def test_families_are_listed_per_user_oldest_first(auth_backend: AuthBackend) -> None:
    ada, grace = UserId(uuid4()), UserId(uuid4())
    later = new_family(ada, created_at=NOW + timedelta(hours=1))
    earlier = new_family(ada)
    theirs = new_family(grace)
    async with auth_backend.uow() as uow:
        for family in (later, earlier, theirs):
            await uow.refresh_tokens.add_family(family)
        with pytest.raises(AlreadyExists):
            await uow.refresh_tokens.add_family(earlier)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.refresh_tokens.families_of(ada) == [earlier, later]
        assert await uow.refresh_tokens.families_of(grace) == [theirs]
        assert await uow.refresh_tokens.families_of(UserId(uuid4())) == []
        assert await uow.refresh_tokens.get_family(earlier.id) == earlier


async def test_touching_a_family_never_moves_its_last_use_backwards(
    auth_backend: AuthBackend,
) -> None:
    family = new_family(UserId(uuid4()))
    async with auth_backend.uow() as uow:
        await uow.refresh_tokens.add_family(family)
        await uow.refresh_tokens.touch_family(family.id, NOW + timedelta(minutes=5))
        await uow.refresh_tokens.touch_family(family.id, NOW + timedelta(minutes=1))
        await uow.refresh_tokens.touch_family(uuid4(), NOW)  # unknown: nothing happens
        await uow.commit()
    async with auth_backend.uow() as uow:
        touched = await uow.refresh_tokens.get_family(family.id)
    assert touched is not None
    assert touched.last_used_at == NOW + timedelta(minutes=5)


async def test_a_family_is_revoked_once(auth_backend: AuthBackend) -> None:
    family = new_family(UserId(uuid4()))
    async with auth_backend.uow() as uow:
        await uow.refresh_tokens.add_family(family)
        assert await uow.refresh_tokens.revoke_family(family.id, NOW, "logout")
        assert not await uow.refresh_tokens.revoke_family(family.id, NOW, "again")
        assert not await uow.refresh_tokens.revoke_family(uuid4(), NOW, "unknown")
        await uow.commit()
    async with auth_backend.uow() as uow:
        revoked = await uow.refresh_tokens.get_family(family.id)
    assert revoked is not None
    assert (revoked.revoked_at, revoked.revoked_reason) == (NOW, "logout")
    assert not revoked.is_active(NOW)


async def test_revoking_a_users_families_touches_only_their_live_ones(
    auth_backend: AuthBackend,
) -> None:
    ada, grace = UserId(uuid4()), UserId(uuid4())
    gone, live_1, live_2 = new_family(ada), new_family(ada), new_family(ada)
    theirs = new_family(grace)
    async with auth_backend.uow() as uow:
        for family in (gone, live_1, live_2, theirs):
            await uow.refresh_tokens.add_family(family)
        await uow.refresh_tokens.revoke_family(gone.id, NOW, "logout")
        later = NOW + timedelta(minutes=1)
        assert await uow.refresh_tokens.revoke_families_of(ada, later, "password-change") == 2
        assert await uow.refresh_tokens.revoke_families_of(ada, later, "again") == 0
        await uow.commit()
    async with auth_backend.uow() as uow:
        families = {f.id: f for f in await uow.refresh_tokens.families_of(ada)}
        other = await uow.refresh_tokens.get_family(theirs.id)
    assert families[gone.id].revoked_reason == "logout"
    assert families[live_1.id].revoked_reason == "password-change"
    assert families[live_2.id].revoked_at == NOW + timedelta(minutes=1)
    assert other is not None
    assert other.revoked_at is None


async def test_a_refresh_token_is_stored_by_hash_and_its_hash_is_unique(
    auth_backend: AuthBackend,
) -> None:
    family = new_family(UserId(uuid4()))
    token = new_refresh_token(family)
    async with auth_backend.uow() as uow:
        await uow.refresh_tokens.add_family(family)
        await uow.refresh_tokens.add(token)
        with pytest.raises(AlreadyExists):
            await uow.refresh_tokens.add(token)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.refresh_tokens.by_hash(token.token_hash) == token
        assert await uow.refresh_tokens.by_hash(hash_token("qlr_unknown")) is None


async def test_mark_used_is_a_compare_and_set(auth_backend: AuthBackend) -> None:
    token = new_refresh_token(new_family(UserId(uuid4())))
    async with auth_backend.uow() as uow:
        await uow.refresh_tokens.add(token)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.refresh_tokens.mark_used(token.token_hash, NOW)
        assert not await uow.refresh_tokens.mark_used(token.token_hash, NOW)
        assert not await uow.refresh_tokens.mark_used(hash_token("qlr_unknown"), NOW)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert not await uow.refresh_tokens.mark_used(token.token_hash, NOW)
        used = await uow.refresh_tokens.by_hash(token.token_hash)
    assert used is not None
    assert used.used_at == NOW


async def test_an_uncommitted_mark_used_leaves_the_token_unused(auth_backend: AuthBackend) -> None:
    token = new_refresh_token(new_family(UserId(uuid4())))
    async with auth_backend.uow() as uow:
        await uow.refresh_tokens.add(token)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.refresh_tokens.mark_used(token.token_hash, NOW)
    async with auth_backend.uow() as uow:
        assert await uow.refresh_tokens.mark_used(token.token_hash, NOW)


async def test_twenty_concurrent_mark_used_on_one_token_one_wins(
    auth_backend: AuthBackend,
) -> None:
    token = new_refresh_token(new_family(UserId(uuid4())))
    async with auth_backend.uow() as uow:
        await uow.refresh_tokens.add(token)
        await uow.commit()
    # PostgreSQL: all 20 transactions are open and have seen the token unused before any of
    # them writes. (SQLite admits one writing transaction at a time: there they queue.)
    gate = asyncio.Barrier(20) if auth_backend.kind == "postgres" else None

    async def refresh() -> bool:
        async with auth_backend.uow() as uow:
            seen = await uow.refresh_tokens.by_hash(token.token_hash)
            assert seen is not None
            if gate is not None:
                await gate.wait()
            won = await uow.refresh_tokens.mark_used(token.token_hash, NOW)
            await uow.commit()
            return won

    results = await asyncio.gather(*(refresh() for _ in range(20)))
    assert sorted(results) == [False] * 19 + [True]


# -- reset tokens -------------------------------------------------------------------------------


async def test_a_reset_token_is_consumed_once(auth_backend: AuthBackend) -> None:
    token = new_reset_token(UserId(uuid4()))
    async with auth_backend.uow() as uow:
        await uow.reset_tokens.add(token)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.reset_tokens.by_hash(token.token_hash) == token
        assert await uow.reset_tokens.consume(token.token_hash, NOW)
        assert not await uow.reset_tokens.consume(token.token_hash, NOW)
        assert not await uow.reset_tokens.consume(hash_token("qlx_unknown"), NOW)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert not await uow.reset_tokens.consume(token.token_hash, NOW)
        spent = await uow.reset_tokens.by_hash(token.token_hash)
    assert spent is not None
    assert not spent.is_usable(NOW)


async def test_invalidating_a_users_reset_tokens_spares_everyone_else(
    auth_backend: AuthBackend,
) -> None:
    ada, grace = UserId(uuid4()), UserId(uuid4())
    used, open_1, open_2 = new_reset_token(ada), new_reset_token(ada), new_reset_token(ada)
    theirs = new_reset_token(grace)
    async with auth_backend.uow() as uow:
        for token in (used, open_1, open_2, theirs):
            await uow.reset_tokens.add(token)
        await uow.reset_tokens.consume(used.token_hash, NOW)
        assert await uow.reset_tokens.invalidate_all(ada, NOW) == 2
        assert await uow.reset_tokens.invalidate_all(ada, NOW) == 0
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert not await uow.reset_tokens.consume(open_1.token_hash, NOW)
        assert not await uow.reset_tokens.consume(open_2.token_hash, NOW)
        assert await uow.reset_tokens.consume(theirs.token_hash, NOW)


# -- personal API tokens ------------------------------------------------------------------------


async def test_api_tokens_are_listed_per_user_oldest_first(auth_backend: AuthBackend) -> None:
    ada, grace = UserId(uuid4()), UserId(uuid4())
    newer = new_api_token(ada, created_at=NOW + timedelta(days=1))
    older = new_api_token(ada)
    theirs = new_api_token(grace)
    async with auth_backend.uow() as uow:
        for token in (newer, older, theirs):
            await uow.api_tokens.add(token)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.api_tokens.list_of(ada) == [older, newer]
        assert await uow.api_tokens.list_of(grace) == [theirs]
        assert await uow.api_tokens.by_hash(theirs.token_hash) == theirs
        assert await uow.api_tokens.by_hash(hash_token("qlp_unknown")) is None


async def test_another_users_api_token_is_not_found_and_cannot_be_revoked(
    auth_backend: AuthBackend,
) -> None:
    ada, mallory = UserId(uuid4()), UserId(uuid4())
    token = new_api_token(ada)
    async with auth_backend.uow() as uow:
        await uow.api_tokens.add(token)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.api_tokens.get(mallory, token.id) is None
        assert not await uow.api_tokens.revoke(mallory, token.id, NOW)
        await uow.commit()
    async with auth_backend.uow() as uow:
        still = await uow.api_tokens.get(ada, token.id)
    assert still is not None
    assert still.is_active(NOW)


async def test_an_api_token_is_revoked_once_and_touched(auth_backend: AuthBackend) -> None:
    ada = UserId(uuid4())
    token = new_api_token(ada)
    async with auth_backend.uow() as uow:
        await uow.api_tokens.add(token)
        await uow.api_tokens.touch(token.id, NOW + timedelta(seconds=1))
        assert await uow.api_tokens.revoke(ada, token.id, NOW + timedelta(seconds=2))
        assert not await uow.api_tokens.revoke(ada, token.id, NOW + timedelta(seconds=3))
        assert not await uow.api_tokens.revoke(ada, uuid4(), NOW)
        await uow.api_tokens.touch(uuid4(), NOW)  # unknown: nothing happens
        await uow.commit()
    async with auth_backend.uow() as uow:
        stored = await uow.api_tokens.get(ada, token.id)
    assert stored is not None
    assert stored.last_used_at == NOW + timedelta(seconds=1)
    assert stored.revoked_at == NOW + timedelta(seconds=2)
    assert not stored.is_active(NOW + timedelta(seconds=3))
    assert stored.scopes == {Permission.QUESTS_READ, Permission.QUESTS_WRITE}


async def test_an_api_token_without_expiry_round_trips(auth_backend: AuthBackend) -> None:
    token = new_api_token(UserId(uuid4()))
    token.expires_at = None
    async with auth_backend.uow() as uow:
        await uow.api_tokens.add(token)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.api_tokens.get(token.user_id, token.id) == token


# -- outbox and inbox ---------------------------------------------------------------------------


async def test_events_reach_the_outbox_with_the_commit_in_order(auth_backend: AuthBackend) -> None:
    user = new_user()
    reuse = RefreshTokenReuseDetected(
        event_id=event_id(), occurred_at=NOW, owner=user.id, session_id=uuid4()
    )
    async with auth_backend.uow() as uow:
        await uow.users.add(user)
        uow.record(reuse)
        await uow.commit()
    events = await auth_backend.outbox_events()
    assert [type(e) for e in events] == [UserRegistered, RefreshTokenReuseDetected]
    assert events[1] == reuse
    registered = events[0]
    assert isinstance(registered, UserRegistered)
    assert (registered.owner, registered.email) == (user.id, user.email)


async def test_events_of_a_rolled_back_change_never_reach_the_outbox(
    auth_backend: AuthBackend,
) -> None:
    user = await stored_user(auth_backend)
    async with auth_backend.uow() as uow:
        loaded = await uow.users.get(user.id)
        loaded.disable(by=user.id, at=NOW, event_id=event_id())
        await uow.users.save(loaded)
        uow.record(
            RefreshTokenReuseDetected(
                event_id=event_id(), occurred_at=NOW, owner=user.id, session_id=uuid4()
            )
        )
    assert [type(e) for e in await auth_backend.outbox_events()] == [UserRegistered]
    async with auth_backend.uow() as uow:
        loaded = await uow.users.get(user.id)
        loaded.disable(by=user.id, at=NOW, event_id=event_id())
        await uow.users.save(loaded)
        await uow.commit()
    assert [type(e) for e in await auth_backend.outbox_events()] == [UserRegistered, UserDisabled]


async def test_the_inbox_claims_an_event_once_per_consumer(auth_backend: AuthBackend) -> None:
    claimed = event_id()
    async with auth_backend.uow() as uow:
        assert await uow.claim("mailer", claimed)
        assert not await uow.claim("mailer", claimed)
        assert await uow.claim("stats", claimed)
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert not await uow.claim("mailer", claimed)
        assert not await uow.claim("stats", claimed)
        assert await uow.claim("mailer", event_id())
