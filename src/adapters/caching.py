"""Read-aside / write-through caching of owner-scoped reads (quests, profiles) over any ``Cache``.

Design: **per-owner generations**, not invalidate-then-write. Every owner has, per scope
(``"quests"``, ``"profile"``), a generation token stored in the cache. Every cached value is
stored with the token that was current *before* it was loaded, and is served only while that
token is still current. A write (after its transaction commits) or an event about the owner
replaces the token, which at once orphans every value cached for that owner in that scope:
single quests, list pages, counts. Tokens are random and never reused.

Why not "delete the key on write": a reader that missed, loaded the old row, and stores it
*after* the writer's delete would put the stale row back until the TTL (the classic read-aside
race). With generations that late store is tagged with the old token and is never served.

The guarantee: once a write has committed and its ``put``/``invalidate`` has returned, no
reader anywhere is served the state from before the write, as long as the cache took the
invalidation. If the cache is unreachable at that moment the Redis adapter queues the
invalidation, serves nothing for that process until it is replayed, and entries expire by
TTL in any case (see ``docs/redis.md``). Residual limitation of write-through: two *committed*
writes of the same owner's scope racing each other may store their values out of order; the
later write's token then names the earlier value. Callers that cannot accept that window use
``invalidate`` instead of ``put`` (the next read loads from the source of truth).
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Awaitable, Callable, Collection
from datetime import timedelta
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, runtime_checkable
from uuid import UUID

import msgspec

from adapters.after_commit import AfterCommitUnitOfWork, Effect
from questlog_core.events import DomainEvent
from questlog_core.identity.users import User
from questlog_core.ids import QuestId, UserId
from questlog_core.ports.identity import (
    AuthUnitOfWork,
    UserRepository,
)
from questlog_core.ports.platform import Cache, IdFactory
from questlog_core.ports.quests import (
    Page,
    QuestQuery,
    QuestRepository,
    QuestUnitOfWork,
)
from questlog_core.quests.model import Quest, QuestStatus

log = logging.getLogger(__name__)

T = TypeVar("T")
Q = TypeVar("Q")
P = TypeVar("P")
Q_co = TypeVar("Q_co", covariant=True)
P_co = TypeVar("P_co", covariant=True)
S = TypeVar("S", bound=msgspec.Struct)

_SEP = b"|"


@runtime_checkable
class BatchCache(Protocol):
    """A cache that can read several keys in one round trip (both our adapters can)."""

    async def get_many(self, *keys: str) -> list[bytes | None]: ...


class Codec(Protocol[T]):
    """Turns a value into cacheable bytes and back."""

    def encode(self, value: T) -> bytes: ...
    def decode(self, data: bytes) -> T: ...


class MsgspecCodec(Generic[T]):
    """JSON via msgspec for any type msgspec understands (Structs, dataclasses, lists...)."""

    def __init__(self, type_: type[T]) -> None:
        self._encoder = msgspec.json.Encoder()
        self._decoder: msgspec.json.Decoder[T] = msgspec.json.Decoder(type_)

    def encode(self, value: T) -> bytes:
        return self._encoder.encode(value)

    def decode(self, data: bytes) -> T:
        return self._decoder.decode(data)


class ReadStats:
    """How many reads a cache served (``hits``) and how many had to load (``misses``).

    Plain counters, bumped on the read path at the cost of an integer add; the metrics
    endpoint reads them when scraped. Per process, since the process started.
    """

    __slots__ = ("hits", "misses")

    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0


class CachedReads(Generic[T]):
    """Read-aside cache for one kind of value in one owner scope, invalidated by generation.

    Several instances with the same ``scope`` (e.g. a quest and a page of quests) share the
    owner's generation, so one write invalidates them all.
    """

    def __init__(
        self,
        cache: Cache,
        ids: IdFactory,
        codec: Codec[T],
        *,
        scope: str,
        kind: str,
        ttl: timedelta = timedelta(minutes=5),
        generation_ttl: timedelta = timedelta(days=1),
    ) -> None:
        self._cache = cache
        self._ids = ids
        self._codec = codec
        self._scope = scope
        self._kind = kind
        self._ttl = ttl
        self._generation_ttl = generation_ttl
        # Checked once: isinstance against a runtime Protocol costs tens of µs per call.
        self._batch: BatchCache | None = cache if isinstance(cache, BatchCache) else None
        #: reads served from the cache, and reads that had to load (for the metrics)
        self.stats = ReadStats()

    def _generation_key(self, owner: UUID) -> str:
        return f"{self._scope}:gen:{owner}"

    def _value_key(self, owner: UUID, key: str) -> str:
        return f"{self._scope}:{owner}:{self._kind}:{key}"

    def keys(self, owner: UUID, key: str) -> list[str]:
        """The cache keys one :meth:`get` of ``key`` reads (generation first)."""
        return [self._generation_key(owner), self._value_key(owner, key)]

    async def _read(self, owner: UUID, key: str) -> tuple[bytes | None, bytes | None]:
        gen_key, value_key = self._generation_key(owner), self._value_key(owner, key)
        if self._batch is not None:
            generation, envelope = await self._batch.get_many(gen_key, value_key)
            return generation, envelope
        # Generation first: a value read after it can only be as new or newer.
        generation = await self._cache.get(gen_key)
        return generation, await self._cache.get(value_key)

    async def get(self, owner: UUID, key: str, load: Callable[[], Awaitable[T]]) -> T:
        """The cached value if it is current for ``owner``; otherwise ``load()`` and cache it.

        Errors from ``load`` (e.g. ``QuestNotFound``) propagate and nothing is cached.
        """
        generation, envelope = await self._read(owner, key)
        if generation is None:
            # No generation yet (first read, expiry, or Redis restarted): start one *before*
            # loading, so a write that commits during the load replaces it.
            generation = self._ids.new_id().hex.encode()
            await self._cache.set(self._generation_key(owner), generation, self._generation_ttl)
        elif envelope is not None:
            token, _, payload = envelope.partition(_SEP)
            if token == generation:
                try:
                    value = self._codec.decode(payload)
                except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                    log.warning("ignoring undecodable cache entry %s: %s", key, exc)
                else:
                    self.stats.hits += 1
                    return value
        self.stats.misses += 1
        value = await load()
        await self._store(owner, key, generation, value)
        return value

    async def put(self, owner: UUID, key: str, value: T) -> None:
        """Write-through after a committed write: new generation, then the new value under it."""
        generation = await self._bump(owner)
        await self._store(owner, key, generation, value)

    async def invalidate(self, owner: UUID) -> None:
        """Forget everything cached for ``owner`` in this scope (after a committed write).

        One round trip: deleting the generation is enough. Every cached value carries the
        generation it was read under, and the next read starts a new, random one, which no
        value stored before (even by a read that loaded before this write committed) can
        carry. A failed delete is queued for replay by the Redis adapter, which then serves
        nothing from this process until the invalidation has landed.
        """
        await self._cache.delete(self._generation_key(owner))

    async def _bump(self, owner: UUID) -> bytes:
        gen_key = self._generation_key(owner)
        # Delete first: a failed delete is queued for replay by the Redis adapter, which then
        # serves nothing from this process until the invalidation has landed.
        await self._cache.delete(gen_key)
        generation = self._ids.new_id().hex.encode()
        await self._cache.set(gen_key, generation, self._generation_ttl)
        return generation

    async def _store(self, owner: UUID, key: str, generation: bytes, value: T) -> None:
        envelope = generation + _SEP + self._codec.encode(value)
        await self._cache.set(self._value_key(owner, key), envelope, self._ttl)


class QuestSource(Protocol[Q_co]):
    """Where quests really come from (the quest repository or a read model)."""

    async def get(self, owner: UUID, quest_id: UUID) -> Q_co: ...


class CachedQuestReads(Generic[Q]):
    """Quest reads through the cache: ``get`` → cache → source; writes and events invalidate.

    Every write path calls :meth:`written` after its transaction commits; the event consumer
    calls :meth:`on_event` for quest events published by other processes.
    """

    SCOPE = "quests"

    def __init__(
        self,
        source: QuestSource[Q],
        cache: Cache,
        ids: IdFactory,
        quest_type: type[Q],
        *,
        ttl: timedelta = timedelta(minutes=5),
    ) -> None:
        self._source = source
        self._reads: CachedReads[Q] = CachedReads(
            cache, ids, MsgspecCodec(quest_type), scope=self.SCOPE, kind="quest", ttl=ttl
        )

    @property
    def stats(self) -> ReadStats:
        """Hits and misses of these reads (see :class:`ReadStats`)."""
        return self._reads.stats

    async def get(self, owner: UUID, quest_id: UUID) -> Q:
        """One quest of ``owner``; another owner's quest is the source's not-found."""
        return await self._reads.get(
            owner, str(quest_id), lambda: self._source.get(owner, quest_id)
        )

    def keys(self, owner: UUID, quest_id: UUID) -> list[str]:
        """The cache keys :meth:`get` reads for this quest (to read them ahead)."""
        return self._reads.keys(owner, str(quest_id))

    async def invalidate(self, owner: UUID) -> None:
        """Forget every quest read cached for ``owner`` (after a committed write)."""
        await self._reads.invalidate(owner)

    async def written(self, owner: UUID, quest_id: UUID, quest: Q | None = None) -> None:
        """After a committed write: write ``quest`` through, or just invalidate (deleted)."""
        if quest is None:
            await self._reads.invalidate(owner)
        else:
            await self._reads.put(owner, str(quest_id), quest)

    async def on_event(self, event: DomainEvent) -> None:
        """Any quest event about an owner invalidates that owner's cached quests."""
        if event.type_name().startswith("quest."):
            await self._reads.invalidate(event.owner)


class BodyCodec:
    """Bytes kept as they are: for a value cached as the exact body it is served as."""

    def encode(self, value: bytes) -> bytes:
        return value

    def decode(self, data: bytes) -> bytes:
        return data


class CachedQuestPages:
    """Pages of an owner's quest listing through the cache, in the quests' scope.

    A page shares its owner's generation with the single quests (:class:`CachedQuestReads`),
    so every committed write of any of the owner's quests, and every quest event about them,
    orphans every page cached for that owner at once. A page is named by ``key`` (the
    caller's canonical form of the listing's query: filters, order, cursor, size) and kept
    as its encoded body, so a hit is served without decoding and encoding 50 quests again.
    """

    def __init__(
        self, cache: Cache, ids: IdFactory, *, ttl: timedelta = timedelta(minutes=5)
    ) -> None:
        self._reads: CachedReads[bytes] = CachedReads(
            cache, ids, BodyCodec(), scope=CachedQuestReads.SCOPE, kind="page", ttl=ttl
        )

    @property
    def stats(self) -> ReadStats:
        """Hits and misses of these reads (see :class:`ReadStats`)."""
        return self._reads.stats

    async def get(self, owner: UUID, key: str, load: Callable[[], Awaitable[bytes]]) -> bytes:
        """The body of the page named ``key`` of ``owner``'s listing: cached if current,
        else ``load()`` (which encodes it)."""
        return await self._reads.get(owner, key, load)

    def keys(self, owner: UUID, key: str) -> list[str]:
        """The cache keys :meth:`get` reads for this page (to read them ahead)."""
        return self._reads.keys(owner, key)


class OwnerInvalidation(Protocol):
    """What forgets an owner's cached reads (:class:`CachedQuestReads`, :class:`CachedProfiles`)."""

    async def invalidate(self, owner: UUID) -> None: ...


class _WriteNotingQuests:
    """The quest repository of an :class:`InvalidatingQuestUnitOfWork`: notes the owner of
    every quest it adds, updates or deletes (some writes record no event, e.g. relabelling an
    archived quest when its category is renamed)."""

    def __init__(self, inner: QuestRepository, owners: set[UserId]) -> None:
        self._inner = inner
        self._owners = owners

    async def get(self, owner: UserId, quest_id: QuestId) -> Quest:
        return await self._inner.get(owner, quest_id)

    async def add(self, quest: Quest) -> None:
        self._owners.add(quest.owner)
        await self._inner.add(quest)

    async def update(self, quest: Quest, expected_version: int) -> None:
        self._owners.add(quest.owner)
        await self._inner.update(quest, expected_version)

    async def delete(self, owner: UserId, quest_id: QuestId) -> None:
        self._owners.add(owner)
        await self._inner.delete(owner, quest_id)

    async def list(self, owner: UserId, query: QuestQuery) -> Page[Quest]:
        return await self._inner.list(owner, query)

    async def list_as(self, owner: UserId, query: QuestQuery, shape: type[S]) -> Page[S]:
        return await self._inner.list_as(owner, query, shape)

    async def statuses(
        self, owner: UserId, quest_ids: Collection[QuestId]
    ) -> dict[QuestId, QuestStatus]:
        return await self._inner.statuses(owner, quest_ids)

    async def children(self, owner: UserId, parent_id: QuestId) -> builtins.list[Quest]:
        return await self._inner.children(owner, parent_id)

    async def get_occurrence(
        self, owner: UserId, series_id: QuestId, occurrence: int
    ) -> Quest | None:
        return await self._inner.get_occurrence(owner, series_id, occurrence)


class InvalidatingQuestUnitOfWork(AfterCommitUnitOfWork[QuestUnitOfWork]):
    """A quest unit of work that keeps the quest read cache honest, in one place for every
    write path (create, bulk, update, delete, status changes, progress, checklist,
    dependencies, templates, categories, recurrence...).

    After each successful ``commit`` it invalidates the cached quests of every owner whose
    quests it wrote or whose events it committed, *before* the use case returns, so the
    writer's next read (anywhere the cache is shared) loads the committed state. A rolled-back
    or failed commit invalidates nothing (nothing changed). See
    :class:`~adapters.after_commit.AfterCommitUnitOfWork`.
    """

    def __init__(self, inner: QuestUnitOfWork, reads: OwnerInvalidation) -> None:
        super().__init__(inner)
        self._reads = reads
        self._owners: set[UserId] = set()
        self._quests = _WriteNotingQuests(inner.quests, self._owners)

    @property
    def quests(self) -> QuestRepository:
        return self._quests

    def _forget(self) -> None:
        self._owners.clear()

    def _effect(self) -> Effect:
        owners = self._owners | {UserId(e.owner) for e in self._inner.committed_events()}
        self._owners.clear()

        async def invalidate() -> None:
            for owner in owners:
                await self._reads.invalidate(owner)

        return invalidate


class ProfileSource(Protocol[P_co]):
    """Where profiles really come from."""

    async def get(self, user_id: UUID) -> P_co: ...


class CachedProfiles(Generic[P]):
    """Profile reads through the cache; profile writes and any event about the user invalidate
    (XP, levels and streaks shown on a profile change with gamification events)."""

    SCOPE = "profile"

    def __init__(
        self,
        source: ProfileSource[P],
        cache: Cache,
        ids: IdFactory,
        profile_type: type[P],
        *,
        ttl: timedelta = timedelta(minutes=10),
    ) -> None:
        self._source = source
        self._reads: CachedReads[P] = CachedReads(
            cache, ids, MsgspecCodec(profile_type), scope=self.SCOPE, kind="profile", ttl=ttl
        )

    @property
    def stats(self) -> ReadStats:
        """Hits and misses of these reads (see :class:`ReadStats`)."""
        return self._reads.stats

    async def get(self, user_id: UUID) -> P:
        """The user's profile."""
        return await self._reads.get(user_id, "me", lambda: self._source.get(user_id))

    async def written(self, user_id: UUID, profile: P) -> None:
        """After a committed profile update: write it through."""
        await self._reads.put(user_id, "me", profile)

    async def invalidate(self, user_id: UUID) -> None:
        """Forget the cached profile of ``user_id`` (after a committed write to the user)."""
        await self._reads.invalidate(user_id)

    async def on_event(self, event: DomainEvent) -> None:
        """Any event about the user may change what the profile shows."""
        await self._reads.invalidate(event.owner)


class _WriteNotingUsers:
    """The user repository of an :class:`InvalidatingAuthUnitOfWork`: notes every user it
    adds or saves."""

    def __init__(self, inner: UserRepository, users: set[UserId]) -> None:
        self._inner = inner
        self._users = users

    async def get(self, user_id: UserId) -> User:
        return await self._inner.get(user_id)

    async def find(self, user_id: UserId) -> User | None:
        return await self._inner.find(user_id)

    async def by_email(self, email: str) -> User | None:
        return await self._inner.by_email(email)

    async def page(self, *, after_email: str | None = None, limit: int = 100) -> list[User]:
        return await self._inner.page(after_email=after_email, limit=limit)

    async def add(self, user: User) -> None:
        self._users.add(user.id)
        await self._inner.add(user)

    async def save(self, user: User) -> None:
        self._users.add(user.id)
        await self._inner.save(user)


class InvalidatingAuthUnitOfWork(AfterCommitUnitOfWork[AuthUnitOfWork]):
    """An auth unit of work that keeps the profile cache honest for every write to a user
    (profile update, password change or reset, role grant/revoke, disable/enable, rehash on
    sign-in...): after each successful ``commit`` it invalidates the cached profile of every
    user it added or saved, *before* the use case returns. A rolled-back or failed commit
    invalidates nothing. Invalidation, not write-through: the next read loads the committed
    row, so two racing writes can never leave the older one cached. See
    :class:`~adapters.after_commit.AfterCommitUnitOfWork`."""

    def __init__(self, inner: AuthUnitOfWork, profiles: OwnerInvalidation) -> None:
        super().__init__(inner)
        self._profiles = profiles
        self._written: set[UserId] = set()
        self._users = _WriteNotingUsers(inner.users, self._written)

    @property
    def users(self) -> UserRepository:
        return self._users

    def _forget(self) -> None:
        self._written.clear()

    def _effect(self) -> Effect:
        written = set(self._written)
        self._written.clear()

        async def invalidate() -> None:
            for user_id in written:
                await self._profiles.invalidate(user_id)

        return invalidate


__all__ = [
    "BatchCache",
    "BodyCodec",
    "CachedProfiles",
    "CachedQuestPages",
    "CachedQuestReads",
    "CachedReads",
    "Codec",
    "InvalidatingAuthUnitOfWork",
    "InvalidatingQuestUnitOfWork",
    "MsgspecCodec",
    "OwnerInvalidation",
    "ProfileSource",
    "QuestSource",
    "ReadStats",
]


if TYPE_CHECKING:  # the wrappers satisfy the ports (checked by mypy, free at runtime)

    def _satisfies_ports(
        quests: QuestUnitOfWork, auth: AuthUnitOfWork, reads: OwnerInvalidation
    ) -> tuple[QuestUnitOfWork, AuthUnitOfWork]:
        return InvalidatingQuestUnitOfWork(quests, reads), InvalidatingAuthUnitOfWork(auth, reads)
