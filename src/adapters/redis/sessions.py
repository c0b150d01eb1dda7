"""Session state on Redis: the access-token denylist and refresh-token families.

Both fail **closed**: when Redis cannot answer, every method raises ``ServiceUnavailable``
(the edge answers 503) rather than letting a revoked token through or reporting a logout that
revoked nothing. Entries carry TTLs so the denylist holds only tokens that could still be used.

Refresh families survive only as long as Redis keeps them. Losing them (a restart without
persistence, an eviction) makes their tokens UNKNOWN, so refreshes are refused and users log
in again; it never re-enables a spent token. Run Redis with ``appendonly yes`` and
``maxmemory-policy noeviction`` (or ``volatile-*``) where sessions matter.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis.asyncio as aioredis

from adapters.memory.clock import SystemClock
from adapters.memory.rate_limit import micros
from adapters.redis.client import REDIS_FAILURES, KeySpace
from questlog_core.errors import ServiceUnavailable
from questlog_core.ports.platform import Clock
from questlog_core.ports.sessions import RefreshOutcome, Rotation, SessionInfo

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: How long a family's record outlives its expiry, so its tokens answer EXPIRED, not UNKNOWN.
FAMILY_RETENTION = timedelta(days=1)

# KEYS[1] subject key; ARGV: issued_before µs, ttl ms. The latest instant and longest ttl win.
_REVOKE_SUBJECT = """
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

# KEYS[1] spent token, KEYS[2] new token; ARGV: now µs, family key prefix.
_ROTATE = """
local family_id = redis.call('HGET', KEYS[1], 'family')
if not family_id then return {'unknown', ''} end
local fk = ARGV[2] .. family_id
local fam = redis.call('HMGET', fk, 'revoked', 'expires_at')
if not fam[2] then return {'unknown', ''} end
if fam[1] == '1' then return {'revoked', family_id} end
if tonumber(ARGV[1]) >= tonumber(fam[2]) then return {'expired', family_id} end
if redis.call('HGET', KEYS[1], 'used') == '1' then
  redis.call('HSET', fk, 'revoked', '1')
  return {'reused', family_id}
end
redis.call('HSET', KEYS[1], 'used', '1')
redis.call('HSET', KEYS[2], 'family', family_id, 'used', '0')
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', fk))
redis.call('HSET', fk, 'last_used_at', ARGV[1])
return {'rotated', family_id}
"""


def _us(moment: datetime) -> int:
    return micros(moment - _EPOCH)


def _at(us: bytes | str | int) -> datetime:
    return _EPOCH + timedelta(microseconds=int(us))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _ms(delta: timedelta) -> int:
    return max(1, micros(delta) // 1000)


class RedisTokenDenylist:
    """Denylist keys ``<ks>:deny:jti:<jti>`` and ``<ks>:deny:sub:<subject>`` with TTLs."""

    def __init__(
        self, client: aioredis.Redis, keys: KeySpace | None = None, *, clock: Clock | None = None
    ) -> None:
        self._client = client
        self._keys = keys or KeySpace()
        self._clock = clock or SystemClock()
        self._revoke_subject = client.register_script(_REVOKE_SUBJECT)

    def _jti(self, jti: str) -> str:
        return self._keys.key("deny", "jti", jti)

    def _subject(self, subject: str) -> str:
        return self._keys.key("deny", "sub", subject)

    async def deny(self, jti: str, until: datetime) -> None:
        """Deny ``jti`` until ``until``; raises ``ServiceUnavailable`` if Redis is down."""
        ttl = until - self._clock.now()
        if ttl <= timedelta(0):
            return
        try:
            # GT keeps the longer of two expiries if a jti is denied twice.
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.set(self._jti(jti), b"1", nx=True, px=_ms(ttl))
                pipe.pexpire(self._jti(jti), _ms(ttl), gt=True)
                await pipe.execute()
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("token denylist unavailable") from exc

    async def is_denied(self, jti: str) -> bool:
        """Whether ``jti`` is denied; fails closed with ``ServiceUnavailable``."""
        try:
            return bool(await self._client.exists(self._jti(jti)))
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("token denylist unavailable") from exc

    async def revoke_subject(self, subject: str, issued_before: datetime, until: datetime) -> None:
        """Deny ``subject``'s tokens issued before ``issued_before`` until ``until``."""
        ttl = until - self._clock.now()
        if ttl <= timedelta(0):
            return
        try:
            await self._revoke_subject(
                keys=[self._subject(subject)], args=[_us(issued_before), _ms(ttl)]
            )
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("token denylist unavailable") from exc

    async def is_revoked(self, jti: str, subject: str, issued_at: datetime) -> bool:
        """Denied by ``jti`` or by subject, in one round trip; fails closed."""
        try:
            denied, instant = await self._client.mget(self._jti(jti), self._subject(subject))
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("token denylist unavailable") from exc
        if denied is not None:
            return True
        return instant is not None and _us(issued_at) < int(instant)


class RedisRefreshTokenStore:
    """Families in hashes ``<ks>:rt:fam:<id>``, tokens in ``<ks>:rt:tok:<hash>``, and a set
    ``<ks>:rt:sub:<subject>`` of each subject's families. ``rotate`` is one Lua script.

    The script derives the family key from the token's record, so it assumes a single Redis
    (or one cluster slot via a hash-tagged prefix), which is how Questlog deploys it.
    """

    def __init__(
        self, client: aioredis.Redis, keys: KeySpace | None = None, *, clock: Clock | None = None
    ) -> None:
        self._client = client
        self._keys = keys or KeySpace()
        self._clock = clock or SystemClock()
        self._rotate = client.register_script(_ROTATE)

    def _family(self, family_id: str) -> str:
        return self._keys.key("rt", "fam", family_id)

    def _token(self, token_hash: str) -> str:
        return self._keys.key("rt", "tok", token_hash)

    def _subject(self, subject: str) -> str:
        return self._keys.key("rt", "sub", subject)

    async def start(
        self, family_id: str, subject: str, token_hash: str, now: datetime, expires_at: datetime
    ) -> SessionInfo:
        """Begin a family whose first token is ``token_hash``."""
        ttl = _ms(expires_at - now + FAMILY_RETENTION)
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.hset(
                    self._family(family_id),
                    mapping={
                        "subject": subject,
                        "created_at": _us(now),
                        "expires_at": _us(expires_at),
                        "last_used_at": _us(now),
                        "revoked": "0",
                    },
                )
                pipe.pexpire(self._family(family_id), ttl)
                pipe.hset(self._token(token_hash), mapping={"family": family_id, "used": "0"})
                pipe.pexpire(self._token(token_hash), ttl)
                pipe.sadd(self._subject(subject), family_id)
                pipe.pexpire(self._subject(subject), ttl, gt=True)
                pipe.pexpire(self._subject(subject), ttl, nx=True)
                await pipe.execute()
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("session store unavailable") from exc
        return SessionInfo(
            family_id=family_id,
            subject=subject,
            created_at=now,
            expires_at=expires_at,
            last_used_at=now,
        )

    async def rotate(self, token_hash: str, new_token_hash: str, now: datetime) -> Rotation:
        """Spend ``token_hash`` atomically; a second presentation revokes the family."""
        try:
            outcome, family_id = await self._rotate(
                keys=[self._token(token_hash), self._token(new_token_hash)],
                args=[_us(now), self._keys.key("rt", "fam", "")],
            )
            result = RefreshOutcome(outcome.decode())
            if result is RefreshOutcome.UNKNOWN:
                return Rotation(outcome=result)
            session = await self._info(family_id.decode())
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("session store unavailable") from exc
        return Rotation(outcome=result, session=session)

    async def _info(self, family_id: str) -> SessionInfo | None:
        raw = await self._client.hgetall(self._family(family_id))
        if not raw:
            return None
        fields = {_text(k): _text(v) for k, v in raw.items()}
        return SessionInfo(
            family_id=family_id,
            subject=fields["subject"],
            created_at=_at(fields["created_at"]),
            expires_at=_at(fields["expires_at"]),
            last_used_at=_at(fields["last_used_at"]),
            revoked=fields["revoked"] == "1",
        )

    async def revoke_family(self, family_id: str) -> None:
        """Revoke one session (a no-op for an unknown family)."""
        try:
            if await self._client.exists(self._family(family_id)):
                await self._client.hset(self._family(family_id), "revoked", "1")
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("session store unavailable") from exc

    async def revoke_subject(self, subject: str) -> None:
        """Revoke every session of ``subject``."""
        try:
            for family_id in await self._client.smembers(self._subject(subject)):
                await self.revoke_family(_text(family_id))
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("session store unavailable") from exc

    async def sessions(self, subject: str, now: datetime) -> list[SessionInfo]:
        """Live sessions of ``subject``, newest first (forgotten families are pruned)."""
        try:
            live: list[SessionInfo] = []
            for raw_id in await self._client.smembers(self._subject(subject)):
                info = await self._info(_text(raw_id))
                if info is None:
                    await self._client.srem(self._subject(subject), raw_id)
                elif not info.revoked and now < info.expires_at:
                    live.append(info)
        except REDIS_FAILURES as exc:
            raise ServiceUnavailable("session store unavailable") from exc
        return sorted(live, key=lambda s: (s.created_at, s.family_id), reverse=True)


__all__ = ["FAMILY_RETENTION", "RedisRefreshTokenStore", "RedisTokenDenylist"]
