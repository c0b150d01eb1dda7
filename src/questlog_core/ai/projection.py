"""The AI service's read model of quests, kept up to date from quest events.

The AI service never reads the quest service's tables: it keeps its own copy
(:class:`~questlog_core.ai.ports.QuestView`) and :func:`project_quest_event` applies each
quest event to it. Applying is idempotent: the event's id is claimed in the AI service's inbox
in the same transaction as the change, so an event delivered twice changes the read model
once (and an event whose transaction rolls back is applied again on redelivery).
"""

from __future__ import annotations

import msgspec

from questlog_core.ai.ports import AiUnitOfWork, QuestView
from questlog_core.kernel.events import DomainEvent
from questlog_core.quests.events import (
    DependencyAdded,
    DependencyRemoved,
    QuestAbandoned,
    QuestArchived,
    QuestCompleted,
    QuestCreated,
    QuestDeleted,
    QuestProgressed,
    QuestReopened,
    QuestStarted,
    QuestUpdated,
)

__all__ = ["CONSUMER", "apply_to_view", "project_quest_event"]

#: the inbox consumer name of this projection
CONSUMER = "ai.quest-views"


def apply_to_view(view: QuestView | None, event: DomainEvent) -> QuestView | None:
    """The view after ``event`` (``None``: no view, or the quest is gone). Pure."""
    at = event.occurred_at
    if isinstance(event, QuestCreated):
        return QuestView(
            owner=event.owner,
            quest_id=event.quest_id,
            title=event.title,
            difficulty=event.difficulty,
            priority=event.priority,
            category=event.category,
            tags=event.tags,
            due=event.due,
            estimate_minutes=event.estimate_minutes,
            created_at=at,
            updated_at=at,
        )
    if view is None or isinstance(event, QuestDeleted):
        return None
    replace = msgspec.structs.replace
    if isinstance(event, QuestUpdated):
        if event.after is None:
            return replace(view, updated_at=at)
        facts = event.after
        return replace(
            view,
            title=facts.title,
            difficulty=facts.difficulty,
            priority=facts.priority,
            category=facts.category,
            tags=facts.tags,
            due=facts.due,
            estimate_minutes=facts.estimate_minutes,
            updated_at=at,
        )
    if isinstance(event, QuestStarted):
        return replace(view, status="active", started_at=view.started_at or at, updated_at=at)
    if isinstance(event, QuestProgressed):
        return replace(view, progress=event.progress, updated_at=at)
    if isinstance(event, QuestCompleted):
        return replace(
            view,
            status="done",
            completed_at=event.completed_at,
            difficulty=event.difficulty,
            priority=event.priority,
            due=event.due,
            category=event.category,
            tags=event.tags,
            updated_at=at,
        )
    if isinstance(event, QuestReopened):
        status = "active" if view.started_at is not None else "todo"
        return replace(view, status=status, completed_at=None, updated_at=at)
    if isinstance(event, QuestAbandoned):
        return replace(view, status="abandoned", updated_at=at)
    if isinstance(event, QuestArchived):
        return replace(view, status="archived", updated_at=at)
    if isinstance(event, DependencyAdded) and event.prerequisite_id not in view.depends_on:
        return replace(view, depends_on=(*view.depends_on, event.prerequisite_id))
    if isinstance(event, DependencyRemoved):
        kept = tuple(q for q in view.depends_on if q != event.prerequisite_id)
        return replace(view, depends_on=kept)
    return view


def _quest_of(event: DomainEvent) -> object | None:
    if isinstance(event, DependencyAdded | DependencyRemoved):
        return event.dependent_id
    return getattr(event, "quest_id", None)


async def project_quest_event(event: DomainEvent, uow: AiUnitOfWork) -> bool:
    """Apply one quest event to the owner's read model, at most once per event id.

    Returns whether it changed anything (``False`` for a redelivery, or an event the read
    model does not follow, such as a template or category event).
    """
    quest_id = _quest_of(event)
    if quest_id is None:
        return False
    async with uow:
        if not await uow.inbox.claim(CONSUMER, event.event_id):
            return False
        views = uow.quest_views
        before = await views.get(event.owner, quest_id)  # type: ignore[arg-type]
        after = apply_to_view(before, event)
        if after is None and before is not None:
            await views.remove(event.owner, before.quest_id)
        elif after is not None and after != before:
            await views.put(after)
        await uow.commit()
    return before != after
