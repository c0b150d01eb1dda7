"""The AI service's ports in process (tests, ``memory://`` deployments): the token-usage
ledger, and the read model of quests with its inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from adapters.memory.messaging import InMemoryOutbox
from questlog_core.ids import EventId, QuestId, UserId
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.messaging import OutboxRecord
from questlog_core.ports.ai import QuestView, TokenTotals, TokenUsageRecord


class InMemoryTokenUsageLedger:
    """Token usage records in a list; totals are sums over one owner's records."""

    def __init__(self) -> None:
        self._records: list[TokenUsageRecord] = []

    async def record(self, entry: TokenUsageRecord) -> None:
        """Keep ``entry``."""
        self._records.append(entry)

    async def totals(self, owner: UserId, since: datetime) -> TokenTotals:
        """``owner``'s requests and tokens at or after ``since``."""
        mine = [r for r in self._records if r.owner == owner and r.at >= since]
        return TokenTotals(
            requests=len(mine),
            input_tokens=sum(r.input_tokens for r in mine),
            output_tokens=sum(r.output_tokens for r in mine),
        )


class InMemoryAiStore:
    """The AI service's read model and inbox, shared by the units of work made on it."""

    def __init__(self) -> None:
        self.views: dict[tuple[UserId, QuestId], QuestView] = {}
        #: deleted quests (never shown again) → when they were deleted
        self.forgotten: dict[tuple[UserId, QuestId], datetime] = {}
        self.zones: dict[UserId, str] = {}
        self.inbox: set[tuple[str, EventId]] = set()
        self.outbox: list[DomainEvent] = []
        self.published: set[EventId] = set()

    def unit_of_work(self) -> InMemoryAiUnitOfWork:
        """A fresh unit of work on this store."""
        return InMemoryAiUnitOfWork(self)

    def outbox_reader(self) -> InMemoryOutbox:
        """The outbox port over this store."""
        return InMemoryOutbox(lambda: [OutboxRecord.of(e) for e in self.outbox], self.published)


class InMemoryQuestViews:
    """:class:`~questlog_core.ports.ai.QuestViews` over a unit of work's working copy."""

    def __init__(self, uow: InMemoryAiUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId, quest_id: QuestId) -> QuestView | None:
        return self._uow.work.get((owner, quest_id))

    async def put(self, view: QuestView) -> None:
        self._uow.work[(view.owner, view.quest_id)] = view

    async def remove(self, owner: UserId, quest_id: QuestId) -> None:
        self._uow.work.pop((owner, quest_id), None)

    async def forget(self, owner: UserId, quest_id: QuestId, *, at: datetime) -> None:
        await self.remove(owner, quest_id)
        self._uow.forgotten.setdefault((owner, quest_id), at)

    async def is_forgotten(self, owner: UserId, quest_id: QuestId) -> bool:
        return (owner, quest_id) in self._uow.forgotten

    async def of_owner(self, owner: UserId, *, open_only: bool = False) -> list[QuestView]:
        mine = [v for (o, _), v in self._uow.work.items() if o == owner]
        if open_only:
            mine = [v for v in mine if v.is_open]
        return sorted(mine, key=lambda v: (v.created_at, str(v.quest_id)))


class _Inbox:
    def __init__(self, uow: InMemoryAiUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        return await self._uow.claim(consumer, event_id)


class InMemoryPlayerZones:
    """:class:`~questlog_core.ports.ai.PlayerZones` over a unit of work's working copy."""

    def __init__(self, uow: InMemoryAiUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId) -> str | None:
        return self._uow.zones.get(owner)

    async def put(self, owner: UserId, timezone: str) -> None:
        self._uow.zones[owner] = timezone


class InMemoryAiUnitOfWork:
    """A transaction over an :class:`InMemoryAiStore`: changes land on commit."""

    def __init__(self, store: InMemoryAiStore) -> None:
        self.store = store
        self.work: dict[tuple[UserId, QuestId], QuestView] = {}
        self.forgotten: dict[tuple[UserId, QuestId], datetime] = {}
        self.zones: dict[UserId, str] = {}
        self.claims: set[tuple[str, EventId]] = set()
        self.events: list[DomainEvent] = []
        self._last_committed: list[DomainEvent] = []
        self.quest_views = InMemoryQuestViews(self)
        self.inbox = _Inbox(self)
        self.player_zones = InMemoryPlayerZones(self)

    async def __aenter__(self) -> Self:
        self.work = dict(self.store.views)
        self.forgotten = dict(self.store.forgotten)
        self.zones = dict(self.store.zones)
        self.claims = set()
        self.events = []
        self._last_committed = []
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.store.views = dict(self.work)
        self.store.forgotten = dict(self.forgotten)
        self.store.zones = dict(self.zones)
        self.store.inbox |= self.claims
        self.store.outbox.extend(self.events)
        self._last_committed = self.events
        self.claims = set()
        self.events = []

    async def rollback(self) -> None:
        """Discard the changes, claims and recorded events; the unit of work goes on."""
        self.work = dict(self.store.views)
        self.forgotten = dict(self.store.forgotten)
        self.zones = dict(self.store.zones)
        self.claims = set()
        self.events = []

    def record(self, *events: DomainEvent) -> None:
        self.events.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        return list(self._last_committed)

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        """Claim ``event_id`` for ``consumer`` in the inbox (what ``inbox.claim`` does)."""
        key = (consumer, event_id)
        if key in self.store.inbox or key in self.claims:
            return False
        self.claims.add(key)
        return True


__all__ = [
    "InMemoryAiStore",
    "InMemoryAiUnitOfWork",
    "InMemoryPlayerZones",
    "InMemoryQuestViews",
    "InMemoryTokenUsageLedger",
]
