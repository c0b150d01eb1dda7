"""SQL repositories and unit of work of the auth service.

Same semantics as :mod:`adapters.memory.identity` (the contract suite holds both to them),
as Core statements on the unit of work's connection, translated to and from the identity
entities by hand (no ORM session).

* **Compare-and-set** is one statement: ``UPDATE ... SET used_at = :now WHERE token_hash = :h
  AND used_at IS NULL RETURNING token_hash``. On PostgreSQL a second writer blocks on the row
  until the first commits, then re-checks the condition and finds it false; on SQLite every
  transaction holds the write lock from its start. Either way exactly one caller gets a row
  back. ``RETURNING`` decides rather than the driver's row count, which psycopg does not
  report reliably on every path.
* **Uniqueness** (user id and email, token hashes, ids) is the database's: inserts are
  ``ON CONFLICT DO NOTHING`` and a refused row becomes ``AlreadyExists`` without aborting
  the transaction, so two racing registrations of one address cannot both succeed.
* **Optimistic concurrency** on users: ``UPDATE ... WHERE id AND version = :seen``; no row
  means the user is gone (``NotFound``), someone saved first (``ConcurrencyConflict``) or
  the new email belongs to someone else (``AlreadyExists``), told apart by one more read.
* **Events** of added/saved users and of :meth:`SqlAuthUnitOfWork.record` go to the auth
  outbox on commit, in the same transaction; :meth:`SqlAuthUnitOfWork.claim` is the inbox.

Entities handed out are fresh objects: an unsaved change stays unsaved.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from sqlalchemy import Executable, Select, and_, delete, exists, literal, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import dialects
from adapters.sql.second_factor import SqlSecondFactors
from adapters.sql.tables import auth as t
from adapters.sql.types import UtcDateTime
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from questlog_core.identity.external import ExternalLink
from questlog_core.identity.rbac import Permission, Role
from questlog_core.identity.tokens import (
    PasswordResetToken,
    PersonalApiToken,
    RefreshToken,
    SessionFamily,
)
from questlog_core.identity.users import User
from questlog_core.ids import UserId
from questlog_core.ports.platform import Clock

if TYPE_CHECKING:
    from questlog_core.ports.identity import AuthUnitOfWork

T = TypeVar("T")

# -- rows <-> domain ----------------------------------------------------------------------------


def _user_values(user: User) -> dict[str, Any]:
    """Every stored field of ``user`` except ``id`` and ``version``."""
    return {
        "email": user.email,
        "display_name": user.display_name,
        "password_hash": user.password_hash,
        "roles": sorted(r.value for r in user.roles),
        "timezone": user.timezone,
        "day_start_hour": user.day_start_hour,
        "disabled": user.disabled,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "tokens_valid_after": user.tokens_valid_after,
    }


def _user(row: Row[Any]) -> User:
    return User(
        id=UserId(row.id),
        email=row.email,
        display_name=row.display_name,
        password_hash=row.password_hash,
        roles=frozenset(Role(r) for r in row.roles),
        created_at=row.created_at,
        updated_at=row.updated_at,
        tokens_valid_after=row.tokens_valid_after,
        timezone=row.timezone,
        day_start_hour=row.day_start_hour,
        disabled=row.disabled,
        version=row.version,
    )


def _family(row: Row[Any]) -> SessionFamily:
    return SessionFamily(
        id=row.id,
        user_id=UserId(row.user_id),
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        user_agent=row.user_agent,
        ip=row.ip,
        revoked_at=row.revoked_at,
        revoked_reason=row.revoked_reason,
    )


def _refresh_token(row: Row[Any]) -> RefreshToken:
    return RefreshToken(
        token_hash=row.token_hash,
        family_id=row.family_id,
        user_id=UserId(row.user_id),
        issued_at=row.issued_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )


def _reset_token(row: Row[Any]) -> PasswordResetToken:
    return PasswordResetToken(
        token_hash=row.token_hash,
        user_id=UserId(row.user_id),
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )


def _api_token(row: Row[Any]) -> PersonalApiToken:
    return PersonalApiToken(
        id=row.id,
        user_id=UserId(row.user_id),
        name=row.name,
        token_hash=row.token_hash,
        scopes=frozenset(Permission(s) for s in row.scopes),
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _external_link(row: Row[Any]) -> ExternalLink:
    return ExternalLink(
        user_id=UserId(row.user_id),
        provider=row.provider,
        subject=row.subject,
        email=row.email,
        linked_at=row.linked_at,
    )


async def _first(
    connection: AsyncConnection, query: Select[Any], entity: Callable[[Row[Any]], T]
) -> T | None:
    """The first row of ``query`` as an entity, or ``None``."""
    row = (await connection.execute(query)).first()
    return entity(row) if row is not None else None


async def _changed(connection: AsyncConnection, statement: Executable) -> int:
    """How many rows a conditional ``UPDATE ... RETURNING`` changed: the rows it hands back
    decide, not the driver's row count (see the module notes)."""
    return len((await connection.execute(statement)).all())


# -- repositories -------------------------------------------------------------------------------


class SqlUsers:
    """:class:`~questlog_core.ports.identity.UserRepository` on the unit of work's connection."""

    def __init__(self, uow: SqlAuthUnitOfWork) -> None:
        self._uow = uow

    async def get(self, user_id: UserId) -> User:
        """The account ``user_id``; ``NotFound`` if there is none."""
        user = await self.find(user_id)
        if user is None:
            raise NotFound("user", user_id)
        return user

    async def find(self, user_id: UserId) -> User | None:
        """The account ``user_id``, or ``None``."""
        query = select(t.users).where(t.users.c.id == user_id)
        return await _first(self._uow.connection, query, _user)

    async def by_email(self, email: str) -> User | None:
        """The account registered with ``email`` (already normalised), or ``None``."""
        query = select(t.users).where(t.users.c.email == email)
        return await _first(self._uow.connection, query, _user)

    async def page(self, *, after_email: str | None = None, limit: int = 100) -> list[User]:
        """Up to ``limit`` accounts ordered by email (its unique index), after ``after_email``."""
        query = select(t.users).order_by(t.users.c.email).limit(limit)
        if after_email is not None:
            query = query.where(t.users.c.email > after_email)
        rows = (await self._uow.connection.execute(query)).all()
        return [_user(row) for row in rows]

    async def add(self, user: User) -> None:
        """Store a new account; ``AlreadyExists`` if its id or email is taken."""
        values = {"id": user.id, "version": user.version, **_user_values(user)}
        if not await dialects.insert_if_absent(self._uow.connection, t.users, values):
            raise AlreadyExists("user", user.email)
        self._uow.record(*user.pull_events())

    async def save(self, user: User) -> None:
        """Store ``user`` if nobody saved it since it was read, and bump its version."""
        c = self._uow.connection
        u = t.users.c
        other = t.users.alias("other")
        # The email check rides in the UPDATE: a clash must not raise (and abort a PostgreSQL
        # transaction); it just leaves the row alone, and the read below says why.
        email_taken = exists(
            select(literal(1))
            .select_from(other)
            .where(and_(other.c.email == user.email, other.c.id != user.id))
        )
        statement = (
            update(t.users)
            .where(u.id == user.id, u.version == user.version, ~email_taken)
            .values(version=user.version + 1, **_user_values(user))
            .returning(u.id)
        )
        if (await c.execute(statement)).first() is None:
            actual = (
                await c.execute(select(u.version).where(u.id == user.id))
            ).scalar_one_or_none()
            if actual is None:
                raise NotFound("user", user.id)
            if actual != user.version:
                raise ConcurrencyConflict("user", user.id, user.version, actual)
            raise AlreadyExists("user", user.email)
        user.version += 1
        self._uow.record(*user.pull_events())


class SqlRefreshTokens:
    """:class:`~questlog_core.ports.identity.RefreshTokenRepository`: families and tokens."""

    def __init__(self, uow: SqlAuthUnitOfWork) -> None:
        self._uow = uow

    async def add_family(self, family: SessionFamily) -> None:
        """Store a new session family; ``AlreadyExists`` if its id is taken."""
        values = {
            "id": family.id,
            "user_id": family.user_id,
            "created_at": family.created_at,
            "expires_at": family.expires_at,
            "last_used_at": family.last_used_at,
            "user_agent": family.user_agent,
            "ip": family.ip,
            "revoked_at": family.revoked_at,
            "revoked_reason": family.revoked_reason,
        }
        if not await dialects.insert_if_absent(self._uow.connection, t.sessions, values):
            raise AlreadyExists("session", family.id)

    async def get_family(self, family_id: UUID) -> SessionFamily | None:
        """The family ``family_id``, or ``None``."""
        query = select(t.sessions).where(t.sessions.c.id == family_id)
        return await _first(self._uow.connection, query, _family)

    async def families_of(self, user_id: UserId) -> builtins.list[SessionFamily]:
        """Every family of a user, revoked ones included, oldest first."""
        s = t.sessions.c
        query = select(t.sessions).where(s.user_id == user_id).order_by(s.created_at, s.id)
        return [_family(r) for r in await self._uow.connection.execute(query)]

    async def touch_family(self, family_id: UUID, at: datetime) -> None:
        """Move the family's last use to ``at`` (never backwards)."""
        c = self._uow.connection
        s = t.sessions.c
        later = dialects.greatest(c, s.last_used_at, literal(at, UtcDateTime()))
        await c.execute(update(t.sessions).where(s.id == family_id).values(last_used_at=later))

    async def revoke_family(self, family_id: UUID, at: datetime, reason: str) -> bool:
        """Revoke one live family; ``False`` if it was already revoked or does not exist."""
        s = t.sessions.c
        statement = (
            update(t.sessions)
            .where(s.id == family_id, s.revoked_at.is_(None))
            .values(revoked_at=at, revoked_reason=reason)
            .returning(s.id)
        )
        return await _changed(self._uow.connection, statement) > 0

    async def revoke_families_of(self, user_id: UserId, at: datetime, reason: str) -> int:
        """Revoke every live family of a user; how many were revoked."""
        s = t.sessions.c
        statement = (
            update(t.sessions)
            .where(s.user_id == user_id, s.revoked_at.is_(None))
            .values(revoked_at=at, revoked_reason=reason)
            .returning(s.id)
        )
        return await _changed(self._uow.connection, statement)

    async def add(self, token: RefreshToken) -> None:
        """Store a new refresh token; ``AlreadyExists`` if its hash is taken."""
        values = {
            "token_hash": token.token_hash,
            "family_id": token.family_id,
            "user_id": token.user_id,
            "issued_at": token.issued_at,
            "expires_at": token.expires_at,
            "used_at": token.used_at,
        }
        if not await dialects.insert_if_absent(self._uow.connection, t.refresh_tokens, values):
            raise AlreadyExists("refresh token", "hash")

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        """The refresh token with this hash, or ``None``."""
        query = select(t.refresh_tokens).where(t.refresh_tokens.c.token_hash == token_hash)
        return await _first(self._uow.connection, query, _refresh_token)

    async def mark_used(self, token_hash: str, at: datetime) -> bool:
        """Compare-and-set ``used_at``: ``True`` for exactly one of any concurrent callers."""
        r = t.refresh_tokens.c
        statement = (
            update(t.refresh_tokens)
            .where(r.token_hash == token_hash, r.used_at.is_(None))
            .values(used_at=at)
            .returning(r.token_hash)
        )
        return await _changed(self._uow.connection, statement) > 0


class SqlResetTokens:
    """:class:`~questlog_core.ports.identity.ResetTokenRepository`."""

    def __init__(self, uow: SqlAuthUnitOfWork) -> None:
        self._uow = uow

    async def add(self, token: PasswordResetToken) -> None:
        """Store a new reset token; ``AlreadyExists`` if its hash is taken.

        (A clash cannot happen with 256-bit secrets; refusing it, rather than overwriting,
        keeps a spent token from ever becoming usable again.)
        """
        values = {
            "token_hash": token.token_hash,
            "user_id": token.user_id,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "used_at": token.used_at,
        }
        if not await dialects.insert_if_absent(self._uow.connection, t.reset_tokens, values):
            raise AlreadyExists("reset token", "hash")

    async def by_hash(self, token_hash: str) -> PasswordResetToken | None:
        """The reset token with this hash, or ``None``."""
        query = select(t.reset_tokens).where(t.reset_tokens.c.token_hash == token_hash)
        return await _first(self._uow.connection, query, _reset_token)

    async def consume(self, token_hash: str, at: datetime) -> bool:
        """Compare-and-set: mark an unused token used; ``True`` for exactly one caller."""
        r = t.reset_tokens.c
        statement = (
            update(t.reset_tokens)
            .where(r.token_hash == token_hash, r.used_at.is_(None))
            .values(used_at=at)
            .returning(r.token_hash)
        )
        return await _changed(self._uow.connection, statement) > 0

    async def invalidate_all(self, user_id: UserId, at: datetime) -> int:
        """Mark every unused token of a user used; how many there were."""
        r = t.reset_tokens.c
        statement = (
            update(t.reset_tokens)
            .where(r.user_id == user_id, r.used_at.is_(None))
            .values(used_at=at)
            .returning(r.token_hash)
        )
        return await _changed(self._uow.connection, statement)


class SqlApiTokens:
    """:class:`~questlog_core.ports.identity.ApiTokenRepository`, scoped by user."""

    def __init__(self, uow: SqlAuthUnitOfWork) -> None:
        self._uow = uow

    async def add(self, token: PersonalApiToken) -> None:
        """Store a new API token; ``AlreadyExists`` if its id or hash is taken."""
        values = {
            "id": token.id,
            "user_id": token.user_id,
            "name": token.name,
            "token_hash": token.token_hash,
            "scopes": sorted(s.value for s in token.scopes),
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at,
        }
        if not await dialects.insert_if_absent(self._uow.connection, t.api_tokens, values):
            raise AlreadyExists("api token", token.id)

    async def by_hash(self, token_hash: str) -> PersonalApiToken | None:
        """The API token with this hash (whoever owns it), or ``None``."""
        query = select(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash)
        return await _first(self._uow.connection, query, _api_token)

    async def list_of(self, user_id: UserId) -> builtins.list[PersonalApiToken]:
        """A user's tokens, revoked ones included, oldest first."""
        a = t.api_tokens.c
        query = select(t.api_tokens).where(a.user_id == user_id).order_by(a.created_at, a.id)
        return [_api_token(r) for r in await self._uow.connection.execute(query)]

    async def get(self, user_id: UserId, token_id: UUID) -> PersonalApiToken | None:
        """The user's token ``token_id``; another user's token is ``None`` (not found)."""
        a = t.api_tokens.c
        query = select(t.api_tokens).where(a.id == token_id, a.user_id == user_id)
        return await _first(self._uow.connection, query, _api_token)

    async def revoke(self, user_id: UserId, token_id: UUID, at: datetime) -> bool:
        """Revoke the user's live token; ``False`` if not theirs, unknown or already revoked."""
        a = t.api_tokens.c
        statement = (
            update(t.api_tokens)
            .where(a.id == token_id, a.user_id == user_id, a.revoked_at.is_(None))
            .values(revoked_at=at)
            .returning(a.id)
        )
        return await _changed(self._uow.connection, statement) > 0

    async def touch(self, token_id: UUID, at: datetime) -> None:
        """Record that the token was used at ``at``."""
        a = t.api_tokens.c
        statement = update(t.api_tokens).where(a.id == token_id).values(last_used_at=at)
        await self._uow.connection.execute(statement)


class SqlExternalIdentities:
    """Links of external identities to accounts (``auth_external_identities``)."""

    def __init__(self, uow: SqlAuthUnitOfWork) -> None:
        self._uow = uow

    async def add(self, link: ExternalLink) -> None:
        """Store a link; ``AlreadyExists`` if the identity, or the account at that provider,
        is linked already (the table's two unique keys)."""
        values = {
            "provider": link.provider,
            "subject": link.subject,
            "user_id": link.user_id,
            "email": link.email,
            "linked_at": link.linked_at,
        }
        if not await dialects.insert_if_absent(self._uow.connection, t.external_identities, values):
            raise AlreadyExists("external identity", f"{link.provider}:{link.subject}")

    async def by_subject(self, provider: str, subject: str) -> ExternalLink | None:
        """The link of the provider's ``subject``, or ``None``."""
        e = t.external_identities.c
        query = select(t.external_identities).where(e.provider == provider, e.subject == subject)
        return await _first(self._uow.connection, query, _external_link)

    async def list_of(self, user_id: UserId) -> builtins.list[ExternalLink]:
        """The account's links, by provider name."""
        e = t.external_identities.c
        query = select(t.external_identities).where(e.user_id == user_id).order_by(e.provider)
        return [_external_link(r) for r in await self._uow.connection.execute(query)]

    async def remove(self, user_id: UserId, provider: str) -> bool:
        """Unlink the account's identity at ``provider``; ``False`` if there was none."""
        e = t.external_identities.c
        statement = (
            delete(t.external_identities)
            .where(e.user_id == user_id, e.provider == provider)
            .returning(e.subject)
        )
        return await _changed(self._uow.connection, statement) > 0


class SqlAuthUnitOfWork(SqlUnitOfWork):
    """One transaction over the auth service's tables, inbox and outbox.

    Create one per use case: ``SqlAuthUnitOfWork(engine)`` (optionally with the
    :class:`Clock` that stamps outbox and inbox rows), e.g.
    ``AuthService(uow=lambda: SqlAuthUnitOfWork(engine), ...)``.
    """

    service = "auth"

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        super().__init__(engine, clock)
        self._users = SqlUsers(self)
        self._refresh_tokens = SqlRefreshTokens(self)
        self._reset_tokens = SqlResetTokens(self)
        self._api_tokens = SqlApiTokens(self)
        self._external_identities = SqlExternalIdentities(self)
        self._second_factors = SqlSecondFactors(self)

    @property
    def users(self) -> SqlUsers:
        return self._users

    @property
    def refresh_tokens(self) -> SqlRefreshTokens:
        return self._refresh_tokens

    @property
    def reset_tokens(self) -> SqlResetTokens:
        return self._reset_tokens

    @property
    def api_tokens(self) -> SqlApiTokens:
        return self._api_tokens

    @property
    def external_identities(self) -> SqlExternalIdentities:
        return self._external_identities

    @property
    def second_factors(self) -> SqlSecondFactors:
        return self._second_factors


if TYPE_CHECKING:  # the adapter satisfies the port (checked by mypy, free at runtime)

    def _satisfies_port(engine: AsyncEngine) -> AuthUnitOfWork:
        return SqlAuthUnitOfWork(engine)


__all__ = [
    "SqlApiTokens",
    "SqlAuthUnitOfWork",
    "SqlExternalIdentities",
    "SqlRefreshTokens",
    "SqlResetTokens",
    "SqlUsers",
]
