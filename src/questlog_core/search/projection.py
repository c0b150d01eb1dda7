"""The search index follows the quest lifecycle: each quest event applied once, in any order.

:func:`apply_to_document` is the pure rule; :func:`index_quest_event` claims the event in the
search inbox in the same transaction as the index change, so a redelivered event changes
nothing and one whose transaction rolled back is applied again. Events of one quest may arrive
out of order: an older event never overwrites what a newer one indexed, and a deleted quest is
remembered (:meth:`~questlog_core.search.ports.QuestSearchIndex.forget`) so that no late event
or rebuild indexes it again.
"""

from __future__ import annotations

import msgspec

from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ordering import is_current
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
from questlog_core.quests.status_copy import StatusCopy, after_reopening, after_start
from questlog_core.search.model import SearchDocument
from questlog_core.search.ports import SearchUnitOfWork

__all__ = ["CONSUMER", "INDEXED_EVENTS", "apply_to_document", "index_quest_event"]

#: the inbox consumer name of the index
CONSUMER = "search.quest-index"

#: the quest events the index follows
INDEXED_EVENTS: tuple[type[DomainEvent], ...] = (
    QuestCreated,
    QuestUpdated,
    QuestStarted,
    QuestCompleted,
    QuestReopened,
    QuestAbandoned,
    QuestArchived,
    QuestDeleted,
)


def apply_to_document(document: SearchDocument | None, event: DomainEvent) -> SearchDocument | None:
    """The document after ``event`` (``None``: not indexed, or the quest is gone). Pure.

    Events may arrive out of order (retries, concurrent consumers, a rebuild that copied a
    newer state): an event older than what the document already holds of the same aspect
    leaves that aspect alone (ties: the later arrival wins). The aspects are independent:
    the title and notes follow the newest of ``quest.created`` and ``quest.updated``
    (:attr:`~SearchDocument.text_as_of`); the tags, category and due date the newest of
    those and ``quest.completed``, which carries them too
    (:attr:`~SearchDocument.content_as_of`); the status the newest status event
    (:attr:`~SearchDocument.status_as_of`). So an edit made before a completion and
    delivered after it still changes the title. ``started_at`` is the earliest start (a
    reopened quest that was started before is active again). A late ``quest.created`` of an
    indexed quest changes nothing.
    """
    at = event.occurred_at
    if isinstance(event, QuestCreated):
        if document is not None:
            return document
        return SearchDocument(
            owner=event.owner,
            quest_id=event.quest_id,
            title=event.title,
            notes=event.notes,
            tags=event.tags,
            category=event.category,
            due=event.due,
            created_at=at,
            updated_at=at,
            text_at=at,
            content_at=at,
            status_at=at,
        )
    if document is None or isinstance(event, QuestDeleted):
        return None
    replace = msgspec.structs.replace
    newer_content = is_current(at, document.content_as_of)
    newer_status = is_current(at, document.status_as_of)
    updated_at = max(document.updated_at, at)
    if isinstance(event, QuestUpdated):
        facts = event.after
        if facts is not None and is_current(at, document.text_as_of):
            document = replace(document, title=facts.title, notes=facts.notes, text_at=at)
        if facts is not None and newer_content:
            document = replace(
                document, tags=facts.tags, category=facts.category, due=facts.due, content_at=at
            )
        return replace(document, updated_at=updated_at)
    if isinstance(event, QuestCompleted):
        if newer_content:
            document = replace(
                document, tags=event.tags, category=event.category, due=event.due, content_at=at
            )
        if newer_status:
            document = replace(document, status="done", status_at=at)
        return replace(document, updated_at=updated_at)
    if isinstance(event, QuestStarted):
        copy = after_start(_status_of(document), document.status_as_of, at)
        return replace(document, **copy._asdict(), updated_at=updated_at)
    if isinstance(event, QuestReopened):
        copy = after_reopening(_status_of(document), document.status_as_of, at)
        return replace(document, **copy._asdict(), updated_at=updated_at)
    if not newer_status:
        return replace(document, updated_at=updated_at)
    if isinstance(event, QuestAbandoned):
        return replace(document, status="abandoned", updated_at=updated_at, status_at=at)
    if isinstance(event, QuestArchived):
        return replace(document, status="archived", updated_at=updated_at, status_at=at)
    return document


def _status_of(document: SearchDocument) -> StatusCopy:
    return StatusCopy(document.status, document.status_at, document.started_at)


async def index_quest_event(event: DomainEvent, uow: SearchUnitOfWork) -> bool:
    """Apply one quest event to the owner's index, at most once per event id.

    Returns whether it changed anything (``False`` for a redelivery or an event the index
    does not follow).
    """
    quest_id = getattr(event, "quest_id", None)
    if quest_id is None or not isinstance(event, INDEXED_EVENTS):
        return False
    async with uow:
        if not await uow.inbox.claim(CONSUMER, event.event_id):
            return False
        if isinstance(event, QuestDeleted):
            # Remembered, so neither a late quest.created nor a rebuild brings it back.
            before = await uow.index.get(event.owner, quest_id)
            await uow.index.forget(event.owner, quest_id, at=event.occurred_at)
            await uow.commit()
            return before is not None
        if isinstance(event, QuestCreated) and await uow.index.is_forgotten(event.owner, quest_id):
            await uow.commit()
            return False
        before = await uow.index.get(event.owner, quest_id)
        after = apply_to_document(before, event)
        if after is not None and after != before:
            await uow.index.put(after)
        await uow.commit()
    return before != after
