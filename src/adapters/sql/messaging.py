"""Transactional outbox and idempotency inbox on SQL: one reader for every service's outbox.

A unit of work appends the events its aggregates raised with :func:`append_to_outbox` on its
own connection, inside its own transaction: the state change and its events commit or roll
back together. On PostgreSQL the same transaction sends ``NOTIFY questlog_outbox, '<service>'``,
delivered only if it commits, which wakes the relays (:class:`OutboxListener`). In the process
that committed, :func:`outbox_committed` wakes in-process relays too (the all-in-one on SQLite).

:class:`SqlOutbox` is the relay's side of one service's outbox: :meth:`SqlOutbox.relay` claims
a batch of unpublished rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent relays
never publish one row at the same time; SQLite has one writer at a time anyway), hands them to a
publisher in order and stamps them published in the same transaction. Delivery is
at-least-once: a crash after publishing and before the stamp commits publishes the batch again,
and the consumers' inboxes drop the duplicates.

A consumer calls :func:`claim_in_inbox` inside the transaction that applies an event; the
claim is an ``INSERT ... ON CONFLICT DO NOTHING`` on ``(consumer, event_id)``, so a redelivered
event finds its id taken and is skipped, and two concurrent deliveries cannot both win (the
second waits on the first's row lock and then sees the conflict).
"""

from __future__ import annotations

import asyncio
import builtins
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters import tracing
from adapters.sql import dialects
from adapters.sql.tables import inbox_of, outbox_of
from adapters.sql.writers import gated_connection, read_connection, write_transaction
from questlog_core.events import DomainEvent, encode_event
from questlog_core.ids import EventId, UserId
from questlog_core.ports.messaging import OutboxRecord
from questlog_core.ports.platform import Clock

log = logging.getLogger(__name__)

#: The PostgreSQL channel a committing unit of work notifies (payload: the service's name).
OUTBOX_CHANNEL: Final = "questlog_outbox"

_NOTIFY = text("SELECT pg_notify(:channel, :service)")


def outbox_rows(
    events: Sequence[DomainEvent], recorded_at: datetime, request_id: str | None = None
) -> list[dict[str, Any]]:
    """Outbox row values of ``events``, in order."""
    return [
        {
            "event_id": e.event_id,
            "event_type": e.type_name(),
            "owner": e.owner,
            "occurred_at": e.occurred_at,
            "recorded_at": recorded_at,
            "payload": encode_event(e).decode(),
            "request_id": request_id,
        }
        for e in events
    ]


async def append_to_outbox(
    connection: AsyncConnection,
    service: str,
    events: Sequence[DomainEvent],
    recorded_at: datetime,
) -> None:
    """Write ``events`` to ``service``'s outbox in the connection's current transaction.

    The rows carry the current :data:`adapters.tracing.request_id`. On PostgreSQL the
    transaction also notifies :data:`OUTBOX_CHANNEL` (sent by the server at commit, dropped on
    rollback, and several notifications of one transaction fold into one).
    """
    if not events:
        return
    request_id = tracing.request_id.get()
    # The column's width: a longer id (from a client's header) must not fail the commit.
    rows = outbox_rows(events, recorded_at, None if request_id is None else request_id[:128])
    await connection.execute(outbox_of(service).insert(), rows)
    if connection.dialect.name == "postgresql":
        await connection.execute(_NOTIFY, {"channel": OUTBOX_CHANNEL, "service": service})


# -- in-process wake-ups after commit ---------------------------------------------------------

OutboxWaker = Callable[[str], None]

# Keyed by database, not engine: the all-in-one's HTTP side and its in-process worker have
# engines of their own on the same database file.
_WAKERS: dict[str, list[OutboxWaker]] = {}


def _database(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=True)


def on_outbox_commit(engine: AsyncEngine, waker: OutboxWaker) -> Callable[[], None]:
    """Call ``waker(service)`` after every commit through ``engine`` (in this process) that
    wrote events to an outbox; returns the function that stops it. ``waker`` must be quick
    and thread-safe (it runs in the committing task)."""
    wakers = _WAKERS.setdefault(_database(engine), [])
    wakers.append(waker)

    def stop() -> None:
        if waker in wakers:
            wakers.remove(waker)

    return stop


def outbox_committed(engine: AsyncEngine, service: str) -> None:
    """Tell this process's relays that ``service``'s outbox has new committed rows."""
    for waker in list(_WAKERS.get(_database(engine), ())):
        try:
            waker(service)
        except Exception:  # a relay's bug must not make a committed write look failed
            log.exception("outbox waker %r failed", waker)


async def claim_in_inbox(
    connection: AsyncConnection,
    service: str,
    consumer: str,
    event_id: EventId,
    at: datetime,
) -> bool:
    """Record that ``consumer`` processes ``event_id``; ``False`` if it already had.

    Call it inside the transaction that applies the event: if that transaction rolls back,
    the claim goes with it and a redelivery is processed again.
    """
    return await dialects.insert_if_absent(
        connection,
        inbox_of(service),
        {"consumer": consumer, "event_id": event_id, "processed_at": at},
    )


def _record(row: Any) -> OutboxRecord:
    return OutboxRecord(
        event_id=EventId(row.event_id),
        type=row.event_type,
        owner=UserId(row.owner),
        occurred_at=row.occurred_at,
        payload=row.payload.encode(),
        request_id=row.request_id,
    )


#: What the relay hands a claimed batch to (e.g. a broker publisher); raising leaves the batch
#: unpublished, to be tried again.
PublishRecords = Callable[[Sequence[OutboxRecord]], Awaitable[None]]


class SqlOutbox:
    """The read side of one service's outbox (the ``Outbox`` port), and the relay's claim."""

    def __init__(self, engine: AsyncEngine, service: str, clock: Clock | None = None) -> None:
        self._table = outbox_of(service)  # ValueError for a service with no declared tables
        self._engine = engine
        self._clock = clock
        self.service = service

    @property
    def engine(self) -> AsyncEngine:
        """The engine the outbox is read through."""
        return self._engine

    def _now(self) -> datetime:
        return self._clock.now() if self._clock is not None else datetime.now(UTC)

    async def pending(self, limit: int = 100) -> builtins.list[OutboxRecord]:
        """Up to ``limit`` unpublished records, oldest first (commit order)."""
        if limit < 1:
            return []
        t = self._table
        query = select(t).where(t.c.published_at.is_(None)).order_by(t.c.position).limit(limit)
        async with read_connection(self._engine) as connection:
            rows = (await connection.execute(query)).all()
        return [_record(r) for r in rows]

    async def mark_published(self, event_ids: Sequence[EventId]) -> None:
        """Mark records published so :meth:`pending` skips them (unknown ids are ignored)."""
        if not event_ids:
            return
        t = self._table
        async with write_transaction(self._engine) as connection:
            await connection.execute(
                update(t)
                .where(t.c.event_id.in_(list(event_ids)), t.c.published_at.is_(None))
                .values(published_at=self._now())
            )

    async def backlog(self) -> int:
        """How many committed events wait to be published."""
        t = self._table
        query = select(func.count()).select_from(t).where(t.c.published_at.is_(None))
        async with read_connection(self._engine) as connection:
            return int((await connection.execute(query)).scalar_one())

    async def relay(self, publish: PublishRecords, *, limit: int = 200) -> int:
        """Publish up to ``limit`` unpublished events in order and stamp them; returns how many.

        Order per owner holds even with several relays: a claimed row is published only when
        every earlier unpublished row of its owner is in the same batch (rows another relay
        holds are left for after it commits). A failed publish records the error and the
        attempt on the rows, and re-raises.
        """
        t = self._table
        claim = (
            select(t)
            .where(t.c.published_at.is_(None))
            .order_by(t.c.position)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with gated_connection(self._engine) as connection:
            rows: list[Any] = list((await connection.execute(claim)).all())
            if not rows:
                await connection.rollback()
                return 0
            if connection.dialect.name != "sqlite":
                rows = await self._in_owner_order(connection, rows)
            positions = [r.position for r in rows]
            if not rows:
                await connection.rollback()
                return 0
            try:
                await publish([_record(r) for r in rows])
            except Exception as exc:
                await connection.execute(
                    update(t)
                    .where(t.c.position.in_(positions))
                    .values(attempts=t.c.attempts + 1, last_error=repr(exc)[:2000])
                )
                await connection.commit()
                raise
            await connection.execute(
                update(t)
                .where(t.c.position.in_(positions))
                .values(published_at=self._now(), attempts=t.c.attempts + 1, last_error=None)
            )
            await connection.commit()
            return len(rows)

    async def _in_owner_order(self, connection: AsyncConnection, rows: list[Any]) -> list[Any]:
        """The claimed rows that may go now: none behind an unpublished row held elsewhere."""
        t = self._table
        claimed = {r.position for r in rows}
        owners = {r.owner for r in rows}
        earlier = await connection.execute(
            select(t.c.position, t.c.owner).where(
                t.c.published_at.is_(None),
                t.c.owner.in_(owners),
                t.c.position < max(claimed),
            )
        )
        blocked_from: dict[Any, int] = {}
        for position, owner in earlier.all():
            if position not in claimed:
                blocked_from[owner] = min(position, blocked_from.get(owner, position))
        return [r for r in rows if r.position < blocked_from.get(r.owner, r.position + 1)]

    async def prune(self, published_before: datetime) -> int:
        """Delete rows published before ``published_before`` (the retention); returns how many."""
        t = self._table
        async with write_transaction(self._engine) as connection:
            result = await connection.execute(
                delete(t).where(t.c.published_at.is_not(None), t.c.published_at < published_before)
            )
        return int(result.rowcount or 0)


class OutboxListener:
    """Wakes relays when a PostgreSQL transaction that wrote to an outbox commits.

    One dedicated connection ``LISTEN``s on :data:`OUTBOX_CHANNEL`; each notification calls
    ``waker(service)``. A lost connection is reopened after a pause (the relay's slow poll
    covers the gap).
    """

    def __init__(self, database_url: str, waker: OutboxWaker, *, retry_seconds: float = 1.0):
        self._dsn = _libpq_dsn(database_url)
        self._waker = waker
        self._retry = retry_seconds
        self.listening = asyncio.Event()

    async def run(self) -> None:
        """Listen until cancelled."""
        import psycopg

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._dsn, autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {OUTBOX_CHANNEL}")
                    self.listening.set()
                    # Rows committed while nobody listened are found by the first drain.
                    self._waker("*")
                    async for notice in connection.notifies():
                        self._waker(notice.payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.listening.clear()
                log.warning("outbox listener lost its connection (%s); retrying", exc)
                await asyncio.sleep(self._retry)


def _libpq_dsn(database_url: str) -> str:
    from sqlalchemy import make_url

    url = make_url(database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


__all__ = [
    "OUTBOX_CHANNEL",
    "OutboxListener",
    "PublishRecords",
    "SqlOutbox",
    "append_to_outbox",
    "claim_in_inbox",
    "on_outbox_commit",
    "outbox_committed",
    "outbox_rows",
]
