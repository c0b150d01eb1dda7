"""Dead letters on SQL: messages a consumer gave up on, kept for an operator.

A worker records a message here when its last retry failed (one table per consuming service,
``<service>_dead_letters``). ``questlog dead-letters`` lists them, replays one or all (sends the
stored message to its queue again and deletes the row) or purges them. Keeping them in the
database, not in each broker's own dead-letter queue, gives one way to see and replay them
whichever broker runs.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql import dialects
from adapters.sql.tables import dead_letters_of, declared_groups
from adapters.sql.writers import read_connection, write_transaction


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One message given up on: where it went, what it carried, why it failed."""

    service: str
    message_id: str
    queue_name: str
    actor_name: str
    event_id: UUID | None
    event_type: str | None
    message: str
    error: str | None
    failed_at: datetime


def _letter(service: str, row: Any) -> DeadLetter:
    return DeadLetter(
        service=service,
        message_id=row.message_id,
        queue_name=row.queue_name,
        actor_name=row.actor_name,
        event_id=row.event_id,
        event_type=row.event_type,
        message=row.message,
        error=row.error,
        failed_at=row.failed_at,
    )


class SqlDeadLetters:
    """The dead letters of ``services`` (default: every service whose tables are declared in
    this process; the apps pass their registry's) in one database."""

    def __init__(self, engine: AsyncEngine, services: Sequence[str] | None = None) -> None:
        self._engine = engine
        self._services = sorted(
            g.schema for g in declared_groups() if services is None or g.schema in services
        )
        unknown = set(services or ()) - set(self._services)
        if unknown:
            raise ValueError(f"no tables declared for {sorted(unknown)}")

    async def add(self, letter: DeadLetter) -> bool:
        """Keep ``letter`` (once per message id); ``False`` if it was there already."""
        values = {
            "message_id": letter.message_id,
            "queue_name": letter.queue_name,
            "actor_name": letter.actor_name,
            "event_id": letter.event_id,
            "event_type": letter.event_type,
            "message": letter.message,
            "error": letter.error,
            "failed_at": letter.failed_at,
        }
        async with write_transaction(self._engine) as connection:
            return await dialects.insert_if_absent(
                connection, dead_letters_of(letter.service), values
            )

    async def list(self, service: str | None = None) -> builtins.list[DeadLetter]:
        """The dead letters (of one service, or all), oldest first."""
        letters: list[DeadLetter] = []
        async with read_connection(self._engine) as connection:
            for name in self._pick(service):
                t = dead_letters_of(name)
                rows = await connection.execute(select(t).order_by(t.c.failed_at))
                letters.extend(_letter(name, r) for r in rows)
        return sorted(letters, key=lambda letter: letter.failed_at)

    async def take(self, message_id: str) -> DeadLetter | None:
        """Remove and return one dead letter (to replay it), or ``None`` if there is none."""
        async with write_transaction(self._engine) as connection:
            for name in self._pick(None):
                t = dead_letters_of(name)
                row = (
                    await connection.execute(select(t).where(t.c.message_id == message_id))
                ).first()
                if row is not None:
                    await connection.execute(delete(t).where(t.c.message_id == message_id))
                    return _letter(name, row)
        return None

    async def purge(self, service: str | None = None) -> int:
        """Delete the dead letters (of one service, or all); returns how many."""
        removed = 0
        async with write_transaction(self._engine) as connection:
            for name in self._pick(service):
                result = await connection.execute(delete(dead_letters_of(name)))
                removed += int(result.rowcount or 0)
        return removed

    def _pick(self, service: str | None) -> builtins.list[str]:
        if service is None:
            return list(self._services)
        if service not in self._services:
            raise ValueError(f"unknown service {service!r}; one of {self._services}")
        return [service]


__all__ = ["DeadLetter", "SqlDeadLetters"]
