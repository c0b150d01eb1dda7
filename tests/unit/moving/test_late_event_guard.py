"""The late-event guard of :func:`questlog_core.moving.erasure.unless_erased` over the
in-memory tombstones: an event about an erased account runs no handler, another account's
does, ``AccountDeleted`` always does, and an erasure during the handlers is swept after."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from adapters.memory.erasure import InMemoryErasedAccounts
from questlog_core.events import DomainEvent
from questlog_core.events.identity import AccountDeleted, ProfileUpdated
from questlog_core.ids import EventId, UserId
from questlog_core.kernel.bus import MessageBus
from questlog_core.moving.erasure import Dispatch, unless_erased

AT = datetime(2026, 12, 7, 4, tzinfo=UTC)


class Rows:
    """A service's store: one row per event handled, by owner."""

    def __init__(self) -> None:
        self.by_owner: dict[UserId, int] = {}

    def add(self, owner: UserId) -> None:
        self.by_owner[owner] = self.by_owner.get(owner, 0) + 1

    async def erase(self, owner: UserId) -> int:
        return self.by_owner.pop(owner, 0)


def profile(owner: UserId) -> ProfileUpdated:
    return ProfileUpdated(
        event_id=EventId(uuid.uuid4()),
        occurred_at=AT,
        owner=owner,
        display_name="P",
        timezone="UTC",
        day_start_hour=0,
    )


def guarded(rows: Rows, erased: InMemoryErasedAccounts, dropped: list[str]) -> MessageBus[object]:
    bus: MessageBus[object] = MessageBus()

    async def keep(event: ProfileUpdated) -> None:
        rows.add(event.owner)

    async def guard(event: DomainEvent, dispatch: Dispatch) -> int:
        return await unless_erased(event, erased, dispatch, lambda e: dropped.append(str(e.owner)))

    bus.subscribe(ProfileUpdated, keep)
    bus.guard(guard)
    return bus


async def test_an_event_of_an_erased_account_runs_no_handler_and_others_still_flow() -> None:
    rows, dropped = Rows(), list[str]()
    erased = InMemoryErasedAccounts(rows.erase, now=lambda: AT)
    bus = guarded(rows, erased, dropped)
    gone, kept = UserId(uuid.uuid4()), UserId(uuid.uuid4())
    await erased.remember_erased(gone)

    assert await bus.dispatch(profile(gone)) == 0
    assert await bus.dispatch(profile(kept)) == 1
    assert rows.by_owner == {kept: 1}
    assert dropped == [str(gone)]
    assert erased.erased == {gone: AT}


async def test_the_account_deletion_itself_always_passes() -> None:
    rows: Rows = Rows()
    erased = InMemoryErasedAccounts(rows.erase)
    owner = UserId(uuid.uuid4())
    await erased.remember_erased(owner)
    ran: list[AccountDeleted] = []

    async def run() -> int:
        ran.append(deletion)
        return 1

    deletion = AccountDeleted(event_id=EventId(uuid.uuid4()), occurred_at=AT, owner=owner)
    assert await unless_erased(deletion, erased, run) == 1
    assert ran == [deletion]


async def test_an_erasure_while_the_handlers_ran_is_swept_after_them_even_when_one_failed() -> None:
    rows, dropped = Rows(), list[str]()
    erased = InMemoryErasedAccounts(rows.erase)
    owner = UserId(uuid.uuid4())
    bus: MessageBus[object] = MessageBus()

    async def erased_then_written(event: ProfileUpdated) -> None:
        await rows.erase(owner)
        await erased.remember_erased(owner)  # the erasure commits here
        rows.add(owner)  # the handler's row lands after it
        raise RuntimeError("and then the handler failed")

    async def guard(event: DomainEvent, dispatch: Dispatch) -> int:
        return await unless_erased(event, erased, dispatch)

    bus.subscribe(ProfileUpdated, erased_then_written)
    bus.guard(guard)
    with pytest.raises(RuntimeError):
        await bus.dispatch(profile(owner))
    assert rows.by_owner == {}
    assert dropped == []


def test_a_bus_takes_one_guard() -> None:
    bus: MessageBus[object] = MessageBus()

    async def guard(event: DomainEvent, dispatch: Dispatch) -> int:
        return 0

    bus.guard(guard)
    with pytest.raises(ValueError, match="guard already"):
        bus.guard(guard)
