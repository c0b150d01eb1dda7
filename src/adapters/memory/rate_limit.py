"""The ``RateLimiter`` port in process: the same exact sliding-window log as the Redis adapter."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from adapters.memory.clock import SystemClock
from questlog_core.ports.platform import Clock, RateDecision

#: Sweep keys whose hits have all expired every this many hits, so memory stays bounded.
_SWEEP_EVERY = 1024


def micros(delta: timedelta) -> int:
    """A duration in whole microseconds."""
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def check_rule(limit: int, window: timedelta) -> None:
    """Refuse nonsensical limits early (shared by every limiter adapter)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if window <= timedelta(0):
        raise ValueError("window must be positive")


class MemoryRateLimiter:
    """Sliding-window log per key: at most ``limit`` allowed hits in any ``window``.

    Refused hits are not recorded. Single process only (an asyncio app: no locking needed,
    ``hit`` never awaits between reading and recording).
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._hits: dict[str, tuple[deque[datetime], timedelta]] = {}
        self._calls = 0

    async def hit(self, key: str, limit: int, window: timedelta) -> RateDecision:
        """Record one hit for ``key`` if fewer than ``limit`` were allowed within ``window``."""
        check_rule(limit, window)
        now = self._clock.now()
        self._calls += 1
        if self._calls % _SWEEP_EVERY == 0:
            self._sweep(now)
        hits, _ = self._hits.get(key, (deque(), window))
        self._hits[key] = (hits, window)
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) < limit:
            hits.append(now)
            return RateDecision(allowed=True, remaining=limit - len(hits), retry_after_seconds=0.0)
        # Refused: the oldest counted hit leaves the window first.
        retry = hits[len(hits) - limit] + window - now
        return RateDecision(allowed=False, remaining=0, retry_after_seconds=retry.total_seconds())

    async def reset(self, key: str) -> None:
        """Forget every hit recorded for ``key``."""
        self._hits.pop(key, None)

    async def refund(self, key: str) -> None:
        """Give back the newest hit recorded for ``key``."""
        entry = self._hits.get(key)
        if entry is not None and entry[0]:
            entry[0].pop()

    def _sweep(self, now: datetime) -> None:
        stale = [
            k for k, (hits, window) in self._hits.items() if not hits or hits[-1] <= now - window
        ]
        for k in stale:
            del self._hits[k]


__all__ = ["MemoryRateLimiter", "check_rule", "micros"]
