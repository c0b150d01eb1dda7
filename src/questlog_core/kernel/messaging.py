"""Ports of the event flow every context shares: outbox records, the outbox's read side, the
inbox and the publisher.

A unit of work writes the events its aggregates recorded into its context's outbox in the
same transaction as the state change. A relay reads the committed, unpublished records through
:class:`Outbox`, hands them to an ``EventPublisher`` and marks them published (at least once:
a crash between publishing and marking publishes again). A consumer claims each event id in
its own context's :class:`Inbox`, in the transaction that applies the event, so a redelivered
event finds its id taken and changes nothing.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import msgspec

from questlog_core.kernel.events import DomainEvent, decode_event, encode_event
from questlog_core.kernel.ids import EventId, UserId

__all__ = ["EventPublisher", "Inbox", "Outbox", "OutboxRecord"]


class OutboxRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A committed event waiting to be published (the transactional outbox's row)."""

    event_id: EventId
    type: str
    owner: UserId
    occurred_at: datetime
    payload: bytes
    #: the request that caused the event, when one did (it travels on with the message)
    request_id: str | None = None

    @classmethod
    def of(cls, event: DomainEvent, request_id: str | None = None) -> OutboxRecord:
        """The record of an event (payload: its JSON with the ``type`` tag)."""
        return cls(
            event_id=event.event_id,
            type=event.type_name(),
            owner=event.owner,
            occurred_at=event.occurred_at,
            payload=encode_event(event),
            request_id=request_id,
        )

    def event(self) -> DomainEvent:
        """The event back (its type must be registered: importing its context's events
        module does that, and :mod:`questlog_core.events` imports every context's)."""
        return decode_event(self.payload)


class Outbox(Protocol):
    """Read side of one context's transactional outbox, for the relay that publishes events."""

    async def pending(self, limit: int = 100) -> builtins.list[OutboxRecord]:
        """Up to ``limit`` unpublished records, oldest first (commit order)."""
        ...

    async def mark_published(self, event_ids: Sequence[EventId]) -> None:
        """Mark records published so :meth:`pending` skips them (unknown ids are ignored)."""
        ...


class Inbox(Protocol):
    """Processed-message ids of idempotent consumers. Used inside the consumer's own unit of
    work, so "processed" is recorded atomically with what processing changed."""

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        """``True`` the first time ``consumer`` claims ``event_id``; ``False`` if it was
        already processed (then skip it). A rolled-back claim is forgotten."""
        ...


class EventPublisher(Protocol):
    """Hands committed events to whoever consumes them (a broker, an in-process bus)."""

    async def publish(self, events: Sequence[DomainEvent]) -> None: ...
