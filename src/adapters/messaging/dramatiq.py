"""The broker side of the relay: each committed event becomes one Dramatiq message per consumer.

:class:`DramatiqPublisher` is given the broker (chosen at the composition root) and a routing
function from event type to the consumers' :class:`Route` (queue and actor). The message's
only argument is the event's JSON as stored in the outbox; its options carry the event's id and
type and the id of the request that caused it. Sending happens in a thread for network brokers
(the Redis and RabbitMQ clients block), inline for the in-process stub broker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
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


class DramatiqPublisher:
    """Publishes outbox records to every consumer's queue, in order (a ``RecordPublisher``)."""

    def __init__(
        self,
        broker: Any,
        routes: Callable[[str], Sequence[Route]],
        *,
        blocking_client: bool = True,
    ) -> None:
        """``routes(event_type)`` names the consumers of a type (none: the event is dropped
        as published, nobody consumes it). ``blocking_client``: send from a thread."""
        self._broker = broker
        self._routes = routes
        self._in_thread = blocking_client

    async def publish(self, records: Sequence[OutboxRecord]) -> None:
        messages = [
            event_message(record, route)
            for record in records
            for route in self._routes(record.type)
        ]
        if not messages:
            return
        if self._in_thread:
            await asyncio.to_thread(self._send, messages)
        else:
            self._send(messages)

    def _send(self, messages: Sequence[Any]) -> None:
        for message in messages:
            self._broker.enqueue(message)


__all__ = ["DramatiqPublisher", "Route", "event_message"]
