"""The ``Cache`` port in process: a bounded LRU dict with TTLs read from a ``Clock``."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from adapters.memory.clock import SystemClock
from questlog_core.ports.platform import Clock


class MemoryCache:
    """Byte cache for one process (the embedded default and the tests' reference adapter).

    Entries expire at ``clock.now() + ttl``; past ``max_entries`` the least recently used
    entry is evicted, so memory stays bounded.
    """

    def __init__(self, clock: Clock | None = None, *, max_entries: int = 10_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self._clock = clock or SystemClock()
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[bytes, datetime]] = OrderedDict()

    async def get(self, key: str) -> bytes | None:
        """The cached bytes, or ``None`` when absent or expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, expires_at = entry
        if self._clock.now() >= expires_at:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    async def get_many(self, *keys: str) -> list[bytes | None]:
        """Several entries at once (same snapshot semantics as the Redis adapter)."""
        return [await self.get(k) for k in keys]

    async def set(self, key: str, value: bytes, ttl: timedelta) -> None:
        """Store ``value`` until ``ttl`` has passed (at least one millisecond)."""
        ttl = max(ttl, timedelta(milliseconds=1))
        self._entries[key] = (bytes(value), self._clock.now() + ttl)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    async def add(self, key: str, value: bytes, ttl: timedelta) -> bool:
        """Store ``value`` only if ``key`` is absent or expired; whether this call stored it.

        Atomic within the event loop: nothing is awaited between the check and the store.
        """
        entry = self._entries.get(key)
        if entry is not None and self._clock.now() < entry[1]:
            return False
        await self.set(key, value, ttl)
        return True

    async def delete(self, *keys: str) -> None:
        """Remove entries; absent keys are ignored."""
        for key in keys:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


__all__ = ["MemoryCache"]
