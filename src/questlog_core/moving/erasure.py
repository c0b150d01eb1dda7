"""Erasing an account: every service deletes its own rows of a user who deleted their account.

When the auth service records ``AccountDeleted``, the event travels the usual way (outbox,
relay, broker) to one consumer per service. Each runs :func:`erase_account` in its own unit of
work: it claims the event in the service's inbox (a redelivered event does nothing twice),
deletes every row of the user in the service's tables through :class:`PersonalData`, and
commits both together. A service added later plugs in with its ``PersonalData`` (on SQL: a
line per table in ``adapters.sql.erasure``) and one subscription of this use case.

**Late events.** An event about the account can still reach a service after its erasure (it
waited in a broker queue, was redelivered, or was relayed late from another service's
outbox): handled, it would create the deleted account's rows again. So the erasure also
records the account as erased in the service (a tombstone: the account's id and when, in the
same transaction as the deletes), and every event a service consumes passes
:func:`unless_erased` first: an event about an erased account is dropped before any handler
runs. A handler already running when the erasure commits is caught by the check
:func:`unless_erased` repeats after the handlers: if the account was erased by then, the
service's rows of it are erased again (see :class:`ErasedAccounts` for why that check cannot
miss an erasure).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Protocol, Self

from questlog_core.events.identity import AccountDeleted
from questlog_core.ids import EventId, UserId
from questlog_core.kernel.events import DomainEvent
from questlog_core.ports.platform import FileStorage

log = logging.getLogger(__name__)


class PersonalData(Protocol):
    """One service's rows of any one user."""

    async def erase(self, owner: UserId) -> int:
        """Delete every row of ``owner`` in the service's tables; how many there were."""
        ...

    async def file_keys(self, owner: UserId) -> list[str]:
        """The storage keys of ``owner``'s stored files that these rows point to."""
        ...

    async def remember_erased(self, owner: UserId) -> None:
        """Record that ``owner``'s account was erased here (its tombstone), in the erasure's
        transaction; nothing when it was recorded before."""
        ...


class ErasedAccounts(Protocol):
    """The accounts one service erased (its tombstones), and erasing what came after.

    :meth:`sweep` must not miss an erasure that was committing while a handler ran: when it
    reports "not erased", an erasure of the account that had not committed yet must still
    delete every row the handler committed before the sweep began. On PostgreSQL the erasure
    holds an exclusive per-account lock from before its first delete to its commit and the
    sweep takes the same lock shared before it reads: either it waits for the erasure and sees
    the tombstone, or the erasure's deletes start after the handler committed. SQLite writes
    one transaction at a time, which gives the same order.
    """

    async def sweep(self, owner: UserId) -> int | None:
        """``None`` when ``owner``'s account was not erased here; otherwise erase every row of
        it the service holds (again) and return how many there were."""
        ...


class ErasureUnitOfWork(Protocol):
    """One transaction over a service's tables and its inbox."""

    @property
    def personal_data(self) -> PersonalData: ...

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        """Record that ``consumer`` handled ``event_id``; ``False`` if it already had."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


async def erase_account(
    event: AccountDeleted,
    uow: ErasureUnitOfWork,
    consumer: str,
    files: FileStorage | None = None,
) -> int:
    """Delete the service's rows of the deleted account, once per event; the rows deleted
    (0 when the event was handled before). With ``files``, the stored files those rows point
    to are deleted first, before the commit: a failure there rolls the erasure back to be
    retried (deleting a file twice is no error)."""
    async with uow:
        if not await uow.claim(consumer, event.event_id):
            return 0
        if files is not None:
            for key in await uow.personal_data.file_keys(event.owner):
                await files.delete(key)
        removed = await uow.personal_data.erase(event.owner)
        await uow.personal_data.remember_erased(event.owner)
        await uow.commit()
    return removed


#: the handlers of an event, run by the bus; how many ran
Dispatch = Callable[[], Awaitable[int]]


async def unless_erased(
    event: DomainEvent,
    erased: ErasedAccounts,
    dispatch: Dispatch,
    dropped: Callable[[DomainEvent], None] = lambda event: None,
) -> int:
    """Run ``dispatch`` (the handlers of ``event``) unless the event's owner's account was
    erased in the service: then drop it, call ``dropped`` and return 0. After the handlers
    (also when one failed), check again and erase the owner's rows if the account was erased
    meanwhile. ``AccountDeleted`` itself always passes (it is what erases)."""
    if isinstance(event, AccountDeleted):
        return await dispatch()
    removed = await erased.sweep(event.owner)
    if removed is not None:
        log.info(
            "dropped %s %s: account %s was erased (%d rows swept)",
            event.type_name(),
            event.event_id,
            event.owner,
            removed,
        )
        dropped(event)
        return 0
    try:
        return await dispatch()
    finally:
        late = await erased.sweep(event.owner)
        if late is not None:
            log.info(
                "account %s was erased while %s %s was handled: %d rows erased again",
                event.owner,
                event.type_name(),
                event.event_id,
                late,
            )


__all__ = [
    "Dispatch",
    "ErasedAccounts",
    "ErasureUnitOfWork",
    "PersonalData",
    "erase_account",
    "unless_erased",
]
