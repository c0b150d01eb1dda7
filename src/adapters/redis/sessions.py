"""The revocation feed on Redis: the access-token denylist every service reads.

It fails **closed**: when Redis cannot answer, every method raises ``ServiceUnavailable``
(the edge answers 503) rather than letting a revoked token through or reporting a logout that
revoked nothing. Entries carry TTLs so the denylist holds only tokens that could still be used.

Losing entries (a restart without persistence, an eviction) would let revoked access tokens
back in until they expire (minutes), so run Redis with ``appendonly yes`` and
``maxmemory-policy noeviction`` (or ``volatile-*``). Refresh tokens are not here: they are the
auth service's durable SQL records, so a Redis loss never revives a spent refresh token.

**The grace for reads.** Every revocation is also appended, in the same transaction as its key,
to the feed's log (a Redis stream ``<ks>:deny:log``, trimmed to ``log_horizon``). With a
``grace`` above zero each process keeps a local copy of the feed (:class:`RevocationMirror`):
at most every ``sync_interval`` a check reads the log entries it has not seen, in the same
round trip as its ``MGET``. While Redis cannot answer, a check marked ``reading`` is answered
from that copy if it caught up with the log less than ``grace`` ago; after that, and for every
check not marked ``reading`` and every write, the feed fails closed as above. The copy can miss
only what was revoked in the last ``sync_interval`` before this process lost Redis, or what
another process revoked while this one was cut off (its writes need Redis, so that means a
partition, not a stopped Redis): for at most ``grace`` such a token can still *read*.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import redis.asyncio as aioredis

from adapters.memory.clock import SystemClock
from adapters.memory.rate_limit import micros
from adapters.memory.sessions import MemoryTokenDenylist
from adapters.outages import DEFAULT_RETRY_AFTER_SECONDS
from adapters.redis.client import REDIS_FAILURES, KeySpace
from adapters.redis.read_ahead import current_read_ahead
from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.platform import Clock

log = logging.getLogger(__name__)

#: How often (at most) a check also reads the feed's new log entries into the local copy.
DEFAULT_SYNC_INTERVAL: Final = timedelta(seconds=1)
#: How long the log keeps an entry: at least the longest ``until`` any revocation carries.
DEFAULT_LOG_HORIZON: Final = timedelta(hours=1)
#: Log entries read per round trip while catching up.
SYNC_BATCH: Final = 1000

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# KEYS[1] subject key, KEYS[2] the feed's log; ARGV: issued_before µs, ttl ms, subject,
# until µs, oldest log id kept (ms). The latest instant and longest ttl win; the log always
# gets the entry (the local copies apply the same "latest wins" rule).
_REVOKE_SUBJECT = """
redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[5], '*',
  'k', 'sub', 'v', ARGV[3], 'b', ARGV[1], 'u', ARGV[4])
local cur = redis.call('GET', KEYS[1])
if cur and tonumber(cur) >= tonumber(ARGV[1]) then
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
  return 0
end
local ttl = math.max(tonumber(ARGV[2]), redis.call('PTTL', KEYS[1]))
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
return 1
"""


def _us(moment: datetime) -> int:
    return micros(moment - _EPOCH)


def _ms(delta: timedelta) -> int:
    return max(1, micros(delta) // 1000)


def _moment(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "the token revocation feed is unavailable; try again shortly",
        dependency="cache",
        retry_after_seconds=DEFAULT_RETRY_AFTER_SECONDS,
    )


def _stream_id(raw: bytes | str) -> tuple[int, int]:
    text = raw.decode() if isinstance(raw, bytes) else raw
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


class RevocationMirror:
    """This process's copy of the revocation feed, rebuilt from the feed's log.

    ``synced_at`` is when it last caught up with the log (``None``: never); it answers for the
    feed only while that is recent (:meth:`fresh`). Entries are forgotten after their ``until``
    like the feed's own keys.
    """

    def __init__(self, clock: Clock) -> None:
        self.copy = MemoryTokenDenylist(clock)
        self.last_id: tuple[int, int] = (0, 0)
        self.synced_at: datetime | None = None
        self._applied = 0

    @property
    def cursor(self) -> str:
        """The id after which the log has not been read yet."""
        return f"{self.last_id[0]}-{self.last_id[1]}"

    def fresh(self, now: datetime, grace: timedelta) -> bool:
        """Whether the copy caught up with the log less than ``grace`` before ``now``."""
        return self.synced_at is not None and now - self.synced_at <= grace

    async def apply(self, entries: Sequence[tuple[Any, Mapping[bytes, bytes]]]) -> None:
        """Apply log entries (``(id, fields)`` as ``XREAD`` returns them), in order."""
        for raw_id, fields in entries:
            kind, value = fields.get(b"k"), fields.get(b"v", b"").decode()
            until = _moment(int(fields.get(b"u", b"0")))
            if kind == b"jti":
                await self.copy.deny(value, until)
            elif kind == b"sid":
                await self.copy.revoke_session(value, until)
            elif kind == b"sub":
                before = _moment(int(fields.get(b"b", b"0")))
                await self.copy.revoke_subject(value, issued_before=before, until=until)
            self.last_id = max(self.last_id, _stream_id(raw_id))
            self._applied += 1
        if self._applied >= SYNC_BATCH:
            self._applied = 0
            self.copy.forget_expired()


def _entries_of(reply: Any) -> list[tuple[Any, Mapping[bytes, bytes]]]:
    """The entries of one stream in an ``XREAD`` reply (RESP2 list or RESP3 mapping)."""
    if not reply:
        return []
    if isinstance(reply, Mapping):
        streams = list(reply.values())
        return list(streams[0][0]) if streams and streams[0] else []
    return list(reply[0][1])


class RedisTokenDenylist:
    """Denylist keys ``<ks>:deny:jti:<jti>``, ``<ks>:deny:sid:<session>`` and
    ``<ks>:deny:sub:<subject>``, each with a TTL, and their log ``<ks>:deny:log``.

    ``grace`` (default zero: fail closed at once) is how long after its last sync the local
    copy may answer checks marked ``reading`` while Redis is unreachable (module notes).
    ``log_horizon`` must be at least the longest ``until`` a revocation carries after it is
    written (one access-token lifetime plus leeway)."""

    def __init__(
        self,
        client: aioredis.Redis,
        keys: KeySpace | None = None,
        *,
        clock: Clock | None = None,
        grace: timedelta = timedelta(0),
        sync_interval: timedelta = DEFAULT_SYNC_INTERVAL,
        log_horizon: timedelta = DEFAULT_LOG_HORIZON,
    ) -> None:
        self._client = client
        self._keys = keys or KeySpace()
        self._clock = clock or SystemClock()
        self._revoke_subject = client.register_script(_REVOKE_SUBJECT)
        self._log = self._keys.key("deny", "log")
        self._grace = grace
        self._sync_interval = sync_interval
        self._log_horizon = log_horizon
        self.mirror = RevocationMirror(self._clock)
        self._failed_at: datetime | None = None

    def _oldest_kept(self) -> str:
        """The ``MINID`` that trims log entries older than ``log_horizon``."""
        return str(max(0, _us(self._clock.now() - self._log_horizon) // 1000))

    def _jti(self, jti: str) -> str:
        return self._keys.key("deny", "jti", jti)

    def _session(self, session_id: str) -> str:
        return self._keys.key("deny", "sid", session_id)

    def _subject(self, subject: str) -> str:
        return self._keys.key("deny", "sub", subject)

    async def deny(self, jti: str, until: datetime) -> None:
        """Deny ``jti`` until ``until``; raises ``ServiceUnavailable`` if Redis is down."""
        await self._mark(self._jti(jti), until, b"jti", jti)

    async def revoke_session(self, session_id: str, until: datetime) -> None:
        """Deny every token of ``session_id`` until ``until``; fails closed."""
        await self._mark(self._session(session_id), until, b"sid", session_id)

    async def _mark(self, key: str, until: datetime, kind: bytes, value: str) -> None:
        ttl = until - self._clock.now()
        if ttl <= timedelta(0):
            return
        try:
            # GT keeps the longer of two expiries if a key is marked twice; the log entry is
            # written in the same transaction, so no copy of the feed can miss a revocation.
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.set(key, b"1", nx=True, px=_ms(ttl))
                pipe.pexpire(key, _ms(ttl), gt=True)
                pipe.xadd(
                    self._log,
                    {b"k": kind, b"v": value.encode(), b"u": str(_us(until)).encode()},
                    minid=self._oldest_kept(),
                    approximate=True,
                )
                await pipe.execute()
        except REDIS_FAILURES as exc:
            raise _unavailable() from exc

    async def is_denied(self, jti: str) -> bool:
        """Whether ``jti`` is denied; fails closed with ``ServiceUnavailable``."""
        try:
            return bool(await self._client.exists(self._jti(jti)))
        except REDIS_FAILURES as exc:
            raise _unavailable() from exc

    async def revoke_subject(self, subject: str, issued_before: datetime, until: datetime) -> None:
        """Deny ``subject``'s tokens issued before ``issued_before`` until ``until``."""
        ttl = until - self._clock.now()
        if ttl <= timedelta(0):
            return
        try:
            await self._revoke_subject(
                keys=[self._subject(subject), self._log],
                args=[_us(issued_before), _ms(ttl), subject, _us(until), self._oldest_kept()],
            )
        except REDIS_FAILURES as exc:
            raise _unavailable() from exc

    async def is_revoked(
        self,
        jti: str,
        subject: str,
        issued_at: datetime,
        session_id: str | None = None,
        *,
        reading: bool = False,
    ) -> bool:
        """Denied by ``jti``, session or subject, in one round trip (``MGET``, with the log's
        new entries when the local copy is due a sync); fails closed, except that a check
        marked ``reading`` is answered by a fresh local copy (see the module notes).

        Keys the request declared with :func:`~adapters.redis.read_ahead.read_ahead` are
        fetched in the same ``MGET`` (they do not take part in the verdict)."""
        keys = [self._jti(jti), self._subject(subject)]
        if session_id is not None:
            keys.append(self._session(session_id))
        now = self._clock.now()
        if reading and self._recently_failed(now) and self.mirror.fresh(now, self._grace):
            # Redis failed a moment ago: don't pay another timeout per read to find out again.
            return await self._from_copy(jti, subject, issued_at, session_id)
        ahead = current_read_ahead()
        extra = ahead.keys(subject) if ahead is not None else []
        try:
            if self._grace > timedelta(0) and not self.mirror.fresh(now, self._sync_interval):
                values = await self._check_and_sync(keys + extra, now)
            else:
                values = await self._client.mget(keys + extra)
        except REDIS_FAILURES as exc:
            self._failed_at = now
            if reading and self.mirror.fresh(now, self._grace):
                log.warning("revocation feed unreachable; a read is checked on the local copy")
                return await self._from_copy(jti, subject, issued_at, session_id)
            raise _unavailable() from exc
        self._failed_at = None
        if ahead is not None and extra:
            ahead.remember(extra, values[len(keys) :])
        denied, instant, *session = values[: len(keys)]
        if denied is not None or any(s is not None for s in session):
            return True
        return instant is not None and _us(issued_at) < int(instant)

    def _recently_failed(self, now: datetime) -> bool:
        return self._failed_at is not None and now - self._failed_at < self._sync_interval

    async def _from_copy(
        self, jti: str, subject: str, issued_at: datetime, session_id: str | None
    ) -> bool:
        return await self.mirror.copy.is_revoked(jti, subject, issued_at, session_id)

    async def _check_and_sync(self, keys: list[str], now: datetime) -> list[Any]:
        """The ``MGET`` of ``keys`` and the log's unread entries in one round trip; more
        round trips only while catching up (a new process, or a burst of revocations)."""
        async with self._client.pipeline(transaction=False) as pipe:
            pipe.mget(keys)
            pipe.xread({self._log: self.mirror.cursor}, count=SYNC_BATCH)
            found, reply = await pipe.execute()
        entries = _entries_of(reply)
        await self.mirror.apply(entries)
        while len(entries) >= SYNC_BATCH:
            entries = _entries_of(
                await self._client.xread({self._log: self.mirror.cursor}, count=SYNC_BATCH)
            )
            await self.mirror.apply(entries)
        self.mirror.synced_at = now
        result: list[Any] = found
        return result

    async def sync(self) -> None:
        """Bring the local copy up to date with the log now (``ServiceUnavailable`` if Redis is
        down); checks do this on their own every ``sync_interval``."""
        try:
            await self._check_and_sync([self._jti("-")], self._clock.now())
        except REDIS_FAILURES as exc:
            raise _unavailable() from exc


__all__ = ["DEFAULT_LOG_HORIZON", "DEFAULT_SYNC_INTERVAL", "RedisTokenDenylist", "RevocationMirror"]
