"""Erasing an account on SQL: which rows of each table belong to a user, and the unit of work
each service's ``AccountDeleted`` consumer erases them in.

:data:`ERASERS` names, for every table that can hold something of one user, how to find that
user's rows (usually: the column holding the user's id). :data:`HOLDS_NO_USER_DATA` names every
other table, with the reason, and :data:`KEPT_TO_HONOUR_ERASURE` the tables that keep an erased
account's id on purpose (each service's tombstones), with the reason.
``tests/unit/moving/test_erasure_registry.py`` checks that the three together cover every
table of :data:`adapters.sql.tables.metadata`, so a table added without a line here fails the
build instead of keeping a deleted user's data.

A service's consumer erases only its own tables (the tables of its schema), in the order of
:data:`ERASERS`.
"""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable
from typing import ClassVar

from sqlalchemy import Table, bindparam, delete, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.shared_transaction import joined
from adapters.sql.tables import (
    ai,
    analytics,
    auth,
    experiments,
    gamification,
    integrations,
    notification,
    quest,
    search,
)
from adapters.sql.tables import metadata as all_tables
from adapters.sql.tables.base import declared_groups
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.ids import AttachmentId, QuestId, UserId
from questlog_core.ports.platform import Clock
from questlog_core.quests.attachments import storage_key

#: deletes one user's rows of one table; returns how many
Eraser = Callable[[AsyncConnection, UserId], Awaitable[int]]


def owned_by(table: Table, column: str) -> tuple[Table, Eraser]:
    """The rows whose ``column`` holds the user's id."""

    async def erase(connection: AsyncConnection, owner: UserId) -> int:
        result = await connection.execute(delete(table).where(table.c[column] == owner))
        return int(result.rowcount or 0)

    return table, erase


def involving(table: Table, *columns: str) -> tuple[Table, Eraser]:
    """The rows where any of ``columns`` holds the user's id (a friendship names both of its
    players; an invitation link its inviter and whoever used it)."""

    async def erase(connection: AsyncConnection, owner: UserId) -> int:
        result = await connection.execute(
            delete(table).where(or_(*(table.c[column] == owner for column in columns)))
        )
        return int(result.rowcount or 0)

    return table, erase


def mentioning(table: Table, column: str) -> tuple[Table, Eraser]:
    """The rows whose text ``column`` mentions the user's id (a dead letter's message holds
    the event it failed on, and the event names its owner)."""

    async def erase(connection: AsyncConnection, owner: UserId) -> int:
        result = await connection.execute(
            delete(table).where(table.c[column].contains(str(owner), autoescape=True))
        )
        return int(result.rowcount or 0)

    return table, erase


def throttled_by_address(table: Table) -> tuple[Table, Eraser]:
    """The SQL rate limiter's keys that end in the user's email address (sign-in and reset
    throttles), read from the account row before that row goes."""

    async def erase(connection: AsyncConnection, owner: UserId) -> int:
        email = await connection.scalar(select(auth.users.c.email).where(auth.users.c.id == owner))
        if email is None:
            return 0
        result = await connection.execute(
            delete(table).where(table.c.key.endswith(":" + email, autoescape=True))
        )
        return int(result.rowcount or 0)

    return table, erase


def indexed_for(table: Table) -> tuple[Table, Eraser]:
    """The search service's copies of the user's quests (``owner``) and, on SQLite, their
    words in the FTS5 table beside them (keyed by the document's id; not a modelled table, so
    it goes first, while the ids can still be found). On PostgreSQL the words are a column of
    the row itself."""

    async def erase(connection: AsyncConnection, owner: UserId) -> int:
        if connection.dialect.name == "sqlite":
            found = await connection.execute(select(table.c.id).where(table.c.owner == owner))
            ids = [{"id": doc_id} for doc_id in found.scalars()]
            if ids:
                await connection.execute(
                    text(f"DELETE FROM {search.FTS_TABLE} WHERE rowid = :id"), ids
                )
        result = await connection.execute(delete(table).where(table.c.owner == owner))
        return result.rowcount

    return table, erase


# Every service's bookkeeping tables (the table modules above declared their groups on import).
OUTBOXES: dict[str, Table] = {g.schema: g.outbox for g in declared_groups()}
INBOXES: dict[str, Table] = {g.schema: g.inbox for g in declared_groups()}
DEAD_LETTERS: dict[str, Table] = {g.schema: g.dead_letters for g in declared_groups()}
#: every service's tombstones: the accounts it erased
ERASED_ACCOUNTS: dict[str, Table] = {g.schema: g.erased_accounts for g in declared_groups()}

_ENTRIES = [
    # quest service
    owned_by(quest.quests, "owner"),
    owned_by(quest.dependencies, "owner"),
    owned_by(quest.templates, "owner"),
    owned_by(quest.categories, "owner"),
    owned_by(quest.attachments, "owner"),
    owned_by(quest.import_links, "owner"),
    # auth service (the throttles first: they are found by the account's address)
    throttled_by_address(auth.rate_hits),
    owned_by(auth.sessions, "user_id"),
    owned_by(auth.refresh_tokens, "user_id"),
    owned_by(auth.reset_tokens, "user_id"),
    owned_by(auth.api_tokens, "user_id"),
    owned_by(auth.external_identities, "user_id"),
    owned_by(auth.second_factors, "user_id"),
    owned_by(auth.recovery_codes, "user_id"),
    owned_by(auth.sign_in_challenges, "user_id"),
    owned_by(auth.users, "id"),
    # gamification service
    owned_by(gamification.ledger, "user_id"),
    owned_by(gamification.players, "user_id"),
    owned_by(gamification.achievements, "user_id"),
    owned_by(gamification.board_scores, "user_id"),
    owned_by(gamification.board_entries, "user_id"),
    owned_by(gamification.reopens, "user_id"),
    involving(gamification.friendships, "user_a", "user_b"),
    owned_by(gamification.email_invites, "inviter"),
    involving(gamification.friend_links, "inviter", "used_by"),
    owned_by(gamification.share_links, "user_id"),
    # notification service (a broadcast schedule has no user_id: it is nobody's own)
    owned_by(notification.deliveries, "user_id"),
    owned_by(notification.notifications, "user_id"),
    owned_by(notification.schedules, "user_id"),
    owned_by(notification.preferences, "user_id"),
    owned_by(notification.recipients, "user_id"),
    owned_by(notification.devices, "user_id"),
    # ai service
    owned_by(ai.token_usage, "owner"),
    owned_by(ai.quest_views, "owner"),
    owned_by(ai.forgotten, "owner"),
    owned_by(ai.player_zones, "owner"),
    # search service (the query log holds what the user typed)
    indexed_for(search.documents),
    owned_by(search.forgotten, "owner"),
    owned_by(search.queries, "owner"),
    # integrations service (webhook attempts and deliveries before their endpoints)
    owned_by(integrations.webhook_attempts, "owner"),
    owned_by(integrations.webhook_deliveries, "owner"),
    owned_by(integrations.webhook_endpoints, "owner"),
    # integrations service: calendar feeds, its copy of the user's quests, their time zone
    owned_by(integrations.calendar_feeds, "owner"),
    owned_by(integrations.calendar_entries, "owner"),
    owned_by(integrations.calendar_zones, "owner"),
    # analytics service (an exposure says which variant of an experiment the user was in)
    owned_by(analytics.events, "owner"),
    owned_by(analytics.player_zones, "owner"),
    owned_by(experiments.exposures, "owner"),
    # every service: the events about the user (published or not: nobody must act on them
    # now) and the dead letters that carry one
    *(owned_by(outbox, "owner") for outbox in OUTBOXES.values()),
    *(mentioning(letters, "message") for letters in DEAD_LETTERS.values()),
]

#: every table that can hold a user's data → how that user's rows are deleted
ERASERS: dict[str, tuple[Table, Eraser]] = {table.name: (table, erase) for table, erase in _ENTRIES}

#: every other table → why it holds nothing of any one user
HOLDS_NO_USER_DATA: dict[str, str] = {
    **{
        inbox.name: "event ids a consumer handled, with no owner or payload"
        for inbox in INBOXES.values()
    },
    experiments.experiments.name: "experiment definitions (key, variants, metric), no user",
}

#: tables that keep an erased account's id on purpose → why keeping it honours the deletion
KEPT_TO_HONOUR_ERASURE: dict[str, str] = {
    erased.name: (
        "the ids of the accounts the service erased and when, nothing else (the id is a random "
        "UUID): without them an event about the account delivered after its erasure would "
        "create its rows again"
    )
    for erased in ERASED_ACCOUNTS.values()
}


async def _attachment_keys(connection: AsyncConnection, owner: UserId) -> list[str]:
    a = quest.attachments.c
    rows = await connection.execute(select(a.quest_id, a.id).where(a.owner == owner))
    return [storage_key(owner, QuestId(r.quest_id), AttachmentId(r.id)) for r in rows]


#: per service: the storage keys of a user's stored files its rows point to
FILE_KEYS: dict[str, Callable[[AsyncConnection, UserId], Awaitable[list[str]]]] = {
    "quest": _attachment_keys,
}


def _int4(value: bytes) -> int:
    """A signed 32-bit key (what ``pg_advisory_xact_lock(int, int)`` takes) from ``value``."""
    return zlib.crc32(value) - (1 << 32 if zlib.crc32(value) >= 1 << 31 else 0)


async def _lock_account(
    connection: AsyncConnection, service: str, owner: UserId, *, shared: bool
) -> None:
    """On PostgreSQL, lock ``owner``'s account in ``service`` until the transaction ends:
    exclusive for the erasure, shared for a sweep (see
    :class:`~questlog_core.moving.erasure.ErasedAccounts`). SQLite writes one transaction at
    a time: nothing to take. Two accounts whose keys collide only wait for each other."""
    if connection.dialect.name != "postgresql":
        return
    lock = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
    keys = (_int4(f"erasure:{service}".encode()), _int4(owner.bytes))
    await connection.execute(select(lock(*keys)))


async def _erase_rows(connection: AsyncConnection, service: str, owner: UserId) -> int:
    removed = 0
    for table, erase in ERASERS.values():
        if table.schema == service:
            removed += await erase(connection, owner)
    return removed


class SqlPersonalData:
    """:class:`~questlog_core.moving.erasure.PersonalData` of one service's tables."""

    def __init__(self, uow: SqlUnitOfWork, service: str) -> None:
        self._uow = uow
        self._service = service

    async def erase(self, owner: UserId) -> int:
        # the lock first: a sweep running now finishes before the deletes start (and sees
        # its handler's rows deleted), one starting now waits for the tombstone
        await _lock_account(self._uow.connection, self._service, owner, shared=False)
        return await _erase_rows(self._uow.connection, self._service, owner)

    async def remember_erased(self, owner: UserId) -> None:
        table = ERASED_ACCOUNTS[self._service]
        connection = self._uow.connection
        if await connection.scalar(select(table.c.owner).where(table.c.owner == owner)) is None:
            await connection.execute(table.insert().values(owner=owner, erased_at=self._uow.now()))

    async def file_keys(self, owner: UserId) -> list[str]:
        keys_of = FILE_KEYS.get(self._service)
        return [] if keys_of is None else await keys_of(self._uow.connection, owner)


class SqlErasureUnitOfWork(SqlUnitOfWork):
    """A unit of work over one service's tables and inbox, for erasing an account. Make one
    with :meth:`of`."""

    service: ClassVar[str]
    _classes: ClassVar[dict[str, type[SqlErasureUnitOfWork]]] = {}

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        super().__init__(engine, clock)
        self._personal_data = SqlPersonalData(self, self.service)

    @property
    def personal_data(self) -> SqlPersonalData:
        return self._personal_data

    @classmethod
    def of(
        cls, service: str, engine: AsyncEngine, clock: Clock | None = None
    ) -> SqlErasureUnitOfWork:
        """A unit of work erasing in ``service``'s tables (its inbox takes the claim)."""
        if service not in OUTBOXES:
            raise ValueError(f"no service {service!r}")
        made = cls._classes.get(service)
        if made is None:
            made = cls._classes[service] = type(
                f"SqlErasureUnitOfWork_{service}", (cls,), {"service": service}
            )
        return made(engine, clock)


class SqlErasedAccounts:
    """:class:`~questlog_core.moving.erasure.ErasedAccounts` of one service on SQL: its
    tombstones table, and its erasers for what a late handler wrote."""

    def __init__(self, service: str, engine: AsyncEngine) -> None:
        if service not in ERASED_ACCOUNTS:
            raise ValueError(f"no service {service!r}")
        self._service = service
        self._engine = engine
        self._table = ERASED_ACCOUNTS[service]
        owner = self._table.c.owner
        self._query = select(owner).where(owner == bindparam("owner", type_=owner.type))

    async def sweep(self, owner: UserId) -> int | None:
        # Inside a consumer's burst (one shared transaction) the answer for an owner found
        # not erased holds until the burst ends: on PostgreSQL the shared lock taken below is
        # held to its end, so no erasure of the owner commits meanwhile; on SQLite the burst
        # holds the write lock. So a burst asks once per owner, not twice per event.
        shared = joined(self._engine)
        settled = ("not erased", self._service, owner)
        if shared is not None and settled in shared.settled:
            return None
        # A read first (no write lock on SQLite; autocommit on PostgreSQL, where the shared
        # lock is taken and let go in one statement: enough to wait out an erasure holding it,
        # after which the read sees its tombstone).
        async with SqlErasureUnitOfWork.of(self._service, self._engine).reading() as reader:
            await _lock_account(reader.connection, self._service, owner, shared=True)
            if await reader.connection.scalar(self._query, {"owner": owner}) is None:
                if shared is not None:
                    shared.settled.add(settled)
                return None
        async with SqlErasureUnitOfWork.of(self._service, self._engine) as uow:
            removed = await _erase_rows(uow.connection, self._service, owner)
            await uow.commit()
        return removed


def tables_of_every_service() -> list[Table]:
    """Every table of the metadata (what the coverage test walks)."""
    return list(all_tables.sorted_tables)


__all__ = [
    "ERASED_ACCOUNTS",
    "ERASERS",
    "FILE_KEYS",
    "HOLDS_NO_USER_DATA",
    "KEPT_TO_HONOUR_ERASURE",
    "Eraser",
    "SqlErasedAccounts",
    "SqlErasureUnitOfWork",
    "SqlPersonalData",
    "mentioning",
    "owned_by",
    "tables_of_every_service",
    "throttled_by_address",
]
