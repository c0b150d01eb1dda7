"""The calendar bus is the calendar controllers' only way in: one handler per message, the
controller imports no use case, and the integrations consumer follows the calendar's events."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from adapters.ical import ICalendarRenderer
from adapters.memory.calendar import InMemoryCalendarStore, InMemoryCalendarUnitOfWork
from adapters.memory.clock import FixedClock, RandomIds
from questlog_core.integrations.calendar import messages as calendar
from questlog_core.integrations.calendar.bootstrap import bootstrap
from questlog_core.integrations.calendar.projection import CALENDAR_EVENTS
from tests.unit.imports_of import ROOT, imported_modules

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
#: exported for reading an answer, not messages themselves
PARTS = {calendar.CalendarFeed, calendar.IssuedFeed, calendar.RenderedFeed}
MESSAGES = {
    obj
    for name in calendar.__all__
    if isinstance(obj := getattr(calendar, name), type) and issubclass(obj, msgspec.Struct)
} - PARTS
CONTROLLER = ROOT / "apps/integrations/controllers/calendar.py"


def test_every_calendar_message_has_exactly_one_handler() -> None:
    store = InMemoryCalendarStore()
    every = calendar.handlers(clock=FixedClock(NOW), ids=RandomIds(), renderer=ICalendarRenderer())
    assert set(every) == MESSAGES
    bus = bootstrap(
        writer=lambda: InMemoryCalendarUnitOfWork(store),
        reader=lambda: InMemoryCalendarUnitOfWork(store),
        clock=FixedClock(NOW),
        ids=RandomIds(),
        renderer=ICalendarRenderer(),
    )
    assert all(bus.handles(message) for message in MESSAGES)
    with pytest.raises(ValueError, match="has a handler already"):
        bus.register(calendar.CreateCalendarFeed, every[calendar.CreateCalendarFeed])


def test_the_calendar_controller_imports_only_the_messages() -> None:
    imported = imported_modules(CONTROLLER)
    assert "questlog_core.integrations.calendar.messages" in imported
    assert not {
        name
        for name in imported
        if name.startswith("questlog_core.integrations")
        and name != "questlog_core.integrations.calendar.messages"
    }


def test_the_integrations_consumer_takes_every_event_the_calendar_follows() -> None:
    from apps.workers.consumers import INTEGRATIONS

    assert set(CALENDAR_EVENTS) <= set(INTEGRATIONS.events)
