"""Applying an import: a parsed :class:`~.drafts.ImportPlan` becomes one owner's quests.

The plan is applied in batches, each in its own unit of work (quests, their links, their
events: all of a batch or none of it). A batch that fails with a domain error is rolled back
and its records are reported as not imported, with the reason; the batches before it stay,
and because every imported record is linked to its quest, running the same import again
creates only what is missing. Then the dependency edges are added the same way.

What a quest becomes (see ``docs/moving.md``):

* todo stays todo; active is started; abandoned is abandoned (``QuestAbandoned``).
* done is **history**: completed at the source's completion time and then archived, with the
  completion event withheld, so the import unblocks dependents but earns no XP and moves no
  streak (otherwise importing years of finished tasks would be a level-up button). The quest
  keeps its ``completed_at``, so it counts as done for its parent's progress.
* A value the quest entity refuses (a due date before creation, a too-deep sub-quest, an
  invalid recurrence...) is dropped from that quest and reported; the quest is still made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import msgspec

from questlog_core.errors import DependencyCycle, DomainError, ValidationFailed
from questlog_core.events import DomainEvent
from questlog_core.events.quests import DependencyAdded
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.moving.drafts import DraftStatus, ImportPlan, QuestDraft, Unmapped
from questlog_core.moving.ports import ImportTransactions
from questlog_core.ports.platform import Clock, IdFactory
from questlog_core.quests.model import Quest
from questlog_core.quests.use_cases.helpers import _refresh_parent
from questlog_core.services.quests.commands import MAX_PARENT_DEPTH

#: Records (or edges) per unit of work: big enough to be quick, small enough that a failed
#: batch loses little and a transaction holds SQLite's write lock only briefly.
BATCH_SIZE = 100

#: Dependency edges per unit of work: each batch reads the owner's whole graph (for the cycle
#: check), so edges go in bigger batches than quests.
EDGE_BATCH_SIZE = 1000

#: Fields a quest can lose and still be the quest the source meant.
_DROPPABLE = {"due", "recurrence", "category", "tags", "checklist", "notes", "parent_id"}


class ApplyImport(msgspec.Struct, frozen=True, kw_only=True):
    """Import ``plan`` into ``owner``'s quests."""

    owner: UserId
    plan: ImportPlan
    batch_size: int = BATCH_SIZE


class ImportReport(msgspec.Struct, kw_only=True):
    """What an import did: counts, and every record or field that did not come over."""

    source: str
    records: int
    created: int = 0
    skipped: int = 0
    edges_created: int = 0
    edges_skipped: int = 0
    failed_batches: int = 0
    unmapped: list[Unmapped] = msgspec.field(default_factory=list)


Progress = Callable[[int], None]


async def apply_import(
    cmd: ApplyImport,
    transactions: ImportTransactions,
    clock: Clock,
    ids: IdFactory,
    progress: Progress | None = None,
) -> ImportReport:
    """Apply a plan (see the module docstring); ``progress(n)`` is told after each batch how
    many more drafts were handled."""
    plan = cmd.plan
    report = ImportReport(
        source=plan.source.value, records=plan.records, unmapped=list(plan.unmapped)
    )
    drafts = _parents_first(plan.drafts, report.unmapped)
    size = max(1, cmd.batch_size)
    mapped: dict[str, QuestId] = {}
    for start in range(0, len(drafts), size):
        batch = drafts[start : start + size]
        try:
            await _import_batch(
                cmd.owner, plan.source.value, batch, mapped, transactions, clock, ids, report
            )
        except DomainError as exc:
            report.failed_batches += 1
            for draft in batch:
                mapped.pop(draft.external_id, None)
                report.unmapped.append(
                    Unmapped(record=draft.external_id, field="", reason=f"batch failed: {exc}")
                )
        if progress is not None:
            progress(len(batch))
    edges = [
        (prerequisite, draft.external_id)
        for draft in drafts
        for prerequisite in dict.fromkeys(draft.depends_on)
    ]
    edge_size = max(size, EDGE_BATCH_SIZE)
    for start in range(0, len(edges), edge_size):
        try:
            await _link_batch(
                cmd.owner,
                plan.source.value,
                edges[start : start + edge_size],
                transactions,
                clock,
                ids,
                report,
            )
        except DomainError as exc:
            report.failed_batches += 1
            report.unmapped.extend(
                Unmapped(record=dependent, field="depends", reason=f"batch failed: {exc}")
                for _, dependent in edges[start : start + edge_size]
            )
    return report


def _parents_first(drafts: Sequence[QuestDraft], notes: list[Unmapped]) -> list[QuestDraft]:
    """Drafts ordered so every parent comes before its sub-quests; a parent that is not in
    the file, or a chain that loops or nests too deep, is dropped with a note."""
    by_id = {d.external_id: d for d in drafts}
    depth: dict[str, int] = {}

    def depth_of(draft: QuestDraft) -> int:
        chain: list[QuestDraft] = []
        current: QuestDraft | None = draft
        while current is not None and current.external_id not in depth:
            if current in chain:
                notes.append(
                    Unmapped(
                        record=current.external_id,
                        field="parent",
                        reason="parents form a loop; made top-level",
                    )
                )
                current.parent = None
                break
            chain.append(current)
            parent = current.parent
            if parent is not None and parent not in by_id:
                notes.append(
                    Unmapped(
                        record=current.external_id,
                        field="parent",
                        reason=f"parent {parent} is not in the file; made top-level",
                    )
                )
                current.parent = None
                parent = None
            current = by_id[parent] if parent is not None else None
        for item in reversed(chain):
            level = 0 if item.parent is None else depth.get(item.parent, 0) + 1
            if level > MAX_PARENT_DEPTH:
                notes.append(
                    Unmapped(
                        record=item.external_id,
                        field="parent",
                        reason=f"nested deeper than {MAX_PARENT_DEPTH}; made top-level",
                    )
                )
                item.parent = None
                level = 0
            depth[item.external_id] = level
        return depth[draft.external_id]

    return sorted(drafts, key=depth_of)  # stable: file order within a level


async def _import_batch(
    owner: UserId,
    source: str,
    batch: Sequence[QuestDraft],
    mapped: dict[str, QuestId],
    transactions: ImportTransactions,
    clock: Clock,
    ids: IdFactory,
    report: ImportReport,
) -> None:
    tx = transactions()
    created: list[tuple[str, QuestId]] = []
    notes: list[Unmapped] = []
    parents: set[QuestId] = set()
    async with tx.uow:
        wanted = [d.external_id for d in batch] + [d.parent for d in batch if d.parent]
        known = await tx.links.find(owner, source, wanted)
        skipped = 0
        for draft in batch:
            if draft.external_id in known:
                skipped += 1
                continue
            if draft.external_id in mapped:
                notes.append(
                    Unmapped(
                        record=draft.external_id,
                        field="",
                        reason="the file holds this record twice; the first was imported",
                    )
                )
                continue
            parent = None
            if draft.parent is not None:
                parent = known.get(draft.parent) or mapped.get(draft.parent)
                if parent is None:
                    notes.append(
                        Unmapped(
                            record=draft.external_id,
                            field="parent",
                            reason="its parent was not imported; made top-level",
                        )
                    )
            now = clock.now()
            quest = _quest(owner, draft, parent, now, ids, notes)
            if quest is None:
                continue
            tx.uow.record(*_arrive(quest, draft, min(quest.created_at, now), now, ids))
            await tx.uow.quests.add(quest)
            created.append((draft.external_id, quest.id))
            mapped[draft.external_id] = quest.id
            if parent is not None:
                parents.add(parent)
        for parent_id in parents:
            await _refresh_parent(tx.uow, owner, parent_id, clock.now(), ids)
        if created:
            await tx.links.add(owner, source, created)
        await tx.uow.commit()
    report.created += len(created)
    report.skipped += skipped
    report.unmapped.extend(notes)


def _quest(
    owner: UserId,
    draft: QuestDraft,
    parent: QuestId | None,
    now: datetime,
    ids: IdFactory,
    notes: list[Unmapped],
) -> Quest | None:
    """The quest a draft becomes, dropping (and reporting) any field the entity refuses."""
    created_at = _created_at(draft, now)
    fields: dict[str, object] = {
        "notes": draft.notes,
        "category": draft.category,
        "tags": draft.tags,
        "difficulty": draft.difficulty,
        "priority": draft.priority,
        "due": draft.due,
        "recurrence": draft.recurrence,
        "parent_id": parent,
        "checklist": draft.checklist,
    }
    if draft.due is not None and draft.due < created_at:
        notes.append(
            Unmapped(
                record=draft.external_id,
                field="due",
                reason="due before the task was created; dropped",
            )
        )
        fields["due"] = None
        if draft.recurrence is not None:
            fields["due"] = draft.recurrence.next_due(
                due=draft.due, completed_at=created_at, occurrence=0
            )
    for _ in range(len(_DROPPABLE) + 1):
        try:
            quest = Quest.create(
                id=QuestId(ids.new_id()),
                owner=owner,
                title=draft.title,
                at=created_at,
                ids=ids,
                **fields,  # type: ignore[arg-type]
            )
            break
        except ValidationFailed as exc:
            if exc.field in {"difficulty", "priority"}:
                notes.append(
                    Unmapped(
                        record=draft.external_id,
                        field=exc.field,
                        reason=f"{exc.reason}; default used",
                    )
                )
                fields.pop(exc.field)
                continue
            if exc.field == "due" and fields.get("recurrence") is not None:
                exc = ValidationFailed("recurrence", exc.reason)  # the rule goes, not the quest
            if exc.field not in _DROPPABLE or fields.get(exc.field) in (None, (), ""):
                notes.append(
                    Unmapped(
                        record=draft.external_id, field="", reason=f"{exc.field}: {exc.reason}"
                    )
                )
                return None
            notes.append(
                Unmapped(record=draft.external_id, field=exc.field, reason=f"{exc.reason}; dropped")
            )
            fields[exc.field] = (
                None if exc.field in {"due", "recurrence", "category", "parent_id"} else ()
            )
            if exc.field == "notes":
                fields["notes"] = ""
    else:  # pragma: no cover - every droppable field dropped and still refused
        return None
    return quest


def _created_at(draft: QuestDraft, now: datetime) -> datetime:
    """When the quest was made: the source's creation time (never in the future). A record
    without one that is already due is dated at its due date, so an overdue task stays
    overdue instead of losing its date."""
    if draft.created_at is not None:
        return min(draft.created_at, now)
    if draft.due is not None and draft.due < now:
        return draft.due
    return now


def _arrive(
    quest: Quest, draft: QuestDraft, created_at: datetime, now: datetime, ids: IdFactory
) -> list[DomainEvent]:
    """Move a new quest to the draft's status (see the module docstring); the quest's events,
    pulled, for the unit of work to record in order."""
    if draft.status is DraftStatus.ACTIVE:
        quest.start(at=max(draft.started_at or now, created_at), ids=ids)
    elif draft.status is DraftStatus.ABANDONED:
        quest.abandon(at=now, ids=ids)
    elif draft.status is DraftStatus.DONE:
        done_at = draft.completed_at or now
        done_at = min(max(done_at, created_at), now)
        kept = quest.pull_events()  # QuestCreated
        quest.complete(at=done_at, ids=ids)
        quest.pull_events()  # the completion event is withheld: history earns no XP
        quest.archive(at=now, ids=ids)
        kept += quest.pull_events()  # QuestArchived (previous status: done)
        return kept
    return quest.pull_events()


async def _link_batch(
    owner: UserId,
    source: str,
    edges: Sequence[tuple[str, str]],
    transactions: ImportTransactions,
    clock: Clock,
    ids: IdFactory,
    report: ImportReport,
) -> None:
    tx = transactions()
    notes: list[Unmapped] = []
    made = skipped = 0
    async with tx.uow:
        known = await tx.links.find(owner, source, {e for edge in edges for e in edge})
        graph = await tx.uow.dependencies.graph_of(owner, for_update=True)
        now = clock.now()
        for prerequisite_ext, dependent_ext in edges:
            prerequisite, dependent = known.get(prerequisite_ext), known.get(dependent_ext)
            if dependent is None:
                continue  # the dependent itself did not come over (reported already)
            if prerequisite is None:
                notes.append(
                    Unmapped(
                        record=dependent_ext,
                        field="depends",
                        reason=f"depends on {prerequisite_ext}, which was not imported",
                    )
                )
                continue
            if dependent in graph.dependents(prerequisite):
                skipped += 1
                continue
            try:
                graph.add(prerequisite, dependent)
            except DependencyCycle:
                notes.append(
                    Unmapped(
                        record=dependent_ext,
                        field="depends",
                        reason=f"depending on {prerequisite_ext} would close a cycle; left out",
                    )
                )
                continue
            await tx.uow.dependencies.add(owner, prerequisite, dependent)
            tx.uow.record(
                DependencyAdded(
                    event_id=EventId(ids.new_id()),
                    occurred_at=now,
                    owner=owner,
                    prerequisite_id=prerequisite,
                    dependent_id=dependent,
                )
            )
            made += 1
        await tx.uow.commit()
    report.edges_created += made
    report.edges_skipped += skipped
    report.unmapped.extend(notes)


__all__ = [
    "BATCH_SIZE",
    "EDGE_BATCH_SIZE",
    "ApplyImport",
    "ImportReport",
    "Progress",
    "apply_import",
]
