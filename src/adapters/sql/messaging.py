"""Transactional outbox and idempotency inbox on SQL.

A unit of work appends the events its aggregates raised with :func:`append_to_outbox` on its
own connection, inside its own transaction: the state change and its events commit or roll
back together. :class:`SqlOutbox` is the relay's side: it hands unpublished events to an
:class:`~questlog_core.ports.platform.EventPublisher` in order and stamps them published.

A consumer calls :func:`claim_in_inbox` inside the transaction that applies an event; the
claim is an ``INSERT ... ON CONFLICT DO NOTHING`` on ``(consumer, event_id)``, so a redelivered
event finds its id taken and is skipped, and two concurrent deliveries cannot both win (the
second waits on the first's row lock and then sees the conflict).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import dialects
from adapters.sql.tables import INBOXES, OUTBOXES
from questlog_core.events import DomainEvent, decode_event, encode_event
from questlog_core.ports.platform import Clock, EventPublisher


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    """One stored event as the relay sees it."""

    position: int
    event_id: UUID
    event_type: str
    owner: UUID
    occurred_at: datetime
    recorded_at: datetime
    payload: str
    published_at: datetime | None
    attempts: int

    def event(self) -> DomainEvent:
        """The domain event this row stores."""
        return decode_event(self.payload)


def outbox_rows(events: Sequence[DomainEvent], recorded_at: datetime) -> list[dict[str, Any]]:
    """Outbox row values of ``events``, in order."""
    return [
        {
            "event_id": e.event_id,
            "event_type": e.type_name(),
            "owner": e.owner,
            "occurred_at": e.occurred_at,
            "recorded_at": recorded_at,
            "payload": encode_event(e).decode(),
        }
        for e in events
    ]


async def append_to_outbox(
    connection: AsyncConnection,
    service: str,
    events: Sequence[DomainEvent],
    recorded_at: datetime,
) -> None:
    """Write ``events`` to ``service``'s outbox in the connection's current transaction."""
    if events:
        await connection.execute(OUTBOXES[service].insert(), outbox_rows(events, recorded_at))


async def claim_in_inbox(
    connection: AsyncConnection,
    service: str,
    consumer: str,
    event_id: UUID,
    at: datetime,
) -> bool:
    """Record that ``consumer`` processes ``event_id``; ``False`` if it already had.

    Call it inside the transaction that applies the event: if that transaction rolls back,
    the claim goes with it and a redelivery is processed again.
    """
    return await dialects.insert_if_absent(
        connection,
        INBOXES[service],
        {"consumer": consumer, "event_id": event_id, "processed_at": at},
    )


def _record(row: Any) -> OutboxRecord:
    return OutboxRecord(
        position=row.position,
        event_id=row.event_id,
        event_type=row.event_type,
        owner=row.owner,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        payload=row.payload,
        published_at=row.published_at,
        attempts=row.attempts,
    )


class SqlOutbox:
    """The relay's view of one service's outbox."""

    def __init__(self, engine: AsyncEngine, service: str, clock: Clock | None = None) -> None:
        if service not in OUTBOXES:
            raise ValueError(f"unknown service {service!r}; one of {sorted(OUTBOXES)}")
        self._engine = engine
        self._table = OUTBOXES[service]
        self._clock = clock

    def _now(self) -> datetime:
        return self._clock.now() if self._clock is not None else datetime.now(UTC)

    async def records(self, *, unpublished_only: bool = False) -> list[OutboxRecord]:
        """Every stored event (or only those not yet published), oldest first."""
        t = self._table
        query = select(t).order_by(t.c.position)
        if unpublished_only:
            query = query.where(t.c.published_at.is_(None))
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_record(r) for r in rows]

    async def publish_pending(self, publisher: EventPublisher, *, limit: int = 100) -> int:
        """Publish up to ``limit`` unpublished events in order; returns how many.

        Rows are locked for the duration (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write
        lock on SQLite), so two relays never publish the same batch. Delivery is
        at-least-once: if the stamp fails after publishing, the batch is published again and
        the consumers' inboxes drop the duplicates. A failed publish records the error and
        the attempt, and re-raises.
        """
        t = self._table
        query = (
            select(t)
            .where(t.c.published_at.is_(None))
            .order_by(t.c.position)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self._engine.connect() as connection:
            rows = [_record(r) for r in (await connection.execute(query)).all()]
            if not rows:
                await connection.rollback()
                return 0
            positions = [r.position for r in rows]
            try:
                await publisher.publish([r.event() for r in rows])
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


__all__ = [
    "OutboxRecord",
    "SqlOutbox",
    "append_to_outbox",
    "claim_in_inbox",
    "outbox_rows",
]
