"""Rate limiting above any ``RateLimiter`` adapter: a fail-over wrapper and per-route-class rules.

``FallbackRateLimiter`` keeps limiting when the primary store (Redis) is down by switching to a
fallback store (a SQL counter in production, in-process in the embedded setup). It never
answers "allowed" on its own: if both stores fail, ``ServiceUnavailable`` propagates.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

import msgspec

from adapters.memory.clock import SystemClock
from questlog_core.errors import RateLimited, ServiceUnavailable
from questlog_core.ports.platform import Clock, RateDecision, RateLimiter

log = logging.getLogger(__name__)


class FallbackRateLimiter:
    """Uses ``primary`` while it answers; on ``ServiceUnavailable`` uses ``fallback``.

    After a failure the primary is left alone for ``retry_primary_after`` (so an outage costs
    one client timeout per period, not one per request). Counts are not carried across stores:
    after a switch a key starts fresh on the other store, which can allow up to one extra
    window's worth of hits during an outage, but never an unlimited number.
    """

    def __init__(
        self,
        primary: RateLimiter,
        fallback: RateLimiter,
        *,
        clock: Clock | None = None,
        retry_primary_after: timedelta = timedelta(seconds=5),
    ) -> None:
        self._primary = primary
        self._fallback = fallback
        self._clock = clock or SystemClock()
        self._retry_after = retry_primary_after
        self._primary_down_until: datetime | None = None

    @property
    def using_fallback(self) -> bool:
        """Whether calls currently go to the fallback (the primary failed recently)."""
        until = self._primary_down_until
        return until is not None and self._clock.now() < until

    async def hit(self, key: str, limit: int, window: timedelta) -> RateDecision:
        """One hit on the primary, or on the fallback while the primary is unavailable."""
        if not self.using_fallback:
            try:
                decision = await self._primary.hit(key, limit, window)
            except ServiceUnavailable:
                self._mark_primary_down()
            else:
                self._primary_down_until = None
                return decision
        return await self._fallback.hit(key, limit, window)

    async def reset(self, key: str) -> None:
        """Reset the key on both stores (the primary only if it answers)."""
        await self._fallback.reset(key)
        if not self.using_fallback:
            try:
                await self._primary.reset(key)
            except ServiceUnavailable:
                self._mark_primary_down()

    async def refund(self, key: str) -> None:
        """Refund on the store that ``hit`` would use now (where the hit most likely went)."""
        if not self.using_fallback:
            try:
                await self._primary.refund(key)
            except ServiceUnavailable:
                self._mark_primary_down()
            else:
                return
        await self._fallback.refund(key)

    def _mark_primary_down(self) -> None:
        log.warning(
            "primary rate limiter unavailable; using the fallback for %s", self._retry_after
        )
        self._primary_down_until = self._clock.now() + self._retry_after


class RateRule(msgspec.Struct, frozen=True):
    """At most ``limit`` hits per ``window`` for one route class."""

    limit: int
    window: timedelta


#: Defaults for the route classes the services use; a deployment overrides any of them.
DEFAULT_RULES: Mapping[str, RateRule] = {
    # Failed logins per account (issue 4/5: at most 100 per account per hour).
    "login.account": RateRule(limit=100, window=timedelta(hours=1)),
    # Login attempts per client IP, whatever the account.
    "login.ip": RateRule(limit=300, window=timedelta(hours=1)),
    "password_reset.account": RateRule(limit=5, window=timedelta(hours=1)),
    "ai.user": RateRule(limit=60, window=timedelta(minutes=1)),
    "api.user": RateRule(limit=600, window=timedelta(minutes=1)),
}


class RouteClassLimits:
    """Rate limits per route class and subject: key ``"<route class>:<subject>"``."""

    def __init__(self, limiter: RateLimiter, rules: Mapping[str, RateRule] = DEFAULT_RULES):
        self._limiter = limiter
        self._rules = dict(rules)

    def rule(self, route_class: str) -> RateRule:
        """The rule of ``route_class`` (``KeyError`` for an unknown class: a wiring bug)."""
        return self._rules[route_class]

    async def hit(self, route_class: str, subject: str) -> RateDecision:
        """Record one hit of ``subject`` (an account, a user id, an IP) on ``route_class``."""
        rule = self.rule(route_class)
        return await self._limiter.hit(f"{route_class}:{subject}", rule.limit, rule.window)

    async def enforce(self, route_class: str, subject: str) -> RateDecision:
        """Like :meth:`hit`, but raises ``RateLimited`` when the hit is refused."""
        decision = await self.hit(route_class, subject)
        if not decision.allowed:
            raise RateLimited(decision.retry_after_seconds)
        return decision

    async def reset(self, route_class: str, subject: str) -> None:
        """Clear ``subject``'s hits on ``route_class`` (e.g. failures after a good login)."""
        self.rule(route_class)
        await self._limiter.reset(f"{route_class}:{subject}")


__all__ = ["DEFAULT_RULES", "FallbackRateLimiter", "RateRule", "RouteClassLimits"]
