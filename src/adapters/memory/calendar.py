"""Calendar feeds in memory: reference semantics of the feeds, entries and zones ports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Self
from uuid import UUID

from questlog_core.integrations.calendar.model import CalendarEntry, CalendarFeed
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import EventId, QuestId, UserId

__all__ = ["InMemoryCalendarStore", "InMemoryCalendarUnitOfWork"]

_FAR = datetime.max.replace(tzinfo=UTC)


class InMemoryCalendarStore:
    """The feeds, entries, zones and inbox, shared by the units of work made on it."""

    def __init__(self) -> None:
        self.feeds: dict[UUID, CalendarFeed] = {}
        self.entries: dict[tuple[UserId, QuestId], CalendarEntry] = {}
        self.zones: dict[UserId, str] = {}
        self.inbox: set[tuple[str, EventId]] = set()
        #: what committed units of work recorded (calendar feeds publish nothing)
        self.outbox: list[DomainEvent] = []


class _Feeds:
    def __init__(self, uow: InMemoryCalendarUnitOfWork) -> None:
        self._uow = uow

    async def add(self, feed: CalendarFeed) -> None:
        self._uow.pending_feeds[feed.feed_id] = feed

    async def save(self, feed: CalendarFeed) -> None:
        self._uow.pending_feeds[feed.feed_id] = feed

    async def get(self, owner: UserId, feed_id: UUID) -> CalendarFeed | None:
        feed = self._uow.pending_feeds.get(feed_id)
        return feed if feed is not None and feed.owner == owner else None

    async def of_owner(self, owner: UserId) -> list[CalendarFeed]:
        mine = [f for f in self._uow.pending_feeds.values() if f.owner == owner]
        return sorted(mine, key=lambda f: (f.created_at, str(f.feed_id)))

    async def by_token_hash(self, token_hash: str) -> CalendarFeed | None:
        for feed in self._uow.pending_feeds.values():
            if feed.token_hash == token_hash:
                return feed
        return None


class _Entries:
    def __init__(self, uow: InMemoryCalendarUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId, quest_id: QuestId) -> CalendarEntry | None:
        return self._uow.pending_entries.get((owner, quest_id))

    async def put(self, entry: CalendarEntry) -> None:
        self._uow.pending_entries[(entry.owner, entry.quest_id)] = entry

    async def remove(self, owner: UserId, quest_id: QuestId) -> None:
        self._uow.pending_entries.pop((owner, quest_id), None)

    async def in_feed(self, owner: UserId) -> list[CalendarEntry]:
        mine = [e for e in self._uow.pending_entries.values() if e.owner == owner and e.in_feed]
        return sorted(mine, key=lambda e: (e.due or _FAR, str(e.quest_id)))


class _Zones:
    def __init__(self, uow: InMemoryCalendarUnitOfWork) -> None:
        self._uow = uow

    async def get(self, owner: UserId) -> str | None:
        return self._uow.pending_zones.get(owner)

    async def put(self, owner: UserId, timezone: str) -> None:
        self._uow.pending_zones[owner] = timezone


class _Inbox:
    def __init__(self, uow: InMemoryCalendarUnitOfWork) -> None:
        self._uow = uow

    async def claim(self, consumer: str, event_id: EventId) -> bool:
        key = (consumer, event_id)
        if key in self._uow.store.inbox or key in self._uow.claims:
            return False
        self._uow.claims.add(key)
        return True


class InMemoryCalendarUnitOfWork:
    """A transaction over an :class:`InMemoryCalendarStore`: changes land on commit."""

    def __init__(self, store: InMemoryCalendarStore) -> None:
        self.store = store
        self.pending_feeds: dict[UUID, CalendarFeed] = {}
        self.pending_entries: dict[tuple[UserId, QuestId], CalendarEntry] = {}
        self.pending_zones: dict[UserId, str] = {}
        self.claims: set[tuple[str, EventId]] = set()
        self.events: list[DomainEvent] = []
        self._last_committed: list[DomainEvent] = []
        self.feeds = _Feeds(self)
        self.entries = _Entries(self)
        self.zones = _Zones(self)
        self.inbox = _Inbox(self)

    async def __aenter__(self) -> Self:
        await self.rollback()
        self._last_committed = []
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.store.feeds = dict(self.pending_feeds)
        self.store.entries = dict(self.pending_entries)
        self.store.zones = dict(self.pending_zones)
        self.store.inbox |= self.claims
        self.store.outbox.extend(self.events)
        self._last_committed = self.events
        self.claims = set()
        self.events = []

    async def rollback(self) -> None:
        """Discard the changes, claims and recorded events; the unit of work goes on."""
        self.pending_feeds = dict(self.store.feeds)
        self.pending_entries = dict(self.store.entries)
        self.pending_zones = dict(self.store.zones)
        self.claims = set()
        self.events = []

    def record(self, *events: DomainEvent) -> None:
        self.events.extend(events)

    def committed_events(self) -> list[DomainEvent]:
        return list(self._last_committed)
