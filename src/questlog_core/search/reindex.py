"""Rebuild the search index from the quests themselves, not from their events.

The index is fed by quest events; quests that existed before the search service was deployed,
or whose events were lost (a read model reset, an event dead-lettered for good), are missing
or stale. :func:`reindex` reads every quest through the :class:`~.ports.QuestSource` port and
brings the index in line:

* a quest not indexed is added; an indexed one takes from the quest what is newer there
  (:func:`reconcile`: text, filters and status each by their own time, so an event applied
  while the rebuild runs is never overwritten by the older copy the rebuild read);
* a quest that was deleted (:meth:`~.ports.QuestSearchIndex.is_forgotten`) is never added back;
* an indexed quest that no longer exists is taken out, after the source confirms it is gone
  (asked again once the index was read, so a quest created during the rebuild stays).

Running it again changes nothing (idempotent), and it may run while events flow.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import msgspec

from questlog_core.kernel.ids import QuestId, UserId
from questlog_core.search.model import SearchDocument
from questlog_core.search.ports import QuestSource, SearchUnitOfWork

__all__ = ["ReindexReport", "reconcile", "reindex", "reindex_owner"]


class ReindexReport(msgspec.Struct, kw_only=True):
    """What a rebuild did, counted in quests."""

    owners: int = 0
    #: quests the index did not have
    added: int = 0
    #: indexed quests the source had newer text or status for
    updated: int = 0
    #: indexed quests already up to date
    unchanged: int = 0
    #: indexed quests that no longer exist, taken out
    removed: int = 0
    #: quests the source listed that were deleted meanwhile (left out)
    skipped_deleted: int = 0

    def add(self, other: ReindexReport) -> None:
        """Add ``other``'s counts to these."""
        for field in self.__struct_fields__:
            setattr(self, field, getattr(self, field) + getattr(other, field))


def reconcile(indexed: SearchDocument | None, current: SearchDocument) -> SearchDocument:
    """The document to index, given what is indexed and the quest as the source has it. Pure.

    ``current`` is the quest as of its ``updated_at``; each aspect the index holds from a
    later event (``text_as_of`` / ``content_as_of`` / ``status_as_of`` after that) is kept.
    """
    as_of = current.updated_at
    current = msgspec.structs.replace(current, text_at=as_of, content_at=as_of, status_at=as_of)
    if indexed is None:
        return current
    replace = msgspec.structs.replace
    merged = indexed
    if as_of >= indexed.text_as_of:
        merged = replace(merged, title=current.title, notes=current.notes, text_at=as_of)
    if as_of >= indexed.content_as_of:
        merged = replace(
            merged,
            tags=current.tags,
            category=current.category,
            due=current.due,
            content_at=as_of,
        )
    if as_of >= indexed.status_as_of:
        merged = replace(
            merged, status=current.status, started_at=current.started_at, status_at=as_of
        )
    return replace(
        merged,
        created_at=min(indexed.created_at, current.created_at),
        updated_at=max(indexed.updated_at, as_of),
    )


async def reindex_owner(
    owner: UserId, source: QuestSource, unit_of_work: Callable[[], SearchUnitOfWork]
) -> ReindexReport:
    """Bring ``owner``'s index in line with their quests (see the module docstring); one
    transaction per batch the source hands over."""
    report = ReindexReport(owners=1)
    seen: set[QuestId] = set()
    async for batch in source.quests(owner):
        # a source bug must not index a quest under someone else
        mine = [current for current in batch if current.owner == owner]
        ids = [current.quest_id for current in mine]
        seen.update(ids)
        uow = unit_of_work()
        async with uow:
            forgotten = await uow.index.forgotten_among(owner, ids)
            indexed = await uow.index.get_many(owner, ids)
            changed: list[SearchDocument] = []
            for current in mine:
                if current.quest_id in forgotten:
                    report.skipped_deleted += 1
                    continue
                before = indexed.get(current.quest_id)
                merged = reconcile(before, current)
                if merged == before:
                    report.unchanged += 1
                    continue
                if before is None:
                    report.added += 1
                else:
                    report.updated += 1
                    await uow.index.remove(owner, current.quest_id)
                changed.append(merged)
            await uow.index.put_many(changed)
            await uow.commit()
    uow = unit_of_work()
    async with uow:
        candidates = await uow.index.quest_ids(owner) - seen
    if candidates:
        # Asked after the index was read: a quest indexed by then was committed by then, so
        # one created while the listing ran is found here and kept.
        gone = candidates - await source.existing(owner, candidates)
        if gone:
            uow = unit_of_work()
            async with uow:
                for quest_id in gone:
                    # Deleted without its event reaching the index: remembered like a
                    # deletion, so a late quest.created does not bring it back either.
                    stale = await uow.index.get(owner, quest_id)
                    if stale is not None:
                        await uow.index.forget(owner, quest_id, at=stale.updated_at)
                await uow.commit()
            report.removed = len(gone)
    return report


async def reindex(
    source: QuestSource,
    unit_of_work: Callable[[], SearchUnitOfWork],
    *,
    owner: UserId | None = None,
    progress: Callable[[UserId, ReindexReport], None] | None = None,
) -> ReindexReport:
    """Rebuild the index of ``owner``, or of every owner the source lists; ``progress`` is
    told each owner's report as it is done."""
    total = ReindexReport()
    owners = _one(owner) if owner is not None else source.owners()
    async for who in owners:
        done = await reindex_owner(who, source, unit_of_work)
        if progress is not None:
            progress(who, done)
        total.add(done)
    return total


async def _one(owner: UserId) -> AsyncIterator[UserId]:
    yield owner
