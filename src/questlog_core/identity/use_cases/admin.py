"""Administration of other accounts: look users up, create, roles, disable and enable."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from questlog_core.errors import AlreadyExists, NotFound, ValidationFailed
from questlog_core.identity.rbac import Permission, Role, parse_role
from questlog_core.identity.tokens import Principal
from questlog_core.identity.use_cases.base import AuthBase
from questlog_core.identity.use_cases.results import Profile, _profile
from questlog_core.identity.users import (
    User,
    normalise_email,
    validate_day_start_hour,
    validate_display_name,
    validate_timezone,
)
from questlog_core.kernel.ids import UserId


class AdminUseCases(AuthBase):
    """Administration of other accounts."""

    # -- administration ---------------------------------------------------------------------

    async def get_user(self, actor: Principal, user_id: UUID) -> Profile:
        actor.require(Permission.USERS_READ)
        async with self._uow() as uow:
            return _profile(await uow.users.get(UserId(user_id)))

    async def find_user(self, actor: Principal, email: str) -> Profile:
        """The account registered with ``email``; ``NotFound`` if there is none."""
        actor.require(Permission.USERS_READ)
        address = normalise_email(email)
        async with self._uow() as uow:
            user = await uow.users.by_email(address)
        if user is None:
            raise NotFound("user", address)
        return _profile(user)

    async def list_users(
        self, actor: Principal, *, after_email: str | None = None, limit: int = 100
    ) -> list[Profile]:
        """Up to ``limit`` (1..1000) accounts ordered by email, after ``after_email``."""
        actor.require(Permission.USERS_READ)
        if not 1 <= limit <= 1000:
            raise ValidationFailed("limit", "must be between 1 and 1000")
        async with self._uow() as uow:
            users = await uow.users.page(after_email=after_email, limit=limit)
        return [_profile(u) for u in users]

    async def create_user(
        self,
        actor: Principal,
        *,
        email: str,
        password: str,
        display_name: str,
        timezone: str = "UTC",
        day_start_hour: int = 0,
        roles: Iterable[str] = (),
    ) -> Profile:
        """Make an account for someone (an administrator's act, not a sign-up): the same rules
        as :meth:`register` for the address, password and profile, but an address already
        registered is ``AlreadyExists`` (the actor may know), no email is sent, and ``roles``
        are granted at once (which needs ``roles:manage`` besides ``users:manage``)."""
        actor.require(Permission.USERS_MANAGE)
        wanted = frozenset(parse_role(r) for r in roles) - {Role.USER}
        if wanted:
            actor.require(Permission.ROLES_MANAGE)
        address = normalise_email(email)
        password = self.policy.check(password, email=address)
        name = validate_display_name(display_name)
        zone = validate_timezone(timezone)
        hour = validate_day_start_hour(day_start_hour)
        password_hash = await self._hasher.hash(password)
        async with self._uow() as uow:
            if await uow.users.by_email(address) is not None:
                raise AlreadyExists("user", address)
            now = self._clock.now()
            user = User.register(
                user_id=UserId(self._ids.new_id()),
                email=address,
                display_name=name,
                password_hash=password_hash,
                at=now,
                event_id=self._event_id(),
                timezone=zone,
                day_start_hour=hour,
            )
            for role in sorted(wanted):
                user.grant_role(role, by=actor.user_id, at=now, event_id=self._event_id())
            await uow.users.add(user)
            await uow.commit()
        return _profile(user)

    async def grant_role(self, actor: Principal, user_id: UUID, role: str) -> Profile:
        """Give a role. The user's access tokens (which name their roles) end now; the
        client's next refresh gets a token with the new role."""
        actor.require(Permission.ROLES_MANAGE)
        wanted = parse_role(role)
        async with self._uow() as uow:
            user = await uow.users.get(UserId(user_id))
            now = self._clock.now()
            if user.grant_role(wanted, by=actor.user_id, at=now, event_id=self._event_id()):
                await uow.users.save(user)
                await self._revoke_access_tokens(user.id, now)
                await uow.commit()
                await self._roles_committed(user.id)
            return _profile(user)

    async def revoke_role(self, actor: Principal, user_id: UUID, role: str) -> Profile:
        """Take a role away; it takes effect on the user's next request, not at token expiry
        (their access tokens end now; a refresh gets a token without the role).
        An admin cannot drop their own admin role (so the last admin cannot vanish by mistake)."""
        actor.require(Permission.ROLES_MANAGE)
        wanted = parse_role(role)
        if wanted is Role.ADMIN and UserId(user_id) == actor.user_id:
            raise ValidationFailed("role", "you cannot revoke your own admin role")
        async with self._uow() as uow:
            user = await uow.users.get(UserId(user_id))
            now = self._clock.now()
            if user.revoke_role(wanted, by=actor.user_id, at=now, event_id=self._event_id()):
                await uow.users.save(user)
                await self._revoke_access_tokens(user.id, now)
                await uow.commit()
                await self._roles_committed(user.id)
            return _profile(user)

    async def disable_user(self, actor: Principal, user_id: UUID, *, reason: str = "") -> Profile:
        """Lock an account out now: sessions and access tokens end, sign-in is refused."""
        actor.require(Permission.USERS_MANAGE)
        if UserId(user_id) == actor.user_id:
            raise ValidationFailed("user_id", "you cannot disable your own account")
        async with self._uow() as uow:
            user = await uow.users.get(UserId(user_id))
            now = self._clock.now()
            if user.disable(by=actor.user_id, at=now, event_id=self._event_id(), reason=reason):
                await uow.users.save(user)
                await self._end_sessions(uow, user.id, now, "disabled")
                await self._revoke_access_tokens(user.id, now)
                await uow.commit()
            return _profile(user)

    async def enable_user(self, actor: Principal, user_id: UUID) -> Profile:
        actor.require(Permission.USERS_MANAGE)
        async with self._uow() as uow:
            user = await uow.users.get(UserId(user_id))
            now = self._clock.now()
            if user.enable(by=actor.user_id, at=now, event_id=self._event_id()):
                await uow.users.save(user)
                await uow.commit()
            return _profile(user)

    async def make_admin(self, email: str) -> Profile:
        """Operator bootstrap (CLI only, never over HTTP): grant ``admin`` by email."""
        async with self._uow() as uow:
            user = await uow.users.by_email(normalise_email(email))
            if user is None:
                raise NotFound("user", email)
            now = self._clock.now()
            if user.grant_role(Role.ADMIN, by=user.id, at=now, event_id=self._event_id()):
                await uow.users.save(user)
                await self._revoke_access_tokens(user.id, now)
                await uow.commit()
            return _profile(user)
