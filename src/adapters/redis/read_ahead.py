"""Read-ahead: the Redis keys a request is about to read ride along with its revocation check.

An authenticated cached read (GET one quest) needs two Redis lookups one after the other: the
revocation feed (is this access token still good?) and then the read cache (generation and
value). Each is a round trip, and on this stack each costs more CPU in the client than in
Redis. A request that knows which cache keys it will read declares them with
:func:`read_ahead` *before* it authenticates; :class:`~adapters.redis.sessions.RedisTokenDenylist`
then fetches them in the same ``MGET`` as the revocation keys, and
:class:`~adapters.redis.cache.RedisCache` serves them from here instead of asking again. One
round trip in all.

Safety: the revocation verdict is decided exactly as before (the extra keys change nothing
about it), and the cache still decides what is current (generations), so a value read ahead
is as fresh as one read a few microseconds later. Values are handed out once, only to the
asyncio task that read them (so nothing can leak into another request), and only when every
key asked for was read ahead.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Sequence
from contextvars import ContextVar

#: the keys (full Redis keys) a request will read, given the authenticated subject
KeysFor = Callable[[str], Sequence[str]]


class ReadAhead:
    """Keys one request will read, and their values once the revocation lookup fetched them."""

    __slots__ = ("_keys_for", "_task", "_values")

    def __init__(self, keys_for: KeysFor) -> None:
        self._keys_for = keys_for
        self._values: dict[str, bytes | None] = {}
        # Weakly: the task's context holds this object (through the context variable), so a
        # strong reference back made every request's task, coroutine and request a reference
        # cycle that only the cyclic collector could free (full collections every second or
        # two under load, stalling every request in flight).
        task = asyncio.current_task()
        self._task = weakref.ref(task) if task is not None else _outside_any_task

    def keys(self, subject: str) -> list[str]:
        """The full keys to fetch along for ``subject`` (the verified token's user)."""
        if asyncio.current_task() is not self._task():
            return []
        return list(self._keys_for(subject))

    def remember(self, keys: Sequence[str], values: Sequence[object]) -> None:
        """Keep what the lookup returned for ``keys``."""
        for key, value in zip(keys, values, strict=True):
            self._values[key] = value if isinstance(value, bytes) else None

    def take(self, keys: Sequence[str]) -> list[bytes | None] | None:
        """The values of ``keys`` if every one was read ahead (each handed out once)."""
        if asyncio.current_task() is not self._task() or any(k not in self._values for k in keys):
            return None
        return [self._values.pop(k) for k in keys]


def _outside_any_task() -> None:
    """Outside a task (never ``asyncio.current_task()`` inside one)."""
    return None


_CURRENT: ContextVar[ReadAhead | None] = ContextVar("questlog_redis_read_ahead", default=None)


def read_ahead(keys_for: KeysFor) -> ReadAhead:
    """Declare, for the rest of this request's task, the keys it will read (see the module)."""
    ahead = ReadAhead(keys_for)
    _CURRENT.set(ahead)
    return ahead


def current_read_ahead() -> ReadAhead | None:
    """The read-ahead declared by the running request, if any."""
    return _CURRENT.get()


__all__ = ["KeysFor", "ReadAhead", "current_read_ahead", "read_ahead"]
