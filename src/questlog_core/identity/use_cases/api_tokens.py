"""Personal API tokens: create, list and revoke the caller's own."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from uuid import UUID

from questlog_core.errors import AuthenticationFailed, NotFound, ValidationFailed
from questlog_core.identity.rbac import parse_permission
from questlog_core.identity.tokens import (
    API_TOKEN_PREFIX,
    PersonalApiToken,
    Principal,
    PrincipalKind,
    hash_token,
    new_secret,
)
from questlog_core.identity.use_cases.base import AuthBase
from questlog_core.identity.use_cases.results import ApiTokenCreated, ApiTokenInfo, _api_token_info
from questlog_core.identity.users import validate_display_name


class ApiTokenUseCases(AuthBase):
    """Personal API tokens."""

    # -- personal API tokens --------------------------------------------------------------

    async def create_api_token(
        self,
        principal: Principal,
        *,
        name: str,
        scopes: Iterable[str],
        expires_in: timedelta | None = None,
    ) -> ApiTokenCreated:
        """A personal API token limited to ``scopes`` (permission names the caller holds).

        Only a signed-in session may create one (a token cannot mint tokens). It expires
        after ``expires_in`` (default 90 days, at most 365).
        """
        if principal.kind is not PrincipalKind.ACCESS_TOKEN:
            raise AuthenticationFailed("sign in with your password to create API tokens")
        label = validate_display_name(name)
        wanted = frozenset(parse_permission(s) for s in scopes)
        if not wanted:
            raise ValidationFailed("scopes", "give at least one scope")
        beyond = sorted(p.value for p in wanted - principal.permissions)
        if beyond:
            raise ValidationFailed("scopes", f"you do not hold {', '.join(beyond)}")
        lifetime = expires_in if expires_in is not None else self.settings.api_token_default_ttl
        if lifetime <= timedelta(0) or lifetime > self.settings.api_token_max_ttl:
            days = self.settings.api_token_max_ttl.days
            raise ValidationFailed("expires_in", f"must be between 1 second and {days} days")
        secret = new_secret(API_TOKEN_PREFIX)
        async with self._uow() as uow:
            now = self._clock.now()
            live = [t for t in await uow.api_tokens.list_of(principal.user_id) if t.is_active(now)]
            if len(live) >= self.settings.max_api_tokens_per_user:
                limit = self.settings.max_api_tokens_per_user
                raise ValidationFailed("name", f"at most {limit} active API tokens")
            token = PersonalApiToken(
                id=self._ids.new_id(),
                user_id=principal.user_id,
                name=label,
                token_hash=hash_token(secret),
                scopes=wanted,
                created_at=now,
                expires_at=now + lifetime,
            )
            await uow.api_tokens.add(token)
            await uow.commit()
        return ApiTokenCreated(token=secret, info=_api_token_info(token))

    async def list_api_tokens(self, principal: Principal) -> list[ApiTokenInfo]:
        """The caller's API tokens (never their secrets), revoked ones included."""
        async with self._uow() as uow:
            return [_api_token_info(t) for t in await uow.api_tokens.list_of(principal.user_id)]

    async def revoke_api_token(self, principal: Principal, token_id: UUID) -> None:
        """Revoke one of the caller's API tokens (another user's token is not found)."""
        async with self._uow() as uow:
            if await uow.api_tokens.get(principal.user_id, token_id) is None:
                raise NotFound("api token", token_id)
            await uow.api_tokens.revoke(principal.user_id, token_id, self._clock.now())
            await uow.commit()
