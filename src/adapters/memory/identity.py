"""In-memory repositories and unit of work of the auth service.

:class:`InMemoryIdentityStore` is the "database" shared by every unit of work made from it.
A unit of work applies each change to the store at once and keeps an undo log; leaving it
without :meth:`~InMemoryAuthUnitOfWork.commit` replays the log backwards, so a failed use
case leaves nothing behind. Single operations are atomic (one event loop, no ``await``
inside them), which makes :meth:`~InMemoryRefreshTokens.mark_used` a true compare-and-set.
Isolation is read-uncommitted: good enough for tests and the embedded default of one
process, not a substitute for the SQL adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Self, TypeVar
from uuid import UUID

from adapters.memory.messaging import InMemoryOutbox
from adapters.memory.second_factor import InMemorySecondFactors, SecondFactorState
from questlog_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from questlog_core.events import DomainEvent
from questlog_core.identity.external import ExternalLink
from questlog_core.identity.tokens import (
    PasswordResetToken,
    PersonalApiToken,
    RefreshToken,
    SessionFamily,
)
from questlog_core.identity.users import User
from questlog_core.ids import EventId, UserId
from questlog_core.kernel.messaging import OutboxRecord

Undo = Callable[[], None]
K = TypeVar("K")
V = TypeVar("V")


@dataclass
class InMemoryIdentityStore:
    """Everything the auth service persists, plus its outbox and inbox."""

    users: dict[UserId, User] = field(default_factory=dict)
    emails: dict[str, UserId] = field(default_factory=dict)
    families: dict[UUID, SessionFamily] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    reset_tokens: dict[str, PasswordResetToken] = field(default_factory=dict)
    api_tokens: dict[UUID, PersonalApiToken] = field(default_factory=dict)
    #: external identities by (provider, subject)
    external_links: dict[tuple[str, str], ExternalLink] = field(default_factory=dict)
    second_factors: SecondFactorState = field(default_factory=SecondFactorState)
    outbox: list[DomainEvent] = field(default_factory=list)
    inbox: set[tuple[str, EventId]] = field(default_factory=set)
    published: set[EventId] = field(default_factory=set)

    def unit_of_work(self) -> InMemoryAuthUnitOfWork:
        """A fresh unit of work on this store (use as the use cases' factory)."""
        return InMemoryAuthUnitOfWork(self)

    def outbox_reader(self) -> InMemoryOutbox:
        """The outbox port over this store."""
        return InMemoryOutbox(lambda: [OutboxRecord.of(e) for e in self.outbox], self.published)


def _restore(mapping: dict[K, V], key: K, old: V | None) -> Undo:
    """An undo step putting ``mapping[key]`` back to ``old`` (``None``: absent)."""

    def undo() -> None:
        if old is None:
            mapping.pop(key, None)
        else:
            mapping[key] = old

    return undo


class _Journal:
    def __init__(self) -> None:
        self.undo: list[Undo] = []
        self.events: list[DomainEvent] = []


class InMemoryUsers:
    def __init__(self, store: InMemoryIdentityStore, journal: _Journal) -> None:
        self._store = store
        self._journal = journal

    async def get(self, user_id: UserId) -> User:
        user = await self.find(user_id)
        if user is None:
            raise NotFound("user", user_id)
        return user

    async def find(self, user_id: UserId) -> User | None:
        user = self._store.users.get(user_id)
        return user.copy() if user is not None else None

    async def by_email(self, email: str) -> User | None:
        user_id = self._store.emails.get(email)
        return await self.find(user_id) if user_id is not None else None

    async def page(self, *, after_email: str | None = None, limit: int = 100) -> list[User]:
        emails = sorted(e for e in self._store.emails if after_email is None or e > after_email)
        return [self._store.users[self._store.emails[e]].copy() for e in emails[:limit]]

    async def add(self, user: User) -> None:
        if user.email in self._store.emails or user.id in self._store.users:
            raise AlreadyExists("user", user.email)
        stored = user.copy()
        stored._events = []
        self._store.users[user.id] = stored
        self._store.emails[user.email] = user.id
        self._journal.undo.append(_restore(self._store.users, user.id, None))
        self._journal.undo.append(_restore(self._store.emails, user.email, None))
        self._journal.events.extend(user.pull_events())

    async def save(self, user: User) -> None:
        current = self._store.users.get(user.id)
        if current is None:
            raise NotFound("user", user.id)
        if current.version != user.version:
            raise ConcurrencyConflict("user", user.id, user.version, current.version)
        if user.email != current.email:
            owner = self._store.emails.get(user.email)
            if owner is not None and owner != user.id:
                raise AlreadyExists("user", user.email)
            self._store.emails[user.email] = user.id
            self._store.emails.pop(current.email, None)
            self._journal.undo.append(_restore(self._store.emails, user.email, None))
            self._journal.undo.append(_restore(self._store.emails, current.email, user.id))
        user.version += 1
        stored = user.copy()
        stored._events = []
        self._store.users[user.id] = stored
        self._journal.undo.append(_restore(self._store.users, user.id, current))
        self._journal.events.extend(user.pull_events())


class InMemoryRefreshTokens:
    def __init__(self, store: InMemoryIdentityStore, journal: _Journal) -> None:
        self._store = store
        self._journal = journal

    async def add_family(self, family: SessionFamily) -> None:
        if family.id in self._store.families:
            raise AlreadyExists("session", family.id)
        self._store.families[family.id] = family.copy()
        self._journal.undo.append(_restore(self._store.families, family.id, None))

    async def get_family(self, family_id: UUID) -> SessionFamily | None:
        family = self._store.families.get(family_id)
        return family.copy() if family is not None else None

    async def families_of(self, user_id: UserId) -> list[SessionFamily]:
        found = [f.copy() for f in self._store.families.values() if f.user_id == user_id]
        return sorted(found, key=lambda f: (f.created_at, str(f.id)))

    def _update_family(self, family_id: UUID, change: Callable[[SessionFamily], None]) -> None:
        current = self._store.families[family_id]
        updated = current.copy()
        change(updated)
        self._store.families[family_id] = updated
        self._journal.undo.append(_restore(self._store.families, family_id, current))

    async def touch_family(self, family_id: UUID, at: datetime) -> None:
        if family_id in self._store.families:

            def touch(f: SessionFamily) -> None:
                f.last_used_at = max(f.last_used_at, at)

            self._update_family(family_id, touch)

    async def revoke_family(self, family_id: UUID, at: datetime, reason: str) -> bool:
        family = self._store.families.get(family_id)
        if family is None or family.revoked_at is not None:
            return False

        def revoke(f: SessionFamily) -> None:
            f.revoked_at = at
            f.revoked_reason = reason

        self._update_family(family_id, revoke)
        return True

    async def revoke_families_of(self, user_id: UserId, at: datetime, reason: str) -> int:
        ids = [f.id for f in self._store.families.values() if f.user_id == user_id]
        revoked = 0
        for family_id in ids:
            revoked += await self.revoke_family(family_id, at, reason)
        return revoked

    async def add(self, token: RefreshToken) -> None:
        if token.token_hash in self._store.refresh_tokens:
            raise AlreadyExists("refresh token", "hash")
        self._store.refresh_tokens[token.token_hash] = token.copy()
        self._journal.undo.append(_restore(self._store.refresh_tokens, token.token_hash, None))

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        token = self._store.refresh_tokens.get(token_hash)
        return token.copy() if token is not None else None

    async def mark_used(self, token_hash: str, at: datetime) -> bool:
        current = self._store.refresh_tokens.get(token_hash)
        if current is None or current.used_at is not None:
            return False
        updated = current.copy()
        updated.used_at = at
        self._store.refresh_tokens[token_hash] = updated
        self._journal.undo.append(_restore(self._store.refresh_tokens, token_hash, current))
        return True


class InMemoryResetTokens:
    def __init__(self, store: InMemoryIdentityStore, journal: _Journal) -> None:
        self._store = store
        self._journal = journal

    async def add(self, token: PasswordResetToken) -> None:
        self._store.reset_tokens[token.token_hash] = token.copy()
        self._journal.undo.append(_restore(self._store.reset_tokens, token.token_hash, None))

    async def by_hash(self, token_hash: str) -> PasswordResetToken | None:
        token = self._store.reset_tokens.get(token_hash)
        return token.copy() if token is not None else None

    async def consume(self, token_hash: str, at: datetime) -> bool:
        current = self._store.reset_tokens.get(token_hash)
        if current is None or current.used_at is not None:
            return False
        updated = current.copy()
        updated.used_at = at
        self._store.reset_tokens[token_hash] = updated
        self._journal.undo.append(_restore(self._store.reset_tokens, token_hash, current))
        return True

    async def invalidate_all(self, user_id: UserId, at: datetime) -> int:
        hashes = [
            h
            for h, t in self._store.reset_tokens.items()
            if t.user_id == user_id and t.used_at is None
        ]
        for token_hash in hashes:
            await self.consume(token_hash, at)
        return len(hashes)


class InMemoryApiTokens:
    def __init__(self, store: InMemoryIdentityStore, journal: _Journal) -> None:
        self._store = store
        self._journal = journal

    async def add(self, token: PersonalApiToken) -> None:
        self._store.api_tokens[token.id] = token.copy()
        self._journal.undo.append(_restore(self._store.api_tokens, token.id, None))

    async def by_hash(self, token_hash: str) -> PersonalApiToken | None:
        for token in self._store.api_tokens.values():
            if token.token_hash == token_hash:
                return token.copy()
        return None

    async def list_of(self, user_id: UserId) -> list[PersonalApiToken]:
        found = [t.copy() for t in self._store.api_tokens.values() if t.user_id == user_id]
        return sorted(found, key=lambda t: (t.created_at, str(t.id)))

    async def get(self, user_id: UserId, token_id: UUID) -> PersonalApiToken | None:
        token = self._store.api_tokens.get(token_id)
        # another user's token is "not found", never "forbidden"
        return token.copy() if token is not None and token.user_id == user_id else None

    def _update(self, token_id: UUID, change: Callable[[PersonalApiToken], None]) -> None:
        current = self._store.api_tokens[token_id]
        updated = current.copy()
        change(updated)
        self._store.api_tokens[token_id] = updated
        self._journal.undo.append(_restore(self._store.api_tokens, token_id, current))

    async def revoke(self, user_id: UserId, token_id: UUID, at: datetime) -> bool:
        token = self._store.api_tokens.get(token_id)
        if token is None or token.user_id != user_id or token.revoked_at is not None:
            return False

        def revoke(t: PersonalApiToken) -> None:
            t.revoked_at = at

        self._update(token_id, revoke)
        return True

    async def touch(self, token_id: UUID, at: datetime) -> None:
        if token_id in self._store.api_tokens:

            def touch(t: PersonalApiToken) -> None:
                t.last_used_at = at

            self._update(token_id, touch)


class InMemoryExternalIdentities:
    def __init__(self, store: InMemoryIdentityStore, journal: _Journal) -> None:
        self._store = store
        self._journal = journal

    async def add(self, link: ExternalLink) -> None:
        key = (link.provider, link.subject)
        taken = key in self._store.external_links or any(
            k.user_id == link.user_id and k.provider == link.provider
            for k in self._store.external_links.values()
        )
        if taken:
            raise AlreadyExists("external identity", f"{link.provider}:{link.subject}")
        self._store.external_links[key] = link
        self._journal.undo.append(_restore(self._store.external_links, key, None))

    async def by_subject(self, provider: str, subject: str) -> ExternalLink | None:
        return self._store.external_links.get((provider, subject))

    async def list_of(self, user_id: UserId) -> list[ExternalLink]:
        found = [k for k in self._store.external_links.values() if k.user_id == user_id]
        return sorted(found, key=lambda k: k.provider)

    async def remove(self, user_id: UserId, provider: str) -> bool:
        for key, link in list(self._store.external_links.items()):
            if link.user_id == user_id and link.provider == provider:
                del self._store.external_links[key]
                self._journal.undo.append(_restore(self._store.external_links, key, link))
                return True
        return False


class _Inbox:
    def __init__(self, uow: InMemoryAuthUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        return await self._uow.claim(consumer, event_id)


class InMemoryAuthUnitOfWork:
    """The auth unit of work on an :class:`InMemoryIdentityStore` (see the module doc)."""

    def __init__(self, store: InMemoryIdentityStore) -> None:
        self._store = store
        self._journal = _Journal()
        self._open = False
        self._last_committed: list[DomainEvent] = []
        self.inbox = _Inbox(self)
        self.users = InMemoryUsers(store, self._journal)
        self.refresh_tokens = InMemoryRefreshTokens(store, self._journal)
        self.reset_tokens = InMemoryResetTokens(store, self._journal)
        self.api_tokens = InMemoryApiTokens(store, self._journal)
        self.external_identities = InMemoryExternalIdentities(store, self._journal)
        self.second_factors = InMemorySecondFactors(store.second_factors, self._journal)

    async def __aenter__(self) -> Self:
        if self._open:
            raise RuntimeError("this unit of work is already open")
        self._open = True
        self._journal.undo.clear()
        self._journal.events.clear()
        self._last_committed = []
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._rollback()
        self._open = False

    async def commit(self) -> None:
        """Keep every change and append the recorded events to the outbox."""
        if not self._open:
            raise RuntimeError("commit outside 'async with'")
        self._store.outbox.extend(self._journal.events)
        self._last_committed = list(self._journal.events)
        self._journal.undo.clear()
        self._journal.events.clear()

    async def rollback(self) -> None:
        """Undo every change and claim since the transaction began; the unit goes on."""
        self._rollback()
        self._last_committed = []

    def record(self, *events: DomainEvent) -> None:
        self._journal.events.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        return list(self._last_committed)

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        """Claim ``event_id`` for ``consumer`` in the inbox (what ``inbox.claim`` does)."""
        key = (consumer, event_id)
        if key in self._store.inbox:
            return False
        self._store.inbox.add(key)
        self._journal.undo.append(lambda: self._store.inbox.discard(key))
        return True

    def _rollback(self) -> None:
        while self._journal.undo:
            self._journal.undo.pop()()
        self._journal.events.clear()


__all__ = [
    "InMemoryApiTokens",
    "InMemoryAuthUnitOfWork",
    "InMemoryExternalIdentities",
    "InMemoryIdentityStore",
    "InMemoryRefreshTokens",
    "InMemoryResetTokens",
    "InMemoryUsers",
]
