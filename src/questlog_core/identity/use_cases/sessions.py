"""Sessions and tokens: refresh, sign-out, bearer-token authentication and the
shared revocation check, the caller's sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from questlog_core.errors import AuthenticationFailed, NotFound, ValidationFailed
from questlog_core.identity.events import RefreshTokenReuseDetected
from questlog_core.identity.tokens import (
    Principal,
    PrincipalKind,
    TokenKind,
    hash_token,
    principal_from_claims,
    token_kind,
)
from questlog_core.identity.use_cases.base import AuthBase
from questlog_core.identity.use_cases.results import SessionInfo, TokenPair
from questlog_core.ports.sessions import TokenDenylist


async def refuse_revoked(
    revocations: TokenDenylist, principal: Principal, *, reading: bool = False
) -> None:
    """``AuthenticationFailed`` if the access token behind ``principal`` was revoked (by its
    ``jti`` or by its user's revocation instant); ``ServiceUnavailable`` propagates from the
    feed, so an unreachable feed refuses the request (fail closed) instead of guessing.
    ``reading``: the request only reads (see ``TokenDenylist.is_revoked``)."""
    issued_at = principal.issued_at
    if issued_at is None:  # not an access token: nothing in the feed can concern it
        return
    session = None if principal.session_id is None else str(principal.session_id)
    if await revocations.is_revoked(
        principal.token_id, str(principal.user_id), issued_at, session_id=session, reading=reading
    ):
        raise AuthenticationFailed("access token revoked")


class SessionUseCases(AuthBase):
    """Sessions and tokens."""

    async def refresh(
        self, refresh_token: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> TokenPair:
        """Trade a refresh token for a new pair; the presented token is spent.

        A token that was already used revokes its whole session (reuse detection): of two
        concurrent refreshes with one token exactly one wins, and the other's failure revokes
        the session, so both parties must sign in again.
        """
        if token_kind(refresh_token) is not TokenKind.REFRESH:
            raise AuthenticationFailed("invalid refresh token")
        token_hash = hash_token(refresh_token)
        async with self._uow() as uow:
            now = self._clock.now()
            stored = await uow.refresh_tokens.by_hash(token_hash)
            if stored is None:
                raise AuthenticationFailed("invalid refresh token")
            family = await uow.refresh_tokens.get_family(stored.family_id)
            if family is None or family.revoked_at is not None:
                raise AuthenticationFailed("session revoked")
            if stored.used_at is not None or not await uow.refresh_tokens.mark_used(
                token_hash, now
            ):
                await uow.refresh_tokens.revoke_family(family.id, now, "refresh-token-reuse")
                uow.record(
                    RefreshTokenReuseDetected(
                        event_id=self._event_id(),
                        occurred_at=now,
                        owner=family.user_id,
                        session_id=family.id,
                    )
                )
                await uow.commit()
                # After the commit: the durable revocation stands even if the feed is down
                # (then this answers 503 and the session's access tokens live out their
                # minutes; with the feed up they end now).
                await self._revoke_session_tokens(family.id, now)
                raise AuthenticationFailed("refresh token reuse detected; session revoked")
            if now >= stored.expires_at or now >= family.expires_at:
                raise AuthenticationFailed("refresh token expired")
            user = await uow.users.find(family.user_id)
            if user is None or user.disabled:
                raise AuthenticationFailed("invalid refresh token")
            await uow.refresh_tokens.touch_family(family.id, now)
            pair = await self._rotate(uow, user, family, now)
            await uow.commit()
        return pair

    async def logout(self, principal: Principal) -> None:
        """End the caller's session and its access token at once."""
        if principal.kind is not PrincipalKind.ACCESS_TOKEN or principal.session_id is None:
            raise ValidationFailed("token", "an API token has no session: revoke the token")
        now = self._clock.now()
        # Every access token of the session ends (not only the presented one: an older
        # token of the same session, from before a refresh, may still be unexpired).
        await self._revoke_session_tokens(principal.session_id, now)
        async with self._uow() as uow:
            await uow.refresh_tokens.revoke_family(principal.session_id, now, "logout")
            await uow.commit()

    async def logout_everywhere(self, principal: Principal) -> None:
        """End every session of the caller and every access token issued so far."""
        async with self._uow() as uow:
            now = self._clock.now()
            user = await uow.users.get(principal.user_id)
            user.revoke_access_tokens(now)
            await uow.users.save(user)
            await self._end_sessions(uow, user.id, now, "logout-everywhere")
            await self._revoke_access_tokens(user.id, now)
            await uow.commit()

    async def authenticate(self, token: str, *, reading: bool = False) -> Principal:
        """The principal a bearer token proves, or ``AuthenticationFailed``.

        ``reading``: the request only reads, so an unreachable revocation feed may be answered
        from its recent local copy (see ``TokenDenylist.is_revoked``).

        Accepts access tokens (JWTs) and personal API tokens; a refresh or reset token is
        never accepted. For a JWT: signature and pinned algorithm (by the ``TokenIssuer``),
        ``exp``/``nbf``/``aud``/``iss``, ``token_use == "access"`` and the revocation feed
        (by ``jti``, session and user, in one lookup); then its claims are the principal,
        with no database read. An API token is looked up in the tables.
        """
        kind = token_kind(token)
        if kind is TokenKind.API:
            return await self._authenticate_api_token(token)
        if kind is not TokenKind.ACCESS:
            raise AuthenticationFailed("not an access token")
        claims = self._tokens.verify(token)
        if claims.get("iss") != self.settings.issuer or claims.get("aud") != self.settings.audience:
            raise AuthenticationFailed("invalid access token")
        principal = principal_from_claims(claims)
        # Everything that ends an access token early (logout, a revoked session, a password
        # change, a disabled account, a role granted or revoked) is in the feed for as long
        # as such a token could live, so the claims need no second opinion from the tables.
        await refuse_revoked(self._revocations, principal, reading=reading)
        return principal

    def jwks(self) -> dict[str, Any]:
        """The public keys other services verify access tokens with."""
        return self._tokens.public_jwks()

    # -- sessions ---------------------------------------------------------------------------

    async def list_sessions(self, principal: Principal) -> list[SessionInfo]:
        """The caller's live sessions (devices signed in), oldest first."""
        now = self._clock.now()
        async with self._uow() as uow:
            families = await uow.refresh_tokens.families_of(principal.user_id)
        return [
            SessionInfo(
                id=f.id,
                created_at=f.created_at,
                last_used_at=f.last_used_at,
                expires_at=f.expires_at,
                user_agent=f.user_agent,
                ip=f.ip,
                current=f.id == principal.session_id,
            )
            for f in families
            if f.is_active(now)
        ]

    async def revoke_session(self, principal: Principal, session_id: UUID) -> None:
        """Sign one of the caller's devices out (another user's session is not found)."""
        async with self._uow() as uow:
            family = await uow.refresh_tokens.get_family(session_id)
            if family is None or family.user_id != principal.user_id:
                raise NotFound("session", session_id)
            now = self._clock.now()
            await uow.refresh_tokens.revoke_family(session_id, now, "revoked")
            await self._revoke_session_tokens(session_id, now)
            await uow.commit()

    async def _authenticate_api_token(self, token: str) -> Principal:
        now = self._clock.now()
        async with self._uow() as uow:
            stored = await uow.api_tokens.by_hash(hash_token(token))
            if stored is None or not stored.is_active(now):
                raise AuthenticationFailed("invalid API token")
            user = await uow.users.find(stored.user_id)
            if user is None or user.disabled:
                raise AuthenticationFailed("invalid API token")
            # last-used is informative: refresh it at most once a minute, not on every call
            if stored.last_used_at is None or now - stored.last_used_at >= timedelta(minutes=1):
                await uow.api_tokens.touch(stored.id, now)
                await uow.commit()
        return Principal(
            user_id=user.id,
            roles=user.roles,
            # a token never does more than its owner may do *now*
            permissions=user.permissions & stored.scopes,
            kind=PrincipalKind.API_TOKEN,
            token_id=str(stored.id),
            expires_at=stored.expires_at,
        )
