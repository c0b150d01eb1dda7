"""Authentication for the services that stand alone: the auth service's JWKS plus the shared
revocation feed, and nothing of the auth service's tables.

:class:`JwksAuthenticator` verifies an access token locally with the public keys the auth
service publishes at ``/.well-known/jwks.json`` (fetched over HTTP, cached), maps its claims to
a :class:`~questlog_core.identity.tokens.Principal` with the same function the auth service
uses, and checks the shared :class:`~questlog_core.ports.sessions.TokenDenylist` (Redis in
production), so a logout, a password change or a disabled account ends the token here too,
before its expiry.

* **Keys.** Fetched on first use; fetched again when a token names a ``kid`` the cache does not
  hold (the auth service rotated its key), at most once per ``refetch_interval`` (a minute), so
  a flood of tokens with made-up ``kid`` values costs one request a minute, not one each; and
  refreshed after ``max_age`` so a retired key stops being trusted. A failed re-fetch keeps
  the keys already held. With no keys at all (the auth service unreachable since start) a
  request gets ``ServiceUnavailable`` (503), never a guess.
* **Timeouts** are explicit (1 s to connect, 2 s to read): a hung auth service costs a bounded
  wait, then a 503.
* **Personal API tokens** (``qlp_...``) are opaque: only the auth service's tables can tell
  whether one is live, so they are refused here with a 401 that says where they work.
* **Sessions.** The session (``sid``) of a token is not looked up here (that is auth's table):
  a logout denies the presented token's ``jti``, and every "sign out everywhere" kind of event
  revokes all of the user's older tokens through the feed.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt

from adapters.security.jwt_tokens import DEFAULT_LEEWAY, JwksVerifier
from questlog_core.errors import AuthenticationFailed, ServiceUnavailable
from questlog_core.identity.tokens import Principal, TokenKind, principal_from_claims, token_kind
from questlog_core.ports.platform import Clock
from questlog_core.ports.sessions import TokenDenylist
from questlog_core.services.auth import refuse_revoked

log = logging.getLogger(__name__)

#: What a standalone service answers to a personal API token.
API_TOKENS_NOT_HERE = (
    "API tokens are accepted by the all-in-one and the auth service; "
    "this service accepts access tokens only"
)
#: Explicit HTTP timeouts for fetching the JWKS (httpx's default is 5 s for everything).
JWKS_TIMEOUT = httpx.Timeout(2.0, connect=1.0, pool=1.0)
#: The largest JWKS document accepted (a handful of keys is a few hundred bytes).
MAX_JWKS_BYTES = 64 * 1024


class JwksAuthenticator:
    """An :class:`~questlog_core.ports.identity.Authenticator` from a JWKS URL and the
    revocation feed (see the module docstring)."""

    def __init__(
        self,
        jwks_url: str,
        *,
        revocations: TokenDenylist,
        issuer: str,
        audience: str,
        clock: Clock,
        http: httpx.AsyncClient | None = None,
        refetch_interval: timedelta = timedelta(minutes=1),
        max_age: timedelta = timedelta(hours=1),
        retry_after_failure: timedelta = timedelta(seconds=5),
        leeway: timedelta = DEFAULT_LEEWAY,
    ) -> None:
        if not jwks_url:
            raise ValueError("a JWKS URL is required")
        self.jwks_url = jwks_url
        self._revocations = revocations
        self._clock = clock
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=JWKS_TIMEOUT)
        self._refetch_interval = refetch_interval
        self._max_age = max_age
        self._retry_after_failure = retry_after_failure
        self._verifier = JwksVerifier(
            {"keys": []}, issuer=issuer, audience=audience, clock=clock, leeway=leeway
        )
        self._loaded_at: datetime | None = None
        self._attempted_at: datetime | None = None
        self._lock = asyncio.Lock()
        #: how many times the JWKS was requested (observable by tests and metrics)
        self.fetches = 0

    async def authenticate(self, token: str, *, reading: bool = False) -> Principal:
        """The principal an access token proves; 401 for a bad or revoked token or an API
        token, 503 when neither keys nor revocations can be checked (``reading``: see
        ``TokenDenylist.is_revoked``)."""
        kind = token_kind(token)
        if kind is TokenKind.API:
            raise AuthenticationFailed(API_TOKENS_NOT_HERE)
        if kind is not TokenKind.ACCESS:
            raise AuthenticationFailed("not an access token")
        await self._ensure_key(_kid_of(token))
        principal = principal_from_claims(self._verifier.verify(token))
        await refuse_revoked(self._revocations, principal, reading=reading)
        return principal

    async def aclose(self) -> None:
        """Close the HTTP client if this authenticator made it."""
        if self._owns_http:
            await self._http.aclose()

    async def _ensure_key(self, kid: str) -> None:
        """Make sure the keys are loaded and, if ``kid`` is unknown, fetched again unless
        that was tried less than ``refetch_interval`` ago."""
        if self._settled(kid):
            return
        async with self._lock:
            if not self._settled(kid):  # nobody fetched while this request waited
                await self._fetch(self._clock.now())
        if self._loaded_at is None:
            raise ServiceUnavailable("the auth service's signing keys are unavailable")

    def _settled(self, kid: str) -> bool:
        """Whether no fetch is due: fresh keys that know ``kid``, or a fetch tried too
        recently (an unknown ``kid`` then fails verification with a 401)."""
        now = self._clock.now()
        if self._loaded_at is None:
            return not self._may_fetch(now, self._retry_after_failure)
        if now - self._loaded_at >= self._max_age:
            return not self._may_fetch(now, self._retry_after_failure)
        return self._verifier.knows(kid) or not self._may_fetch(now, self._refetch_interval)

    def _may_fetch(self, now: datetime, pause: timedelta) -> bool:
        return self._attempted_at is None or now - self._attempted_at >= pause

    async def _fetch(self, now: datetime) -> None:
        self._attempted_at = now
        self.fetches += 1
        try:
            response = await self._http.get(self.jwks_url, headers={"Accept": "application/json"})
            response.raise_for_status()
            if len(response.content) > MAX_JWKS_BYTES:
                raise ValueError("JWKS document too large")
            document: Any = response.json()
            if not isinstance(document, dict):
                raise ValueError("a JWKS document is a JSON object")
            self._verifier.update(document)
        except (httpx.HTTPError, ValueError) as exc:
            # Keep whatever keys are held: an auth outage must not log everyone out.
            log.warning("fetching the JWKS from %s failed: %s", self.jwks_url, exc)
            return
        self._loaded_at = now


def _kid_of(token: str) -> str:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise AuthenticationFailed("invalid access token: malformed") from None
    if not isinstance(kid, str):
        raise AuthenticationFailed("invalid access token: unknown key id")
    return kid


__all__ = ["API_TOKENS_NOT_HERE", "JWKS_TIMEOUT", "JwksAuthenticator"]
