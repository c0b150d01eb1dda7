"""Contract of the linked external identities (``uow.external_identities``), on memory, SQLite
and PostgreSQL: one account per (provider, subject), one identity per provider for an account,
nothing kept unless committed, each account sees and unlinks only its own; and on SQL the
auth service's erasure of a deleted account removes its links."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.erasure import SqlErasureUnitOfWork
from adapters.sql.tables import auth as auth_tables
from questlog_core.errors import AlreadyExists
from questlog_core.events.identity import AccountDeleted
from questlog_core.identity.external import ExternalLink
from questlog_core.ids import EventId, UserId
from questlog_core.moving.erasure import erase_account

from .test_auth_repositories import AuthBackend

NOW = datetime(2026, 12, 7, 3, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def auth_backend(backend: str, engine: AsyncEngine | None) -> AuthBackend:
    return AuthBackend(backend, engine)


def link(user: UserId, provider: str = "google", subject: str = "1001") -> ExternalLink:
    return ExternalLink(
        user_id=user, provider=provider, subject=subject, email="p@example.com", linked_at=NOW
    )


async def test_a_link_is_kept_once_committed_and_found_by_subject(
    auth_backend: AuthBackend,
) -> None:
    alice = UserId(uuid.uuid4())
    async with auth_backend.uow() as uow:
        await uow.external_identities.add(link(alice))
    async with auth_backend.uow() as uow:  # not committed: gone
        assert await uow.external_identities.by_subject("google", "1001") is None
        await uow.external_identities.add(link(alice))
        await uow.commit()
    async with auth_backend.uow() as uow:
        found = await uow.external_identities.by_subject("google", "1001")
        assert found == link(alice)  # the instant comes back to the microsecond
        assert await uow.external_identities.by_subject("github", "1001") is None
        assert await uow.external_identities.list_of(alice) == [link(alice)]


async def test_an_identity_links_one_account_and_an_account_one_identity_per_provider(
    auth_backend: AuthBackend,
) -> None:
    alice, bob = UserId(uuid.uuid4()), UserId(uuid.uuid4())
    async with auth_backend.uow() as uow:
        await uow.external_identities.add(link(alice))
        await uow.commit()
    async with auth_backend.uow() as uow:
        with pytest.raises(AlreadyExists):  # the same Google person for another account
            await uow.external_identities.add(link(bob))
        with pytest.raises(AlreadyExists):  # a second Google identity for alice
            await uow.external_identities.add(link(alice, subject="2002"))
        await uow.external_identities.add(link(alice, provider="github", subject="1001"))
        await uow.commit()
    async with auth_backend.uow() as uow:
        providers = [k.provider for k in await uow.external_identities.list_of(alice)]
        assert providers == ["github", "google"]
        assert await uow.external_identities.list_of(bob) == []


async def test_an_account_unlinks_only_its_own_identity(auth_backend: AuthBackend) -> None:
    alice, bob = UserId(uuid.uuid4()), UserId(uuid.uuid4())
    async with auth_backend.uow() as uow:
        await uow.external_identities.add(link(alice))
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.external_identities.remove(bob, "google") is False
        assert await uow.external_identities.remove(alice, "google") is True
    async with auth_backend.uow() as uow:  # rolled back: still linked
        assert await uow.external_identities.by_subject("google", "1001") is not None
        assert await uow.external_identities.remove(alice, "google") is True
        await uow.commit()
    async with auth_backend.uow() as uow:
        assert await uow.external_identities.by_subject("google", "1001") is None


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_erasing_a_deleted_account_removes_its_links_only(
    auth_backend: AuthBackend, engine: AsyncEngine | None
) -> None:
    assert engine is not None
    gone, kept = UserId(uuid.uuid4()), UserId(uuid.uuid4())
    async with auth_backend.uow() as uow:
        await uow.external_identities.add(link(gone, subject="1"))
        await uow.external_identities.add(link(gone, provider="github", subject="1"))
        await uow.external_identities.add(link(kept, subject="2"))
        await uow.commit()
    event = AccountDeleted(event_id=EventId(uuid.uuid4()), occurred_at=NOW, owner=gone)
    await erase_account(event, SqlErasureUnitOfWork.of("auth", engine), "auth.erasure")
    table = auth_tables.external_identities
    async with engine.connect() as connection:
        rows = await connection.execute(select(table.c.user_id, func.count()).group_by("user_id"))
        assert {row[0]: row[1] for row in rows} == {kept: 1}
