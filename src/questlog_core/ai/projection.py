"""The AI service's read model of quests, kept up to date from quest events, in any order.

The AI service never reads the quest service's tables: it keeps its own copy
(:class:`~questlog_core.ai.ports.QuestView`) and :func:`project_quest_event` applies each
quest event to it. Applying is idempotent: the event's id is claimed in the AI service's inbox
in the same transaction as the change, so an event delivered twice changes the read model
once (and an event whose transaction rolls back is applied again on redelivery).

Events of one quest may arrive out of order (a retry, a burst, a dead letter replayed later):
an older event never overwrites what a newer one wrote (:func:`apply_to_view`, with the
shared kernel's :func:`~questlog_core.kernel.ordering.is_current`, the rule search uses), and
a deleted quest is remembered (:meth:`~questlog_core.ai.ports.QuestViews.forget`) so that no
late event brings it back.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from questlog_core.ai.ports import AiUnitOfWork, QuestView
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import QuestId
from questlog_core.kernel.ordering import is_current
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
from questlog_core.quests.status_copy import StatusCopy, after_reopening, after_start

__all__ = ["CONSUMER", "apply_to_view", "project_quest_event"]

#: the inbox consumer name of this projection
CONSUMER = "ai.quest-views"


def _edge(view: QuestView, prerequisite: QuestId, at: datetime, *, present: bool) -> QuestView:
    """``view`` with the edge from ``prerequisite`` added or removed by an event at ``at``,
    unless a newer event changed that edge.

    The edges are kept in one order whatever order their events came in: those of rows
    written before edges had times first, as they were, then by when they were added.
    """
    if not is_current(at, view.edge_changed_at(prerequisite)):
        return view
    changes = sorted(
        (*((q, t) for q, t in view.edges_at if q != prerequisite), (prerequisite, at)),
        key=lambda edge: (edge[1], str(edge[0])),
    )
    timed = {q for q, _ in changes}
    kept = [q for q in view.depends_on if q != prerequisite]
    untimed = [q for q in kept if q not in timed]
    present_ones = {*kept, prerequisite} if present else set(kept)
    depends_on = (*untimed, *(q for q, _ in changes if q in present_ones))
    return msgspec.structs.replace(view, depends_on=depends_on, edges_at=tuple(changes))


def apply_to_view(view: QuestView | None, event: DomainEvent) -> QuestView | None:
    """The view after ``event`` (``None``: no view, or the quest is gone). Pure.

    Events may arrive out of order: an event older than what the view already holds of the
    same part leaves that part alone (ties: the later arrival wins). The parts are
    independent: the title and estimate follow the newest of ``quest.created`` and
    ``quest.updated``; the other planning facts (difficulty, priority, category, tags, due)
    the newest of those and ``quest.completed``, which carries them too; the status the
    newest status event; ``completed_at`` the newest
    completion or reopening; the progress the newest ``quest.progressed``; each dependency
    edge the newest add or remove of it. ``started_at`` is the earliest start. A late
    ``quest.created`` of a quest in the view changes nothing.
    """
    at = event.occurred_at
    if isinstance(event, QuestCreated):
        if view is not None:
            return view
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
            title_at=at,
            content_at=at,
            status_at=at,
            completion_at=at,
            progress_at=at,
        )
    if view is None or isinstance(event, QuestDeleted):
        return None
    replace = msgspec.structs.replace
    if isinstance(event, DependencyAdded | DependencyRemoved):
        return _edge(view, event.prerequisite_id, at, present=isinstance(event, DependencyAdded))
    newer_content = is_current(at, view.content_as_of)
    newer_status = is_current(at, view.status_as_of)
    updated_at = max(view.updated_at, at)
    if isinstance(event, QuestUpdated):
        facts = event.after
        if facts is not None and is_current(at, view.title_as_of):
            view = replace(
                view, title=facts.title, estimate_minutes=facts.estimate_minutes, title_at=at
            )
        if facts is not None and newer_content:
            view = replace(
                view,
                difficulty=facts.difficulty,
                priority=facts.priority,
                category=facts.category,
                tags=facts.tags,
                due=facts.due,
                content_at=at,
            )
        return replace(view, updated_at=updated_at)
    if isinstance(event, QuestProgressed):
        if not is_current(at, view.progress_as_of):
            return replace(view, updated_at=updated_at)
        return replace(view, progress=event.progress, updated_at=updated_at, progress_at=at)
    if isinstance(event, QuestStarted):
        copy = after_start(_status_of(view), view.status_as_of, at)
        return replace(view, **copy._asdict(), updated_at=updated_at)
    if isinstance(event, QuestCompleted):
        if newer_content:
            view = replace(
                view,
                difficulty=event.difficulty,
                priority=event.priority,
                due=event.due,
                category=event.category,
                tags=event.tags,
                content_at=at,
            )
        if is_current(at, view.completion_as_of):
            view = replace(view, completed_at=event.completed_at, completion_at=at)
        if newer_status:
            view = replace(view, status="done", status_at=at)
        return replace(view, updated_at=updated_at)
    if isinstance(event, QuestReopened):
        if is_current(at, view.completion_as_of):
            view = replace(view, completed_at=None, completion_at=at)
        copy = after_reopening(_status_of(view), view.status_as_of, at)
        return replace(view, **copy._asdict(), updated_at=updated_at)
    if not newer_status:
        return replace(view, updated_at=updated_at)
    if isinstance(event, QuestAbandoned):
        return replace(view, status="abandoned", updated_at=updated_at, status_at=at)
    if isinstance(event, QuestArchived):
        return replace(view, status="archived", updated_at=updated_at, status_at=at)
    return view


def _status_of(view: QuestView) -> StatusCopy:
    return StatusCopy(view.status, view.status_at, view.started_at)


def _quest_of(event: DomainEvent) -> QuestId | None:
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
        owner, quest = event.owner, quest_id
        if isinstance(event, QuestDeleted):
            # Remembered, so that no late event of the quest brings it back.
            before = await views.get(owner, quest)
            await views.forget(owner, quest, at=event.occurred_at)
            await uow.commit()
            return before is not None
        if isinstance(event, QuestCreated) and await views.is_forgotten(owner, quest):
            await uow.commit()
            return False
        before = await views.get(owner, quest)
        after = apply_to_view(before, event)
        if after is None and before is not None:
            await views.remove(owner, before.quest_id)
        elif after is not None and after != before:
            await views.put(after)
        await uow.commit()
    return before != after
