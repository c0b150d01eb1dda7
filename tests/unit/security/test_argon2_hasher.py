"""argon2id hashing: parameters at or above OWASP, no truncation, rehash, bounded concurrency."""

from __future__ import annotations

import asyncio
import threading

import pytest

from adapters.security.hashing import (
    OWASP_MIN_MEMORY_KIB,
    Argon2PasswordHasher,
    BoundedPasswordHasher,
)
from questlog_core.errors import ServiceUnavailable


def cost_of(stored_hash: str) -> dict[str, int]:
    # $argon2id$v=19$m=65536,t=3,p=4$salt$hash
    params = stored_hash.split("$")[3]
    return {k: int(v) for k, v in (part.split("=") for part in params.split(","))}


@pytest.fixture(scope="module")
def production() -> Argon2PasswordHasher:
    return Argon2PasswordHasher()


@pytest.fixture(scope="module")
def production_hash(production: Argon2PasswordHasher) -> str:
    return production.hash("correct horse battery staple")


def test_default_parameters_meet_owasp(production_hash: str) -> None:
    assert production_hash.startswith("$argon2id$")
    cost = cost_of(production_hash)
    assert cost["m"] >= 19 * 1024  # 19 MiB, OWASP's floor
    assert cost["t"] >= 2
    assert cost["p"] >= 1
    assert cost == {"m": 65536, "t": 3, "p": 4}  # argon2-cffi's RFC 9106 profile


def test_weaker_than_owasp_is_refused_unless_asked_for() -> None:
    with pytest.raises(ValueError, match="OWASP"):
        Argon2PasswordHasher(memory_cost=OWASP_MIN_MEMORY_KIB - 1)
    with pytest.raises(ValueError, match="OWASP"):
        Argon2PasswordHasher(time_cost=1)
    assert Argon2PasswordHasher(time_cost=1, memory_cost=1024, allow_below_owasp=True)


def test_verify_accepts_only_the_password(
    production: Argon2PasswordHasher, production_hash: str
) -> None:
    assert production.verify(production_hash, "correct horse battery staple")
    assert not production.verify(production_hash, "correct horse battery stapl")
    assert not production.verify("not a hash", "correct horse battery staple")
    assert not production.needs_rehash(production_hash)


def test_the_whole_password_counts() -> None:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, allow_below_owasp=True)
    prefix = "p" * 72  # bcrypt's cut-off
    stored = hasher.hash(prefix + "A")
    assert not hasher.verify(stored, prefix + "B")
    assert not hasher.verify(stored, prefix)
    assert hasher.verify(stored, prefix + "A")


def test_needs_rehash_when_parameters_change() -> None:
    weak = Argon2PasswordHasher(time_cost=1, memory_cost=1024, allow_below_owasp=True)
    strong = Argon2PasswordHasher(time_cost=2, memory_cost=1024, allow_below_owasp=True)
    stored = weak.hash("correct horse battery staple")
    assert strong.needs_rehash(stored)
    assert not weak.needs_rehash(stored)
    assert strong.needs_rehash("garbage")


class GatedHasher:
    """Blocks in hash() until released, recording how many ran at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0

    def hash(self, password: str) -> str:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        self.release.wait(timeout=10)
        with self.lock:
            self.running -= 1
        return "h:" + password

    def verify(self, stored_hash: str, password: str) -> bool:
        return stored_hash == self.hash(password)

    def needs_rehash(self, stored_hash: str) -> bool:
        return False


async def test_concurrent_hashes_are_capped() -> None:
    inner = GatedHasher()
    bounded = BoundedPasswordHasher(inner, max_concurrent=3, max_waiting=100)
    jobs = [asyncio.create_task(bounded.hash(f"pw{i}")) for i in range(20)]
    for _ in range(1000):  # wait (up to ~10 s on a loaded machine) for the threads to start
        await asyncio.sleep(0.01)
        if inner.running == 3:
            break
    assert inner.running == 3  # the other 17 wait without holding memory
    inner.release.set()
    results = await asyncio.gather(*jobs)
    assert results == [f"h:pw{i}" for i in range(20)]
    assert inner.peak == 3
    assert bounded.peak_in_flight == 3


async def test_a_flood_beyond_the_queue_is_refused_at_once() -> None:
    inner = GatedHasher()
    bounded = BoundedPasswordHasher(inner, max_concurrent=1, max_waiting=1)
    running = asyncio.create_task(bounded.hash("a"))
    await asyncio.sleep(0.01)
    queued = asyncio.create_task(bounded.hash("b"))
    await asyncio.sleep(0.01)
    with pytest.raises(ServiceUnavailable):
        await bounded.hash("c")
    inner.release.set()
    assert await asyncio.gather(running, queued) == ["h:a", "h:b"]


async def test_the_async_wrapper_hashes_for_real() -> None:
    bounded = BoundedPasswordHasher(
        Argon2PasswordHasher(time_cost=1, memory_cost=1024, allow_below_owasp=True)
    )
    stored = await bounded.hash("correct horse battery staple")
    assert await bounded.verify(stored, "correct horse battery staple")
    assert not await bounded.verify(stored, "wrong")
