"""One shape for units of work that do something *after* their inner one commits.

Some effects must follow a transaction and never precede it: dropping cached reads of what
was written (:mod:`adapters.caching`), replaying leaderboard writes on Redis
(:mod:`adapters.leaderboards`). Each is a decorator around any unit of work of its context:

* it wraps the one repository whose writes matter, which notes what it touched;
* entering starts with nothing noted; leaving without a commit, or a rollback, forgets the
  notes (nothing changed); a commit that raises runs nothing;
* after a successful ``commit`` it runs its effect with what was noted, *before* the use case
  returns, so the caller's next read sees it.

Everything else (the other repositories, the outbox and inbox methods) is the inner unit of
work's, reached through attribute access, so a decorator follows its context's unit-of-work
protocol without restating it.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Generic, Self, TypeVar

U = TypeVar("U")


class AfterCommitUnitOfWork(Generic[U]):
    """Base of the after-commit decorators (see the module docstring). Subclasses implement
    :meth:`_forget` (drop the notes) and :meth:`_after_commit` (the effect)."""

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
        """Commit the inner unit of work; then, and only if that worked, run the effect."""
        await self._inner.commit()  # type: ignore[attr-defined]
        await self._after_commit()

    async def rollback(self) -> None:
        """Roll the inner unit of work back and forget the notes."""
        await self._inner.rollback()  # type: ignore[attr-defined]
        self._forget()

    def _forget(self) -> None:
        raise NotImplementedError

    async def _after_commit(self) -> None:
        raise NotImplementedError


__all__ = ["AfterCommitUnitOfWork"]
