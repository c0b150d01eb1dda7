"""In-memory quest repositories, unit of work, outbox and inbox: the reference adapter.

:class:`InMemoryQuestStore` plays the database: shared by every unit of work made from it.
An :class:`InMemoryQuestUnitOfWork` never touches the store until it commits. Writes go to a
private change set (an overlay the transaction reads its own writes through); reads hand out
copies, so mutating a loaded quest changes nothing until ``update``. ``commit`` first checks
every optimistic expectation against the store (versions, uniqueness of ids, series
occurrences and category names, acyclicity of the edges, inbox claims) and only then applies
the whole change set and appends the events to the outbox, with no ``await`` in between: it is
all-or-nothing, like a database transaction. Rolling back just drops the change set.

The SQL adapters must behave the same way; the contract tests hold both to it.
"""

from __future__ import annotations

import builtins
import copy
from collections.abc import Collection, Sequence
from types import TracebackType
from typing import Protocol, Self, TypeVar

import msgspec

from adapters import tracing
from adapters.memory.messaging import InMemoryOutbox as _SharedOutbox
from questlog_core.errors import (
    AlreadyExists,
    AttachmentNotFound,
    CategoryNotFound,
    ConcurrencyConflict,
    QuestNotFound,
    TemplateNotFound,
    ValidationFailed,
)
from questlog_core.events import DomainEvent
from questlog_core.ids import AttachmentId, CategoryId, EventId, QuestId, TemplateId, UserId
from questlog_core.ports.quests import (
    TEXT_QUERY_MAX_LENGTH,
    OutboxRecord,
    Page,
    QuestQuery,
    clamp_limit,
    decode_cursor,
    encode_cursor,
    scan_key,
)
from questlog_core.quests.attachments import Attachment
from questlog_core.quests.dependencies import DependencyGraph
from questlog_core.quests.model import Quest, QuestStatus
from questlog_core.quests.templates import Category, QuestTemplate

__all__ = [
    "InMemoryAttachmentRepository",
    "InMemoryCategoryRepository",
    "InMemoryDependencyRepository",
    "InMemoryInbox",
    "InMemoryOutbox",
    "InMemoryQuestRepository",
    "InMemoryQuestStore",
    "InMemoryQuestUnitOfWork",
    "InMemoryTemplateRepository",
]

Edge = tuple[QuestId, QuestId]


class _EventSource(Protocol):
    def pull_events(self) -> list[DomainEvent]: ...


class InMemoryQuestStore:
    """The committed state every unit of work made from it shares (the "database")."""

    def __init__(self) -> None:
        self.quests: dict[QuestId, Quest] = {}
        self.edges: dict[UserId, set[Edge]] = {}
        self.templates: dict[TemplateId, QuestTemplate] = {}
        self.categories: dict[CategoryId, Category] = {}
        self.attachments: dict[AttachmentId, Attachment] = {}
        self.outbox: list[OutboxRecord] = []
        self.published: set[EventId] = set()
        self.inbox: set[tuple[str, EventId]] = set()

    def unit_of_work(self) -> InMemoryQuestUnitOfWork:
        """A new unit of work over this store."""
        return InMemoryQuestUnitOfWork(self)

    def outbox_reader(self) -> InMemoryOutbox:
        """The outbox port over this store."""
        return InMemoryOutbox(self)


def _snapshot(quest: Quest) -> Quest:
    # A stored copy carries no pending events: those belong to the caller's object.
    stored = copy.deepcopy(quest)
    stored.pull_events()
    return stored


class InMemoryQuestUnitOfWork:
    """A transaction over an :class:`InMemoryQuestStore` (see the module docstring)."""

    def __init__(self, store: InMemoryQuestStore) -> None:
        self.store = store
        self._quests = InMemoryQuestRepository(self)
        self._dependencies = InMemoryDependencyRepository(self)
        self._templates = InMemoryTemplateRepository(self)
        self._categories = InMemoryCategoryRepository(self)
        self._attachments = InMemoryAttachmentRepository(self)
        self._inbox = InMemoryInbox(self)
        self._committed_events: list[DomainEvent] = []
        self._reset()

    # -- the port -----------------------------------------------------------------------------

    @property
    def quests(self) -> InMemoryQuestRepository:
        return self._quests

    @property
    def dependencies(self) -> InMemoryDependencyRepository:
        return self._dependencies

    @property
    def templates(self) -> InMemoryTemplateRepository:
        return self._templates

    @property
    def categories(self) -> InMemoryCategoryRepository:
        return self._categories

    @property
    def attachments(self) -> InMemoryAttachmentRepository:
        return self._attachments

    @property
    def inbox(self) -> InMemoryInbox:
        return self._inbox

    async def __aenter__(self) -> Self:
        self._reset()
        self._committed_events = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            await self.rollback()

    async def commit(self) -> None:
        """Check every expectation against the store, then apply everything (see module)."""
        self._check_against_store()
        events: list[DomainEvent] = []
        for source in self._seen:
            events.extend(source.pull_events())
        events.extend(self._recorded)
        self._apply(events)
        self._committed_events = events
        self._reset()
        self._committed = True

    async def rollback(self) -> None:
        for source in self._seen:
            source.pull_events()  # the events of a rolled-back change never happened
        self._reset()
        self._committed_events = []

    def record(self, *events: DomainEvent) -> None:
        self._recorded.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        return list(self._committed_events)

    # -- staging ------------------------------------------------------------------------------

    def _reset(self) -> None:
        self._committed = False
        self._seen: list[_EventSource] = []
        self._recorded: list[DomainEvent] = []
        self.staged_quests: dict[QuestId, Quest | None] = {}
        self.new_quests: set[QuestId] = set()
        self.expected_versions: dict[QuestId, int] = {}
        self.added_edges: dict[UserId, set[Edge]] = {}
        self.removed_edges: dict[UserId, set[Edge]] = {}
        # ``None`` stages a deletion; ``new_*`` are the ids this transaction created.
        self.staged_templates: dict[TemplateId, QuestTemplate | None] = {}
        self.new_templates: set[TemplateId] = set()
        self.staged_categories: dict[CategoryId, Category | None] = {}
        self.new_categories: set[CategoryId] = set()
        self.staged_attachments: dict[AttachmentId, Attachment | None] = {}
        self.new_attachments: set[AttachmentId] = set()
        self.claims: set[tuple[str, EventId]] = set()

    def seen(self, source: _EventSource) -> None:
        """Remember an aggregate so its events are collected on commit."""
        if not any(s is source for s in self._seen):
            self._seen.append(source)

    def _check_against_store(self) -> None:
        store = self.store
        for quest_id, expected in self.expected_versions.items():
            stored = store.quests.get(quest_id)
            if stored is None:
                raise QuestNotFound(quest_id)
            if stored.version != expected:
                raise ConcurrencyConflict("quest", quest_id, expected, stored.version)
        series_taken = {
            (q.owner, q.series_id, q.occurrence)
            for q in store.quests.values()
            if q.series_id is not None and self.staged_quests.get(q.id, q) is not None
        }
        for quest_id in self.new_quests:
            staged = self.staged_quests[quest_id]
            assert staged is not None
            if quest_id in store.quests:
                raise AlreadyExists("quest", quest_id)
            key = (staged.owner, staged.series_id, staged.occurrence)
            if staged.series_id is not None and key in series_taken:
                raise AlreadyExists("occurrence", f"{staged.series_id}#{staged.occurrence}")
        for owner, added in self.added_edges.items():
            # Two transactions may each add an edge that is fine alone but closes a cycle
            # together; re-checking against the committed graph refuses the later one.
            base = store.edges.get(owner, set()) - self.removed_edges.get(owner, set())
            graph = DependencyGraph(sorted(base, key=_edge_key))
            for prerequisite, dependent in sorted(added, key=_edge_key):
                graph.add(prerequisite, dependent)
        for template_id in self.staged_templates:
            if template_id in self.new_templates and template_id in store.templates:
                raise AlreadyExists("template", template_id)
            if template_id not in self.new_templates and template_id not in store.templates:
                raise TemplateNotFound(template_id)  # deleted by a concurrent transaction
        for attachment_id in self.staged_attachments:
            if attachment_id in self.new_attachments and attachment_id in store.attachments:
                raise AlreadyExists("attachment", attachment_id)
            if attachment_id not in self.new_attachments and attachment_id not in store.attachments:
                raise AttachmentNotFound(attachment_id)
        # Names as they will be once this transaction's categories are applied.
        names = {
            (c.owner, c.key): c.id
            for c in store.categories.values()
            if c.id not in self.staged_categories
        }
        for category_id, category in self.staged_categories.items():
            if category_id in self.new_categories and category_id in store.categories:
                raise AlreadyExists("category", category_id)
            if category_id not in self.new_categories and category_id not in store.categories:
                raise CategoryNotFound(category_id)
            if category is None:
                continue
            if names.setdefault((category.owner, category.key), category.id) != category.id:
                raise AlreadyExists("category", category.name)
        for claim in self.claims:
            if claim in store.inbox:
                raise AlreadyExists("inbox message", f"{claim[0]}/{claim[1]}")

    def _apply(self, events: Sequence[DomainEvent]) -> None:
        store = self.store
        for quest_id, staged in self.staged_quests.items():
            if staged is None:
                store.quests.pop(quest_id, None)
            else:
                store.quests[quest_id] = staged
        for owner, removed in self.removed_edges.items():
            store.edges.setdefault(owner, set()).difference_update(removed)
        for owner, added in self.added_edges.items():
            store.edges.setdefault(owner, set()).update(added)
        _apply_staged(self.staged_templates, store.templates)
        _apply_staged(self.staged_categories, store.categories)
        _apply_staged(self.staged_attachments, store.attachments)
        store.inbox.update(self.claims)
        store.outbox.extend(OutboxRecord.of(event, tracing.request_id.get()) for event in events)

    # -- what this transaction sees -------------------------------------------------------------

    def visible_quest(self, quest_id: QuestId) -> Quest | None:
        if quest_id in self.staged_quests:
            return self.staged_quests[quest_id]
        return self.store.quests.get(quest_id)

    def visible_quests(self, owner: UserId) -> list[Quest]:
        result = [
            q
            for q in self.store.quests.values()
            if q.owner == owner and q.id not in self.staged_quests
        ]
        result.extend(q for q in self.staged_quests.values() if q is not None and q.owner == owner)
        return result

    def visible_edges(self, owner: UserId) -> set[Edge]:
        base = self.store.edges.get(owner, set()) - self.removed_edges.get(owner, set())
        return base | self.added_edges.get(owner, set())


K = TypeVar("K")
V = TypeVar("V")
S = TypeVar("S", bound=msgspec.Struct)


def _apply_staged(staged: dict[K, V | None], target: dict[K, V]) -> None:
    for key, value in staged.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


def _edge_key(edge: Edge) -> tuple[int, int]:
    return edge[0].int, edge[1].int


class InMemoryQuestRepository:
    """:class:`~questlog_core.ports.quests.QuestRepository` over a unit of work's view."""

    def __init__(self, uow: InMemoryQuestUnitOfWork) -> None:
        self._uow = uow

    def _hand_out(self, quest: Quest) -> Quest:
        copied = copy.deepcopy(quest)
        self._uow.seen(copied)
        return copied

    async def get(self, owner: UserId, quest_id: QuestId) -> Quest:
        quest = self._uow.visible_quest(quest_id)
        if quest is None or quest.owner != owner:
            raise QuestNotFound(quest_id)
        return self._hand_out(quest)

    async def add(self, quest: Quest) -> None:
        uow = self._uow
        if uow.visible_quest(quest.id) is not None or quest.id in uow.store.quests:
            raise AlreadyExists("quest", quest.id)
        if quest.series_id is not None and any(
            q.series_id == quest.series_id and q.occurrence == quest.occurrence
            for q in uow.visible_quests(quest.owner)
        ):
            raise AlreadyExists("occurrence", f"{quest.series_id}#{quest.occurrence}")
        uow.staged_quests[quest.id] = _snapshot(quest)
        uow.new_quests.add(quest.id)
        uow.seen(quest)

    async def update(self, quest: Quest, expected_version: int) -> None:
        uow = self._uow
        current = uow.visible_quest(quest.id)
        if current is None or current.owner != quest.owner:
            raise QuestNotFound(quest.id)
        if current.version != expected_version:
            raise ConcurrencyConflict("quest", quest.id, expected_version, current.version)
        if quest.id not in uow.new_quests:
            uow.expected_versions.setdefault(quest.id, expected_version)
        quest.version = expected_version + 1
        uow.staged_quests[quest.id] = _snapshot(quest)
        uow.seen(quest)

    async def delete(self, owner: UserId, quest_id: QuestId) -> None:
        uow = self._uow
        current = uow.visible_quest(quest_id)
        if current is None or current.owner != owner:
            raise QuestNotFound(quest_id)
        if quest_id in uow.new_quests:
            uow.new_quests.discard(quest_id)
            del uow.staged_quests[quest_id]
            return
        uow.expected_versions.setdefault(quest_id, current.version)
        uow.staged_quests[quest_id] = None

    async def list(self, owner: UserId, query: QuestQuery) -> Page[Quest]:
        uow = self._uow
        quests = uow.visible_quests(owner)
        if query.status:
            wanted = set(query.status)
            quests = [q for q in quests if q.status in wanted]
        if query.category is not None:
            quests = [q for q in quests if q.category == query.category]
        if query.tag is not None:
            quests = [q for q in quests if query.tag in q.tags]
        if query.due_after is not None:
            after = query.due_after
            quests = [q for q in quests if q.due is not None and q.due >= after]
        if query.due_before is not None:
            before = query.due_before
            quests = [q for q in quests if q.due is not None and q.due < before]
        if query.parent_id is not None:
            quests = [q for q in quests if q.parent_id == query.parent_id]
        if query.text:
            if len(query.text) > TEXT_QUERY_MAX_LENGTH:
                raise ValidationFailed("text", f"at most {TEXT_QUERY_MAX_LENGTH} characters")
            needle = query.text.casefold()
            quests = [
                q for q in quests if needle in q.title.casefold() or needle in q.notes.casefold()
            ]
        if query.blocked is not None:
            open_ids = {q.id for q in uow.visible_quests(owner) if q.is_open}
            blocked = {d for p, d in uow.visible_edges(owner) if p in open_ids}
            quests = [q for q in quests if (q.id in blocked) == query.blocked]
        quests.sort(key=lambda q: scan_key(q, query.sort, query.descending))
        if query.cursor is not None:
            position = decode_cursor(query.cursor, query.sort, query.descending)
            quests = [q for q in quests if scan_key(q, query.sort, query.descending) > position]
        limit = clamp_limit(query.limit)
        page = quests[:limit]
        more = len(quests) > limit
        cursor = encode_cursor(page[-1], query.sort, query.descending) if more else None
        return Page([self._hand_out(q) for q in page], cursor)

    async def list_as(self, owner: UserId, query: QuestQuery, shape: type[S]) -> Page[S]:
        # The reference: the listed quests through their JSON form (what the SQL adapters
        # decode from rows), so every adapter's shape means the same thing.
        page = await self.list(owner, query)
        items = msgspec.json.decode(msgspec.json.encode(page.items), type=builtins.list[shape])  # type: ignore[valid-type]
        return Page(items, page.next_cursor)

    async def statuses(
        self, owner: UserId, quest_ids: Collection[QuestId]
    ) -> dict[QuestId, QuestStatus]:
        result: dict[QuestId, QuestStatus] = {}
        for quest_id in quest_ids:
            quest = self._uow.visible_quest(quest_id)
            if quest is not None and quest.owner == owner:
                result[quest_id] = quest.status
        return result

    async def children(self, owner: UserId, parent_id: QuestId) -> builtins.list[Quest]:
        found = [q for q in self._uow.visible_quests(owner) if q.parent_id == parent_id]
        found.sort(key=lambda q: (q.created_at, q.id.int))
        return [self._hand_out(q) for q in found]

    async def get_occurrence(
        self, owner: UserId, series_id: QuestId, occurrence: int
    ) -> Quest | None:
        for quest in self._uow.visible_quests(owner):
            if quest.series_id == series_id and quest.occurrence == occurrence:
                return self._hand_out(quest)
        return None


class InMemoryDependencyRepository:
    """:class:`~questlog_core.ports.quests.DependencyRepository` over a unit of work's view."""

    def __init__(self, uow: InMemoryQuestUnitOfWork) -> None:
        self._uow = uow

    async def graph_of(self, owner: UserId, *, for_update: bool = False) -> DependencyGraph:
        # for_update needs no lock here: commit re-checks acyclicity against the store.
        return DependencyGraph(sorted(self._uow.visible_edges(owner), key=_edge_key))

    async def add(self, owner: UserId, prerequisite: QuestId, dependent: QuestId) -> None:
        edge = (prerequisite, dependent)
        uow = self._uow
        if edge in uow.visible_edges(owner):
            return
        if edge in uow.removed_edges.get(owner, set()):
            uow.removed_edges[owner].discard(edge)
        else:
            uow.added_edges.setdefault(owner, set()).add(edge)

    async def remove(self, owner: UserId, prerequisite: QuestId, dependent: QuestId) -> bool:
        edge = (prerequisite, dependent)
        uow = self._uow
        if edge not in uow.visible_edges(owner):
            return False
        if edge in uow.added_edges.get(owner, set()):
            uow.added_edges[owner].discard(edge)
        else:
            uow.removed_edges.setdefault(owner, set()).add(edge)
        return True

    async def remove_quest(self, owner: UserId, quest_id: QuestId) -> builtins.list[Edge]:
        touching = sorted(
            (e for e in self._uow.visible_edges(owner) if quest_id in e), key=_edge_key
        )
        for prerequisite, dependent in touching:
            await self.remove(owner, prerequisite, dependent)
        return touching


class InMemoryTemplateRepository:
    """:class:`~questlog_core.ports.quests.TemplateRepository` over a unit of work's view."""

    def __init__(self, uow: InMemoryQuestUnitOfWork) -> None:
        self._uow = uow

    def _visible(self) -> dict[TemplateId, QuestTemplate]:
        merged: dict[TemplateId, QuestTemplate | None] = {
            **self._uow.store.templates,
            **self._uow.staged_templates,
        }
        return {k: v for k, v in merged.items() if v is not None}

    async def get(self, owner: UserId, template_id: TemplateId) -> QuestTemplate:
        template = self._visible().get(template_id)
        if template is None or template.owner != owner:
            raise TemplateNotFound(template_id)
        return copy.deepcopy(template)

    async def add(self, template: QuestTemplate) -> None:
        if template.id in self._visible() or template.id in self._uow.store.templates:
            raise AlreadyExists("template", template.id)
        stored = copy.deepcopy(template)
        stored.pull_events()
        self._uow.staged_templates[template.id] = stored
        self._uow.new_templates.add(template.id)
        self._uow.seen(template)

    async def update(self, template: QuestTemplate) -> None:
        current = self._visible().get(template.id)
        if current is None or current.owner != template.owner:
            raise TemplateNotFound(template.id)
        stored = copy.deepcopy(template)
        stored.pull_events()
        self._uow.staged_templates[template.id] = stored
        self._uow.seen(template)

    async def delete(self, owner: UserId, template_id: TemplateId) -> None:
        current = self._visible().get(template_id)
        if current is None or current.owner != owner:
            raise TemplateNotFound(template_id)
        if template_id in self._uow.new_templates:
            self._uow.new_templates.discard(template_id)
            del self._uow.staged_templates[template_id]
        else:
            self._uow.staged_templates[template_id] = None

    async def list(self, owner: UserId) -> builtins.list[QuestTemplate]:
        found = [t for t in self._visible().values() if t.owner == owner]
        found.sort(key=lambda t: (t.name.casefold(), t.id.int))
        return [copy.deepcopy(t) for t in found]


class InMemoryCategoryRepository:
    """:class:`~questlog_core.ports.quests.CategoryRepository` over a unit of work's view."""

    def __init__(self, uow: InMemoryQuestUnitOfWork) -> None:
        self._uow = uow

    def _visible(self) -> dict[CategoryId, Category]:
        merged: dict[CategoryId, Category | None] = {
            **self._uow.store.categories,
            **self._uow.staged_categories,
        }
        return {k: v for k, v in merged.items() if v is not None}

    async def get(self, owner: UserId, category_id: CategoryId) -> Category:
        category = self._visible().get(category_id)
        if category is None or category.owner != owner:
            raise CategoryNotFound(category_id)
        return copy.deepcopy(category)

    def _check_name(self, category: Category, visible: dict[CategoryId, Category]) -> None:
        if any(
            c.owner == category.owner and c.key == category.key and c.id != category.id
            for c in visible.values()
        ):
            raise AlreadyExists("category", category.name)

    async def add(self, category: Category) -> None:
        visible = self._visible()
        if category.id in visible or category.id in self._uow.store.categories:
            raise AlreadyExists("category", category.id)
        self._check_name(category, visible)
        stored = copy.deepcopy(category)
        stored.pull_events()
        self._uow.staged_categories[category.id] = stored
        self._uow.new_categories.add(category.id)
        self._uow.seen(category)

    async def update(self, category: Category) -> None:
        visible = self._visible()
        current = visible.get(category.id)
        if current is None or current.owner != category.owner:
            raise CategoryNotFound(category.id)
        self._check_name(category, visible)
        stored = copy.deepcopy(category)
        stored.pull_events()
        self._uow.staged_categories[category.id] = stored
        self._uow.seen(category)

    async def delete(self, owner: UserId, category_id: CategoryId) -> None:
        current = self._visible().get(category_id)
        if current is None or current.owner != owner:
            raise CategoryNotFound(category_id)
        if category_id in self._uow.new_categories:
            self._uow.new_categories.discard(category_id)
            del self._uow.staged_categories[category_id]
        else:
            self._uow.staged_categories[category_id] = None

    async def list(self, owner: UserId) -> builtins.list[Category]:
        found = [c for c in self._visible().values() if c.owner == owner]
        found.sort(key=lambda c: (c.key, c.id.int))
        return [copy.deepcopy(c) for c in found]


class InMemoryAttachmentRepository:
    """:class:`~questlog_core.ports.quests.AttachmentRepository` over a unit of work's view."""

    def __init__(self, uow: InMemoryQuestUnitOfWork) -> None:
        self._uow = uow

    def _visible(self) -> dict[AttachmentId, Attachment]:
        merged: dict[AttachmentId, Attachment | None] = {
            **self._uow.store.attachments,
            **self._uow.staged_attachments,
        }
        return {k: v for k, v in merged.items() if v is not None}

    async def get(
        self, owner: UserId, quest_id: QuestId, attachment_id: AttachmentId
    ) -> Attachment:
        found = self._visible().get(attachment_id)
        if found is None or found.owner != owner or found.quest_id != quest_id:
            raise AttachmentNotFound(attachment_id)
        return copy.deepcopy(found)

    async def add(self, attachment: Attachment) -> None:
        if attachment.id in self._visible() or attachment.id in self._uow.store.attachments:
            raise AlreadyExists("attachment", attachment.id)
        self._uow.staged_attachments[attachment.id] = copy.deepcopy(attachment)
        self._uow.new_attachments.add(attachment.id)

    async def update(self, attachment: Attachment) -> None:
        await self.get(attachment.owner, attachment.quest_id, attachment.id)
        self._uow.staged_attachments[attachment.id] = copy.deepcopy(attachment)

    async def delete(self, owner: UserId, quest_id: QuestId, attachment_id: AttachmentId) -> None:
        await self.get(owner, quest_id, attachment_id)
        if attachment_id in self._uow.new_attachments:
            self._uow.new_attachments.discard(attachment_id)
            del self._uow.staged_attachments[attachment_id]
        else:
            self._uow.staged_attachments[attachment_id] = None

    async def list(self, owner: UserId, quest_id: QuestId) -> builtins.list[Attachment]:
        found = [a for a in self._visible().values() if a.owner == owner and a.quest_id == quest_id]
        found.sort(key=lambda a: (a.created_at, a.id.int))
        return [copy.deepcopy(a) for a in found]

    async def remove_quest(self, owner: UserId, quest_id: QuestId) -> builtins.list[Attachment]:
        removed = await self.list(owner, quest_id)
        for attachment in removed:
            await self.delete(owner, quest_id, attachment.id)
        return removed


class InMemoryInbox:
    """:class:`~questlog_core.ports.quests.Inbox`: claims become durable on commit."""

    def __init__(self, uow: InMemoryQuestUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        key = (consumer, event_id)
        if key in self._uow.store.inbox or key in self._uow.claims:
            return False
        self._uow.claims.add(key)
        return True


class InMemoryOutbox(_SharedOutbox):
    """:class:`~questlog_core.kernel.messaging.Outbox` over an :class:`InMemoryQuestStore`."""

    def __init__(self, store: InMemoryQuestStore) -> None:
        super().__init__(lambda: store.outbox, store.published)
