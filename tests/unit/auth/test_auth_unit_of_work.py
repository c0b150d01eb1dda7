"""The in-memory auth unit of work: real rollback, outbox on commit, idempotent inbox."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from adapters.memory.identity import InMemoryIdentityStore
from questlog_core.errors import AlreadyExists, ConcurrencyConflict
from questlog_core.events.identity import RoleGranted, UserRegistered
from questlog_core.identity import RefreshToken, Role, SessionFamily, User
from questlog_core.ids import EventId, UserId

NOW = datetime(2025, 3, 3, tzinfo=UTC)


def new_user(email: str = "ada@example.com") -> User:
    return User.register(
        user_id=UserId(uuid4()),
        email=email,
        display_name="Ada",
        password_hash="$argon2id$fake",
        at=NOW,
        event_id=EventId(uuid4()),
    )


async def test_leaving_without_commit_rolls_every_change_back() -> None:
    store = InMemoryIdentityStore()
    user = new_user()
    async with store.unit_of_work() as uow:
        await uow.users.add(user)
        family = SessionFamily(
            id=uuid4(), user_id=user.id, created_at=NOW, expires_at=NOW, last_used_at=NOW
        )
        await uow.refresh_tokens.add_family(family)
        assert await uow.claim("mailer", EventId(uuid4()))
    assert store.users == {}
    assert store.emails == {}
    assert store.families == {}
    assert store.inbox == set()
    assert store.outbox == []


async def test_an_exception_rolls_back_too() -> None:
    store = InMemoryIdentityStore()

    async def half_done() -> None:
        async with store.unit_of_work() as uow:
            await uow.users.add(new_user())
            await uow.commit()
            await uow.users.add(new_user("grace@example.com"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await half_done()
    assert [u.email for u in store.users.values()] == ["ada@example.com"]


async def test_events_reach_the_outbox_only_on_commit() -> None:
    store = InMemoryIdentityStore()
    user = new_user()
    async with store.unit_of_work() as uow:
        await uow.users.add(user)
        assert store.outbox == []
        await uow.commit()
    assert [type(e) for e in store.outbox] == [UserRegistered]
    async with store.unit_of_work() as uow:
        loaded = await uow.users.get(user.id)
        loaded.grant_role(Role.ADMIN, by=user.id, at=NOW, event_id=EventId(uuid4()))
        await uow.users.save(loaded)
    assert [type(e) for e in store.outbox] == [UserRegistered]  # not committed
    assert store.users[user.id].roles == {Role.USER}


async def test_inbox_claims_an_event_once_per_consumer() -> None:
    store = InMemoryIdentityStore()
    event_id = EventId(uuid4())
    async with store.unit_of_work() as uow:
        assert await uow.claim("mailer", event_id)
        assert not await uow.claim("mailer", event_id)
        assert await uow.claim("stats", event_id)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert not await uow.claim("mailer", event_id)


async def test_a_stale_save_is_a_conflict_and_emails_are_unique() -> None:
    store = InMemoryIdentityStore()
    user = new_user()
    async with store.unit_of_work() as uow:
        await uow.users.add(user)
        await uow.commit()
    async with store.unit_of_work() as a, store.unit_of_work() as b:
        first, second = await a.users.get(user.id), await b.users.get(user.id)
        first.grant_role(Role.ADMIN, by=user.id, at=NOW, event_id=EventId(uuid4()))
        await a.users.save(first)
        await a.commit()
        second.disable(by=user.id, at=NOW, event_id=EventId(uuid4()))
        with pytest.raises(ConcurrencyConflict):
            await b.users.save(second)
    async with store.unit_of_work() as uow:
        with pytest.raises(AlreadyExists):
            await uow.users.add(new_user("ADA@example.com"))
    assert [type(e) for e in store.outbox][-1] is RoleGranted


async def test_mark_used_is_a_compare_and_set() -> None:
    store = InMemoryIdentityStore()
    token = RefreshToken(
        token_hash="h", family_id=uuid4(), user_id=UserId(uuid4()), issued_at=NOW, expires_at=NOW
    )
    async with store.unit_of_work() as uow:
        await uow.refresh_tokens.add(token)
        assert await uow.refresh_tokens.mark_used("h", NOW)
        assert not await uow.refresh_tokens.mark_used("h", NOW)
        assert not await uow.refresh_tokens.mark_used("unknown", NOW)
