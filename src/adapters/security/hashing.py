"""Password hashing with argon2id (argon2-cffi), and the bounded async wrapper the use cases use.

argon2-cffi's defaults are RFC 9106's "low memory" profile: argon2id, t=3, m=64 MiB, p=4,
above OWASP's minimum (m=19 MiB, t=2, p=1). :class:`Argon2PasswordHasher` refuses anything
weaker unless told it is a test (``allow_below_owasp=True``).

Each hash holds ``memory_cost`` KiB for ~tens of milliseconds of CPU, so an unbounded login
flood would exhaust memory long before CPU. :class:`BoundedPasswordHasher` runs hashes in
worker threads (``asyncio.to_thread``; argon2-cffi releases the GIL) behind a semaphore: at
most ``max_concurrent`` at once (peak memory = max_concurrent × memory_cost) and at most
``max_waiting`` queued; beyond that it refuses at once with ``ServiceUnavailable``.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.identity import PasswordHasher

T = TypeVar("T")

#: OWASP Password Storage Cheat Sheet minimum for argon2id.
OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2
OWASP_MIN_PARALLELISM = 1


@dataclass(frozen=True, slots=True)
class Argon2Parameters:
    """argon2id cost parameters (``memory_cost`` in KiB)."""

    time_cost: int
    memory_cost: int
    parallelism: int

    def meets_owasp_minimum(self) -> bool:
        return (
            self.memory_cost >= OWASP_MIN_MEMORY_KIB
            and self.time_cost >= OWASP_MIN_TIME_COST
            and self.parallelism >= OWASP_MIN_PARALLELISM
        )


class Argon2PasswordHasher:
    """argon2id hashing (blocking). Implements ``PasswordHasher``.

    Without arguments it uses argon2-cffi's defaults (t=3, m=64 MiB, p=4). A password is
    hashed whole, whatever its length: argon2 has no truncation.
    """

    def __init__(
        self,
        *,
        time_cost: int | None = None,
        memory_cost: int | None = None,
        parallelism: int | None = None,
        allow_below_owasp: bool = False,
    ) -> None:
        defaults = argon2.PasswordHasher()
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost if time_cost is not None else defaults.time_cost,
            memory_cost=memory_cost if memory_cost is not None else defaults.memory_cost,
            parallelism=parallelism if parallelism is not None else defaults.parallelism,
            hash_len=defaults.hash_len,
            salt_len=defaults.salt_len,
            type=argon2.Type.ID,
        )
        params = self.parameters
        if not allow_below_owasp and not params.meets_owasp_minimum():
            raise ValueError(f"argon2 parameters below the OWASP minimum: {params}")

    @property
    def parameters(self) -> Argon2Parameters:
        return Argon2Parameters(
            time_cost=self._hasher.time_cost,
            memory_cost=self._hasher.memory_cost,
            parallelism=self._hasher.parallelism,
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when ``stored_hash`` was made with other parameters (or is not argon2)."""
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except (InvalidHashError, ValueError):
            return True


class BoundedPasswordHasher:
    """An ``AsyncPasswordHasher``: any blocking ``PasswordHasher`` run in threads, at most
    ``max_concurrent`` at a time, with at most ``max_waiting`` callers queued."""

    def __init__(
        self, inner: PasswordHasher, *, max_concurrent: int = 4, max_waiting: int = 256
    ) -> None:
        if max_concurrent < 1 or max_waiting < 0:
            raise ValueError("max_concurrent must be >= 1 and max_waiting >= 0")
        self.inner = inner
        self.max_concurrent = max_concurrent
        self.max_waiting = max_waiting
        # One semaphore per event loop: an asyncio primitive cannot cross loops.
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        self._waiting = 0
        self.in_flight = 0
        #: the most hashes ever observed running at once (for tests and metrics)
        self.peak_in_flight = 0

    def _gate(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = asyncio.Semaphore(self.max_concurrent)
        return gate

    async def _run(self, work: Callable[[], T]) -> T:
        gate = self._gate()
        if gate.locked() and self._waiting >= self.max_waiting:
            raise ServiceUnavailable("password hashing is saturated; try again shortly")
        self._waiting += 1
        try:
            await gate.acquire()
        finally:
            self._waiting -= 1
        try:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            return await asyncio.to_thread(work)
        finally:
            self.in_flight -= 1
            gate.release()

    async def hash(self, password: str) -> str:
        return await self._run(lambda: self.inner.hash(password))

    async def verify(self, stored_hash: str, password: str) -> bool:
        return await self._run(lambda: self.inner.verify(stored_hash, password))

    def needs_rehash(self, stored_hash: str) -> bool:
        return self.inner.needs_rehash(stored_hash)


__all__ = [
    "OWASP_MIN_MEMORY_KIB",
    "OWASP_MIN_PARALLELISM",
    "OWASP_MIN_TIME_COST",
    "Argon2Parameters",
    "Argon2PasswordHasher",
    "BoundedPasswordHasher",
]
