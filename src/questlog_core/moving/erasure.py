"""Erasing an account: every service deletes its own rows of a user who deleted their account.

When the auth service records ``AccountDeleted``, the event travels the usual way (outbox,
relay, broker) to one consumer per service. Each runs :func:`erase_account` in its own unit of
work: it claims the event in the service's inbox (a redelivered event does nothing twice),
deletes every row of the user in the service's tables through :class:`PersonalData`, and
commits both together. A service added later plugs in with its ``PersonalData`` (on SQL: a
line per table in ``adapters.sql.erasure``) and one subscription of this use case.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from questlog_core.events.identity import AccountDeleted
from questlog_core.ids import EventId, UserId
from questlog_core.ports.platform import FileStorage


class PersonalData(Protocol):
    """One service's rows of any one user."""

    async def erase(self, owner: UserId) -> int:
        """Delete every row of ``owner`` in the service's tables; how many there were."""
        ...

    async def file_keys(self, owner: UserId) -> list[str]:
        """The storage keys of ``owner``'s stored files that these rows point to."""
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
        await uow.commit()
    return removed


__all__ = ["ErasureUnitOfWork", "PersonalData", "erase_account"]
