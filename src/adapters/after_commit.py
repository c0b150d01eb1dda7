"""One shape for units of work that do something *after* their inner one commits.

Some effects must follow a transaction and never precede it: dropping cached reads of what
was written (:mod:`adapters.caching`), replaying leaderboard writes on Redis
(:mod:`adapters.leaderboards`). Each is a decorator around any unit of work of its context:

* it wraps the one repository whose writes matter, which notes what it touched;
* entering starts with nothing noted; leaving without a commit, or a rollback, forgets the
  notes (nothing changed); a commit that raises runs nothing;
* after a successful ``commit`` it runs its effect with what was noted, *before* the use case
  returns, so the caller's next read sees it;
* inside :func:`deferring_effects` (a consumer applying a burst of events in one shared
  transaction, :mod:`adapters.sql.shared_transaction`), a ``commit`` only releases a savepoint:
  the effect, with what was noted at that commit, waits until the shared transaction itself
  commits, and never runs if it rolls back.

Everything else (the other repositories, the outbox and inbox methods) is the inner unit of
work's, reached through attribute access, so a decorator follows its context's unit-of-work
protocol without restating it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

U = TypeVar("U")

#: an effect to run once a transaction has committed
Effect = Callable[[], Awaitable[None]]

#: the effects waiting for the shared transaction of this task, if one is open
_waiting: ContextVar[list[Effect] | None] = ContextVar("questlog_waiting_effects", default=None)


async def after_commit(effect: Effect) -> None:
    """Run ``effect`` now, or, inside :func:`deferring_effects`, once the shared transaction
    commits."""
    waiting = _waiting.get()
    if waiting is None:
        await effect()
    else:
        waiting.append(effect)


@asynccontextmanager
async def deferring_effects() -> AsyncIterator[list[Effect]]:
    """Collect the effects :func:`after_commit` is given in this task instead of running them;
    yields the list, in order, for the caller to run once its transaction committed (or to
    drop when it rolled back)."""
    waiting: list[Effect] = []
    token = _waiting.set(waiting)
    try:
        yield waiting
    finally:
        _waiting.reset(token)


class AfterCommitUnitOfWork(Generic[U]):
    """Base of the after-commit decorators (see the module docstring). Subclasses implement
    :meth:`_forget` (drop the notes) and :meth:`_effect` (the effect of the notes)."""

    def __init__(self, inner: U) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        # Only reached for what the decorator does not define itself.
        return getattr(self._inner, name)

    async def __aenter__(self) -> Self:
        await self._inner.__aenter__()  # type: ignore[attr-defined]
        self._forget()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._forget()  # what was not committed never reaches the effect
        await self._inner.__aexit__(exc_type, exc, tb)  # type: ignore[attr-defined]

    async def commit(self) -> None:
        """Commit the inner unit of work; then, and only if that worked, run the effect (see
        :func:`after_commit`: inside a shared transaction, once that one commits)."""
        await self._inner.commit()  # type: ignore[attr-defined]
        await after_commit(self._effect())

    async def rollback(self) -> None:
        """Roll the inner unit of work back and forget the notes."""
        await self._inner.rollback()  # type: ignore[attr-defined]
        self._forget()

    def _forget(self) -> None:
        raise NotImplementedError

    def _effect(self) -> Effect:
        """The effect of what was noted so far, taken (the notes are cleared): what it does
        must not depend on notes made after this call."""
        raise NotImplementedError


__all__ = ["AfterCommitUnitOfWork", "Effect", "after_commit", "deferring_effects"]
