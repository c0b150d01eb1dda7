"""The notification bus is the notification controllers' only way in: one handler per message,
and no notification controller imports a use case."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import msgspec
import pytest

from adapters.memory.clock import FixedClock, SequentialIds
from adapters.memory.notifications import (
    InMemoryNotificationStore,
    InMemoryNotificationUnitOfWork,
)
from questlog_core.errors import NotFound
from questlog_core.ids import UserId
from questlog_core.kernel.bus import MessageBus
from questlog_core.notifications import messages as notifications
from questlog_core.notifications.bootstrap import bootstrap
from questlog_core.notifications.ports import NotificationUnitOfWork
from tests.unit.imports_of import ROOT, imported_modules

OWNER = UserId(UUID(int=7))
STRANGER = UserId(UUID(int=8))
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
#: exported for building a message or reading an answer, not messages themselves
PARTS = {
    notifications.Draft,
    notifications.HistoryPage,
    notifications.HistoryQuery,
    notifications.NotificationData,
    notifications.Sent,
}
MESSAGES = {
    obj
    for name in notifications.__all__
    if isinstance(obj := getattr(notifications, name), type) and issubclass(obj, msgspec.Struct)
} - PARTS
CONTROLLERS = sorted((ROOT / "apps/notification/controllers").glob("[!_]*.py"))


def _bus(store: InMemoryNotificationStore) -> MessageBus[NotificationUnitOfWork]:
    clock, ids = FixedClock(NOW), SequentialIds()
    return bootstrap(
        unit_of_work=lambda: InMemoryNotificationUnitOfWork(store),
        clock=lambda: clock,
        ids=lambda: ids,
    )


def test_every_notification_message_has_exactly_one_handler() -> None:
    every = notifications.handlers(clock=FixedClock, ids=SequentialIds)  # type: ignore[arg-type]
    assert set(every) == MESSAGES
    assert notifications.QUERIES < MESSAGES
    bus = _bus(InMemoryNotificationStore())
    assert all(bus.handles(message) for message in MESSAGES)
    with pytest.raises(ValueError, match="has a handler already"):
        bus.register(notifications.MarkRead, every[notifications.MarkRead])


@pytest.mark.parametrize("path", CONTROLLERS, ids=lambda p: p.name)
def test_notification_controllers_import_only_the_messages(path: Path) -> None:
    imported = imported_modules(path)
    assert "questlog_core.notifications.messages" in imported
    reaching_past_the_bus = {
        name
        for name in imported
        if name.startswith(("questlog_core.notifications", "questlog_core.services"))
        and name != "questlog_core.notifications.messages"
    }
    assert reaching_past_the_bus == set()


async def test_a_notification_sent_through_the_bus_is_read_only_by_its_user() -> None:
    bus = _bus(InMemoryNotificationStore())
    draft = notifications.Draft(
        kind=notifications.Kind.SYSTEM_ANNOUNCEMENT, title="Maintenance", body="Tonight"
    )
    sent = await bus.handle(notifications.SendNotification(draft=draft, user=OWNER, key="k1"))
    assert sent.created
    again = await bus.handle(notifications.SendNotification(draft=draft, user=OWNER, key="k1"))
    assert not again.created

    query = notifications.HistoryQuery()
    mine = await bus.handle(notifications.GetHistory(user=OWNER, query=query))
    assert [item.notification.title for item in mine.items] == ["Maintenance"]
    assert mine.unread == 1
    theirs = await bus.handle(notifications.GetHistory(user=STRANGER, query=query))
    assert theirs.items == []

    own_id = mine.items[0].notification.id
    with pytest.raises(NotFound):
        await bus.handle(notifications.MarkRead(user=STRANGER, ids=(own_id,)))
    assert await bus.handle(notifications.MarkRead(user=OWNER, ids=(own_id,))) == 1
