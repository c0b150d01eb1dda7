"""The broker side of the relay: committed events become Dramatiq messages, per consumer.

:class:`DramatiqPublisher` is given the broker (chosen at the composition root) and a routing
function from event type to the consumers' :class:`Route` (queue and actor). A message's
arguments are events' JSON as stored in the outbox, in outbox order: one event (its options
carry the event's id and type and the id of the request that caused it), or, when the relay
drains a burst, up to ``batch_size`` consecutive events for the same consumer (the options
carry their ids, types and request ids as lists), which the consumer applies in one
transaction (:mod:`adapters.sql.shared_transaction`). An event type named ``alone`` is never
put in a batch (account deletion: an erasure must commit on its own). Sending happens in a
thread for network brokers (the Redis and RabbitMQ clients block), inline for the in-process
stub broker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from questlog_core.ports.messaging import OutboxRecord


@dataclass(frozen=True, slots=True)
class Route:
    """Where a consumer of an event type listens: its queue and its actor's name."""

    queue_name: str
    actor_name: str


def event_message(record: OutboxRecord, route: Route) -> Any:
    """The Dramatiq message that hands ``record`` to the consumer at ``route``."""
    import dramatiq

    options: dict[str, Any] = {"event_id": str(record.event_id), "event_type": record.type}
    if record.request_id is not None:
        options["request_id"] = record.request_id
    return dramatiq.Message(
        queue_name=route.queue_name,
        actor_name=route.actor_name,
        args=(record.payload.decode(),),
        kwargs={},
        options=options,
    )


def batch_message(records: Sequence[OutboxRecord], route: Route) -> Any:
    """The Dramatiq message that hands ``records`` (in order) to the consumer at ``route``."""
    import dramatiq

    if len(records) == 1:
        return event_message(records[0], route)
    options: dict[str, Any] = {
        "event_ids": [str(r.event_id) for r in records],
        "event_types": [r.type for r in records],
        "request_ids": [r.request_id for r in records],
    }
    return dramatiq.Message(
        queue_name=route.queue_name,
        actor_name=route.actor_name,
        args=tuple(r.payload.decode() for r in records),
        kwargs={},
        options=options,
    )


class DramatiqPublisher:
    """Publishes outbox records to every consumer's queue, in order (a ``RecordPublisher``)."""

    def __init__(
        self,
        broker: Any,
        routes: Callable[[str], Sequence[Route]],
        *,
        blocking_client: bool = True,
        batch_size: int = 1,
        alone: Collection[str] = (),
    ) -> None:
        """``routes(event_type)`` names the consumers of a type (none: the event is dropped
        as published, nobody consumes it). ``blocking_client``: send from a thread.
        ``batch_size``: the most events one message carries (1: one message per event);
        ``alone``: event types always sent in a message of their own."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._broker = broker
        self._routes = routes
        self._in_thread = blocking_client
        self._batch_size = batch_size
        self._alone = frozenset(alone)

    def messages(self, records: Sequence[OutboxRecord]) -> list[Any]:
        """The messages that hand ``records`` to their consumers (see the module docstring);
        each consumer's events keep their order, across its messages too."""
        messages: list[Any] = []
        pending: dict[Route, list[OutboxRecord]] = {}

        def flush(route: Route) -> None:
            batch = pending.pop(route, None)
            if batch:
                messages.append(batch_message(batch, route))

        for record in records:
            for route in self._routes(record.type):
                if record.type in self._alone:
                    flush(route)
                    messages.append(event_message(record, route))
                    continue
                batch = pending.setdefault(route, [])
                batch.append(record)
                if len(batch) >= self._batch_size:
                    flush(route)
        for route in list(pending):
            flush(route)
        return messages

    async def publish(self, records: Sequence[OutboxRecord]) -> None:
        messages = self.messages(records)
        if not messages:
            return
        if self._in_thread:
            await asyncio.to_thread(self._send, messages)
        else:
            self._send(messages)

    def _send(self, messages: Sequence[Any]) -> None:
        for message in messages:
            self._broker.enqueue(message)


__all__ = ["DramatiqPublisher", "Route", "batch_message", "event_message"]
