"""Analytics in memory: the reference semantics of :mod:`questlog_core.analytics.ports`
(``memory://`` deployments and the contract suite)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Self

from questlog_core.analytics.model import DailyFigures, Kind, RecordedEvent
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import EventId, UserId

__all__ = ["InMemoryAnalyticsStore", "InMemoryAnalyticsUnitOfWork"]


class InMemoryAnalyticsStore:
    """The recorded events and the inbox, shared by the units of work made on it."""

    def __init__(self) -> None:
        self.events: list[RecordedEvent] = []
        self.inbox: set[tuple[str, EventId]] = set()
        #: each player's time zone as identity announced it
        self.zones: dict[UserId, str] = {}
        self.outbox: list[DomainEvent] = []
        #: the last position given (positions are never reused, forgotten events included)
        self.last_position = 0


class _Records:
    def __init__(self, uow: InMemoryAnalyticsUnitOfWork) -> None:
        self._uow = uow

    async def add(self, event: RecordedEvent) -> bool:
        if any(e.event_id == event.event_id for e in self._uow.events):
            return False
        self._uow.last_position += 1
        position = self._uow.last_position
        self._uow.events.append(
            RecordedEvent(
                event_id=event.event_id,
                owner=event.owner,
                kind=event.kind,
                at=event.at,
                properties=dict(event.properties),
                local_day=event.player_day,
                position=position,
            )
        )
        return True

    async def of_owner_on_days(self, owner: UserId, first: date, last: date) -> list[RecordedEvent]:
        found = [e for e in self._uow.events if e.owner == owner and first <= e.player_day <= last]
        return sorted(found, key=lambda e: (e.at, e.position))

    async def page_of_owner(self, owner: UserId, after: int, limit: int) -> list[RecordedEvent]:
        return [e for e in self._uow.events if e.owner == owner and e.position > after][:limit]

    async def forget_before(self, day: date) -> int:
        kept = [e for e in self._uow.events if e.day >= day]
        forgotten = len(self._uow.events) - len(kept)
        self._uow.events = kept
        return forgotten

    async def daily(self, first: date, last: date) -> list[DailyFigures]:
        active: dict[date, set[UserId]] = defaultdict(set)
        completing: dict[date, set[UserId]] = defaultdict(set)
        completions: dict[date, int] = defaultdict(int)
        for e in self._uow.events:
            if first <= e.day <= last:
                active[e.day].add(e.owner)
                if e.kind is Kind.QUEST_COMPLETED:
                    completions[e.day] += 1
                    completing[e.day].add(e.owner)
        return [
            DailyFigures(
                day=day,
                active_users=len(active[day]),
                completions=completions[day],
                completing_users=len(completing[day]),
            )
            for day in sorted(active)
        ]


class _Zones:
    def __init__(self, uow: InMemoryAnalyticsUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId) -> str | None:
        return self._uow.zones.get(owner)

    async def put(self, owner: UserId, timezone: str) -> None:
        self._uow.zones[owner] = timezone


class _Inbox:
    def __init__(self, uow: InMemoryAnalyticsUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        key = (consumer, event_id)
        if key in self._uow.store.inbox or key in self._uow.claims:
            return False
        self._uow.claims.add(key)
        return True


class InMemoryAnalyticsUnitOfWork:
    """A transaction over an :class:`InMemoryAnalyticsStore`: changes land on commit."""

    def __init__(self, store: InMemoryAnalyticsStore) -> None:
        self.store = store
        self.events: list[RecordedEvent] = []
        self.last_position = store.last_position
        self.zones = dict(store.zones)
        self.claims: set[tuple[str, EventId]] = set()
        self.recorded: list[DomainEvent] = []
        self._last_committed: list[DomainEvent] = []
        self.records = _Records(self)
        self.player_zones = _Zones(self)
        self.inbox = _Inbox(self)

    async def __aenter__(self) -> Self:
        await self.rollback()
        self._last_committed = []
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.store.events = list(self.events)
        self.store.last_position = self.last_position
        self.store.zones = dict(self.zones)
        self.store.inbox |= self.claims
        self.store.outbox.extend(self.recorded)
        self._last_committed = self.recorded
        self.claims = set()
        self.recorded = []

    async def rollback(self) -> None:
        """Discard the changes, claims and recorded events; the unit of work goes on."""
        self.events = list(self.store.events)
        self.last_position = self.store.last_position
        self.zones = dict(self.store.zones)
        self.claims = set()
        self.recorded = []

    def record(self, *events: DomainEvent) -> None:
        self.recorded.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        return list(self._last_committed)
