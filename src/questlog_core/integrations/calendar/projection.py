"""The calendar's copy of each quest follows the quest lifecycle, and each owner's zone follows
identity: every event applied once.

:func:`apply_to_entry` is the pure rule; :func:`project_calendar_event` claims the event in the
integrations inbox in the same transaction as the change, so a redelivered event changes
nothing and one whose transaction rolled back is applied again.
"""

from __future__ import annotations

from typing import Final

import msgspec

from questlog_core.identity.events import ProfileUpdated, UserRegistered
from questlog_core.identity.zone_copy import copy_zone
from questlog_core.integrations.calendar.model import CalendarEntry
from questlog_core.integrations.calendar.ports import CalendarUnitOfWork
from questlog_core.kernel.events import DomainEvent
from questlog_core.quests.events import (
    QuestAbandoned,
    QuestArchived,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestReopened,
    QuestStarted,
    QuestUpdated,
)

__all__ = [
    "CALENDAR_EVENTS",
    "CONSUMER",
    "PROFILE_EVENTS",
    "QUEST_EVENTS",
    "apply_to_entry",
    "project_calendar_event",
]

#: the inbox consumer name of the calendar's projection
CONSUMER: Final = "integrations.calendar"

#: the quest events the calendar follows
QUEST_EVENTS: tuple[type[DomainEvent], ...] = (
    QuestCreated,
    QuestUpdated,
    QuestStarted,
    QuestCompleted,
    QuestReopened,
    QuestAbandoned,
    QuestArchived,
    QuestDeleted,
)
#: the identity events it keeps each owner's time zone from
PROFILE_EVENTS: tuple[type[DomainEvent], ...] = (UserRegistered, ProfileUpdated)
#: everything :func:`project_calendar_event` applies
CALENDAR_EVENTS: tuple[type[DomainEvent], ...] = (*QUEST_EVENTS, *PROFILE_EVENTS)


def apply_to_entry(entry: CalendarEntry | None, event: DomainEvent) -> CalendarEntry | None:
    """The entry after ``event`` (``None``: not known, or the quest is gone). Pure."""
    at = event.occurred_at
    if isinstance(event, QuestCreated):
        return CalendarEntry(
            owner=event.owner,
            quest_id=event.quest_id,
            title=event.title,
            notes=event.notes,
            tags=event.tags,
            category=event.category,
            priority=event.priority,
            due=event.due,
            estimate_minutes=event.estimate_minutes,
            created_at=at,
            updated_at=at,
        )
    if entry is None or isinstance(event, QuestDeleted):
        return None
    replace = msgspec.structs.replace
    if isinstance(event, QuestUpdated):
        if event.after is None:
            return replace(entry, updated_at=at)
        facts = event.after
        return replace(
            entry,
            title=facts.title,
            notes=facts.notes,
            tags=facts.tags,
            category=facts.category,
            priority=facts.priority,
            due=facts.due,
            estimate_minutes=facts.estimate_minutes,
            updated_at=at,
        )
    if isinstance(event, QuestStarted):
        return replace(entry, status="active", started=True, updated_at=at)
    if isinstance(event, QuestCompleted):
        return replace(
            entry,
            status="done",
            tags=event.tags,
            category=event.category,
            priority=event.priority,
            due=event.due,
            completed_at=event.completed_at,
            updated_at=at,
        )
    if isinstance(event, QuestReopened):
        status = "active" if entry.started else "todo"
        return replace(entry, status=status, completed_at=None, updated_at=at)
    if isinstance(event, QuestAbandoned):
        return replace(entry, status="abandoned", updated_at=at)
    if isinstance(event, QuestArchived):
        return replace(entry, status="archived", updated_at=at)
    return entry


async def project_calendar_event(event: DomainEvent, uow: CalendarUnitOfWork) -> bool:
    """Apply one quest or profile event, at most once per event id.

    Returns whether it changed anything (``False`` for a redelivery or an event the calendar
    does not follow).
    """
    if not isinstance(event, CALENDAR_EVENTS):
        return False
    async with uow:
        if not await uow.inbox.claim(CONSUMER, event.event_id):
            return False
        if isinstance(event, UserRegistered | ProfileUpdated):
            changed = await copy_zone(event, uow.zones)
        else:
            quest_id = getattr(event, "quest_id", None)
            if quest_id is None:
                return False
            before = await uow.entries.get(event.owner, quest_id)
            after = apply_to_entry(before, event)
            if after is None and before is not None:
                await uow.entries.remove(event.owner, before.quest_id)
            elif after is not None and after != before:
                await uow.entries.put(after)
            changed = before != after
        await uow.commit()
    return changed
