"""The one shape of a unit of work, shared by every context.

A unit of work is one transaction over a context's state, its outbox and its inbox:

* its repositories are attributes (each context's port adds its own: ``uow.quests``,
  ``uow.ledger``, ``uow.users``...);
* ``async with uow:`` begins the transaction; leaving the block without :meth:`commit` rolls
  it back;
* :meth:`commit` writes the state, and the events the aggregates recorded (plus any passed to
  :meth:`record`) into the context's outbox, in one transaction: both or neither;
* a consumer claims the id of the event it applies in :attr:`inbox`, inside the same
  transaction as its effect, so a redelivered event finds the id taken and changes nothing;
* :meth:`rollback` (or leaving without committing) discards the state, the outbox rows and the
  inbox claims alike, and the events recorded so far never happened.

Adapters: ``adapters.memory`` (reference semantics) and ``adapters.sql`` (SQLite and
PostgreSQL); one contract suite (``tests/contract/test_unit_of_work.py``) runs over all three.
"""

from __future__ import annotations

import builtins
from types import TracebackType
from typing import Protocol, Self

from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.messaging import Inbox

__all__ = ["UnitOfWork"]


class UnitOfWork(Protocol):
    """One transaction over a context's state, outbox and inbox (see the module docstring)."""

    @property
    def inbox(self) -> Inbox:
        """The context's inbox, in this transaction."""
        ...

    async def __aenter__(self) -> Self:
        """Begin a transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back unless :meth:`commit` was called (the exception, if any, propagates)."""
        ...

    async def commit(self) -> None:
        """Make every change durable, with the recorded events written to the outbox.

        May raise ``ConcurrencyConflict``/``AlreadyExists`` if a concurrent transaction won;
        then nothing is written."""
        ...

    async def rollback(self) -> None:
        """Discard every change, outbox row and inbox claim since the transaction began."""
        ...

    def record(self, *events: DomainEvent) -> None:
        """Add events that belong to no aggregate; :meth:`commit` writes them with the state."""
        ...

    def committed_events(self) -> builtins.list[DomainEvent]:
        """The events of the last successful commit, in order (empty before or after a
        rollback); the message bus dispatches these to in-process subscribers."""
        ...
