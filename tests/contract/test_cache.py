"""Contract of the ``Cache`` port and of generation-versioned read-aside caching over it.

Every test runs against the in-process cache and against real Redis with the same assertions.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import msgspec
import pytest

from adapters.caching import CachedProfiles, CachedQuestReads, CachedReads, MsgspecCodec
from adapters.memory.cache import MemoryCache
from adapters.memory.clock import FixedClock, RandomIds
from adapters.redis.cache import RedisCache
from adapters.redis.client import KeySpace, connect
from questlog_core.errors import QuestNotFound
from questlog_core.events.quests import QuestCompleted, QuestCreated
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.ports.platform import Cache
from tests.contract.redis_fixtures import redis_keys  # noqa: F401

MINUTE = timedelta(minutes=1)


@dataclass
class Harness:
    cache: Cache
    elapse: Callable[[timedelta], Awaitable[None]]


@pytest.fixture(params=["memory", "redis"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    clock = FixedClock(datetime.now(UTC))
    if request.param == "memory":

        async def advance(delta: timedelta) -> None:
            clock.advance(delta)

        yield Harness(MemoryCache(clock), advance)
        return
    url: str = request.getfixturevalue("redis_url")
    keys: KeySpace = request.getfixturevalue("redis_keys")
    client = connect(url)

    async def wait(delta: timedelta) -> None:
        # Redis expires on its own clock: let the time really pass.
        await asyncio.sleep(delta.total_seconds())

    yield Harness(RedisCache(client, keys), wait)
    await client.aclose()


class Quest(msgspec.Struct, frozen=True):
    id: UUID
    owner: UUID
    title: str
    version: int = 1


class Store:
    """A source of truth that counts how often it is read."""

    def __init__(self) -> None:
        self.quests: dict[tuple[UUID, UUID], Quest] = {}
        self.loads = 0
        self.during_load: Callable[[], Awaitable[None]] | None = None

    async def get(self, owner: UUID, quest_id: UUID) -> Quest:
        self.loads += 1
        found = self.quests.get((owner, quest_id))
        if found is None:
            raise QuestNotFound(quest_id)
        if self.during_load is not None:
            hook, self.during_load = self.during_load, None
            await hook()  # something happens after our row was read, before it is cached
        return found


# --- the Cache port -----------------------------------------------------------------------


async def test_a_key_never_set_is_a_miss(harness: Harness) -> None:
    assert await harness.cache.get("nothing-here") is None


async def test_what_is_set_is_read_back_byte_for_byte(harness: Harness) -> None:
    payload = b"\x00binary|with separators\xff"
    await harness.cache.set("k", payload, MINUTE)
    assert await harness.cache.get("k") == payload


async def test_setting_again_replaces_the_value(harness: Harness) -> None:
    await harness.cache.set("k", b"old", MINUTE)
    await harness.cache.set("k", b"new", MINUTE)
    assert await harness.cache.get("k") == b"new"


async def test_delete_removes_several_keys_and_ignores_absent_ones(harness: Harness) -> None:
    await harness.cache.set("a", b"1", MINUTE)
    await harness.cache.set("b", b"2", MINUTE)
    await harness.cache.set("c", b"3", MINUTE)
    await harness.cache.delete("a", "b", "never-set")
    assert await harness.cache.get("a") is None
    assert await harness.cache.get("b") is None
    assert await harness.cache.get("c") == b"3"


async def test_an_entry_is_gone_once_its_ttl_has_passed(harness: Harness) -> None:
    await harness.cache.set("short", b"x", timedelta(milliseconds=50))
    await harness.cache.set("long", b"y", MINUTE)
    await harness.elapse(timedelta(milliseconds=120))
    assert await harness.cache.get("short") is None
    assert await harness.cache.get("long") == b"y"


async def test_add_stores_only_when_the_key_is_empty(harness: Harness) -> None:
    assert await harness.cache.add("claim", b"first", MINUTE) is True
    assert await harness.cache.add("claim", b"second", MINUTE) is False
    assert await harness.cache.get("claim") == b"first"


async def test_of_many_concurrent_adds_on_one_key_exactly_one_wins(harness: Harness) -> None:
    outcomes = await asyncio.gather(
        *(harness.cache.add("race", str(i).encode(), MINUTE) for i in range(20))
    )
    assert outcomes.count(True) == 1
    winner = outcomes.index(True)
    assert await harness.cache.get("race") == str(winner).encode()


async def test_add_succeeds_again_once_the_claim_has_expired(harness: Harness) -> None:
    assert await harness.cache.add("lease", b"a", timedelta(milliseconds=50))
    await harness.elapse(timedelta(milliseconds=120))
    assert await harness.cache.add("lease", b"b", MINUTE) is True
    assert await harness.cache.get("lease") == b"b"


# --- read-aside through CachedQuestReads -----------------------------------------------------


@pytest.fixture
def store() -> Store:
    return Store()


def reads(harness: Harness, store: Store) -> CachedQuestReads[Quest]:
    return CachedQuestReads(store, harness.cache, RandomIds(), Quest)


def seed(store: Store, owner: UUID, title: str = "Slay the dragon") -> Quest:
    quest = Quest(id=uuid4(), owner=owner, title=title)
    store.quests[(owner, quest.id)] = quest
    return quest


async def test_a_second_read_is_served_from_the_cache(harness: Harness, store: Store) -> None:
    owner = uuid4()
    quest = seed(store, owner)
    cached = reads(harness, store)
    assert await cached.get(owner, quest.id) == quest
    assert await cached.get(owner, quest.id) == quest
    assert store.loads == 1


async def test_a_write_through_is_read_back_without_loading(harness: Harness, store: Store) -> None:
    owner = uuid4()
    quest = seed(store, owner)
    cached = reads(harness, store)
    await cached.get(owner, quest.id)
    renamed = msgspec.structs.replace(quest, title="Befriend the dragon", version=2)
    store.quests[(owner, quest.id)] = renamed
    await cached.written(owner, quest.id, renamed)
    assert await cached.get(owner, quest.id) == renamed
    assert store.loads == 1


async def test_a_deletion_invalidates_so_the_next_read_asks_the_source(
    harness: Harness, store: Store
) -> None:
    owner = uuid4()
    quest = seed(store, owner)
    cached = reads(harness, store)
    await cached.get(owner, quest.id)
    del store.quests[(owner, quest.id)]
    await cached.written(owner, quest.id)
    with pytest.raises(QuestNotFound):
        await cached.get(owner, quest.id)


async def test_a_reader_that_loaded_before_a_write_cannot_cache_the_old_state(
    harness: Harness, store: Store
) -> None:
    # The read-aside race: a reader loads the old row, the owner's write commits and
    # invalidates, then the reader stores what it loaded. The owner must still read the new row.
    owner = uuid4()
    quest = seed(store, owner)
    cached = reads(harness, store)
    renamed = msgspec.structs.replace(quest, title="New title", version=2)

    async def concurrent_write() -> None:
        store.quests[(owner, quest.id)] = renamed
        await cached.written(owner, quest.id)

    store.during_load = concurrent_write
    assert (await cached.get(owner, quest.id)).title == "Slay the dragon"  # read began before
    assert await cached.get(owner, quest.id) == renamed


async def test_another_owners_write_keeps_my_cache(harness: Harness, store: Store) -> None:
    me, other = uuid4(), uuid4()
    mine, theirs = seed(store, me), seed(store, other)
    cached = reads(harness, store)
    await cached.get(me, mine.id)
    await cached.written(other, theirs.id)
    await cached.get(me, mine.id)
    assert store.loads == 1


async def test_a_quest_event_invalidates_its_owners_quests(harness: Harness, store: Store) -> None:
    owner = uuid4()
    quest = seed(store, owner)
    cached = reads(harness, store)
    await cached.get(owner, quest.id)
    done = msgspec.structs.replace(quest, title="done", version=2)
    store.quests[(owner, quest.id)] = done
    now = datetime.now(UTC)
    await cached.on_event(
        QuestCompleted(
            event_id=EventId(uuid4()),
            occurred_at=now,
            owner=UserId(owner),
            quest_id=QuestId(quest.id),
            occurrence=0,
            difficulty="easy",
            priority=0,
            due=None,
            completed_at=now,
            created_at=now,
            on_time=True,
            owner_timezone="UTC",
        )
    )
    assert await cached.get(owner, quest.id) == done


async def test_one_write_invalidates_every_read_of_the_same_scope(harness: Harness) -> None:
    # A quest and a page of quests share the owner's "quests" generation.
    owner = uuid4()
    ids = RandomIds()
    titles = CachedReads(harness.cache, ids, MsgspecCodec(list[str]), scope="quests", kind="page")
    single = CachedReads(harness.cache, ids, MsgspecCodec(str), scope="quests", kind="quest")
    pages = [["a"], ["a", "b"]]

    async def load_page() -> list[str]:
        return pages[0]

    assert await titles.get(owner, "p1", load_page) == ["a"]
    pages[0] = ["a", "b"]
    assert await titles.get(owner, "p1", load_page) == ["a"]  # served from the cache
    await single.put(owner, "q", "b")
    assert await titles.get(owner, "p1", load_page) == ["a", "b"]


async def test_a_failed_load_caches_nothing(harness: Harness, store: Store) -> None:
    owner, quest_id = uuid4(), uuid4()
    cached = reads(harness, store)
    with pytest.raises(QuestNotFound):
        await cached.get(owner, quest_id)
    store.quests[(owner, quest_id)] = Quest(id=quest_id, owner=owner, title="late")
    assert (await cached.get(owner, quest_id)).title == "late"


async def test_an_undecodable_entry_is_reloaded(harness: Harness) -> None:
    owner = uuid4()
    reads_ = CachedReads(harness.cache, RandomIds(), MsgspecCodec(int), scope="s", kind="n")
    calls = 0

    async def load() -> int:
        nonlocal calls
        calls += 1
        return 7

    await reads_.put(owner, "n", 7)
    generation = await harness.cache.get(f"s:gen:{owner}")
    assert generation is not None
    await harness.cache.set(f"s:{owner}:n:n", generation + b"|not json", MINUTE)
    assert await reads_.get(owner, "n", load) == 7
    assert calls == 1


async def test_profiles_are_invalidated_by_any_event_about_the_user(harness: Harness) -> None:
    user = uuid4()
    profile = {"xp": 10}

    class Profiles:
        async def get(self, user_id: UUID) -> dict[str, int]:
            return dict(profile)

    cached = CachedProfiles(Profiles(), harness.cache, RandomIds(), dict[str, int])
    assert await cached.get(user) == {"xp": 10}
    profile["xp"] = 25
    assert await cached.get(user) == {"xp": 10}
    now = datetime.now(UTC)
    await cached.on_event(
        QuestCreated(
            event_id=EventId(uuid4()),
            occurred_at=now,
            owner=UserId(user),
            quest_id=QuestId(uuid4()),
            title="t",
            difficulty="easy",
        )
    )
    assert await cached.get(user) == {"xp": 25}


# --- Redis specifics ----------------------------------------------------------------------


@pytest.mark.redis
async def test_redis_keys_are_namespaced_and_versioned(
    redis_url: str,
    redis_keys: KeySpace,  # noqa: F811
) -> None:
    client = connect(redis_url)
    try:
        await RedisCache(client, redis_keys).set("quests:abc", b"v", MINUTE)
        full = f"{redis_keys.prefix}:v1:cache:quests:abc"
        assert await client.get(full) == b"v"
        assert 0 < await client.pttl(full) <= 60_000
    finally:
        await client.aclose()
