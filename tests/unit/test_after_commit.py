"""After-commit decorators run their effect after a commit that worked, and never otherwise."""

from __future__ import annotations

from types import TracebackType

import pytest

from adapters.after_commit import AfterCommitUnitOfWork, Effect


class Inner:
    """A unit of work that can be told to fail its commit."""

    def __init__(self, fail_commit: bool = False) -> None:
        self.fail_commit = fail_commit
        self.committed = 0
        self.rolled_back = 0
        self.repository = "the inner repository"

    async def __aenter__(self) -> Inner:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        if self.fail_commit:
            raise RuntimeError("the database refused the commit")
        self.committed += 1

    async def rollback(self) -> None:
        self.rolled_back += 1


class Noting(AfterCommitUnitOfWork[Inner]):
    def __init__(self, inner: Inner) -> None:
        super().__init__(inner)
        self.noted: list[str] = []
        self.effects: list[list[str]] = []

    def note(self, what: str) -> None:
        self.noted.append(what)

    def _forget(self) -> None:
        self.noted.clear()

    def _effect(self) -> Effect:
        noted = list(self.noted)
        self.noted.clear()

        async def effect() -> None:
            self.effects.append(noted)

        return effect


async def test_a_commit_runs_the_effect_once_with_what_was_noted() -> None:
    uow = Noting(Inner())
    async with uow:
        uow.note("a")
        uow.note("b")
        await uow.commit()
    assert uow.effects == [["a", "b"]]


async def test_leaving_without_a_commit_runs_nothing_and_forgets() -> None:
    uow = Noting(Inner())
    async with uow:
        uow.note("a")
    async with uow:
        await uow.commit()
    assert uow.effects == [[]]


async def test_a_failed_commit_runs_nothing() -> None:
    uow = Noting(Inner(fail_commit=True))
    async with uow:
        uow.note("a")
        with pytest.raises(RuntimeError):
            await uow.commit()
    assert uow.effects == []


async def test_a_rollback_forgets_the_notes() -> None:
    inner = Inner()
    uow = Noting(inner)
    async with uow:
        uow.note("a")
        await uow.rollback()
        await uow.commit()
    assert inner.rolled_back == 1
    assert uow.effects == [[]]


def test_everything_else_is_the_inner_unit_of_works() -> None:
    assert Noting(Inner()).repository == "the inner repository"
