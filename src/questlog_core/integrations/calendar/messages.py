"""Calendar feeds as messages for the integrations bus, and the handler of each.

Listing feeds and reading one by its token only read (queries, on the reader's unit of work);
creating, changing, rotating and revoking a feed are commands. :func:`handlers` binds each
message to its use case with the clock, the id factory and the renderer given at bootstrap. The
names a controller needs (limits, answers, feed kinds) are re-exported here, so it needs nothing
deeper.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import msgspec

from questlog_core.integrations.calendar.model import (
    FEED_LABEL_MAX_LENGTH,
    FEEDS_MAX,
    CalendarFeed,
    FeedKind,
    IssuedFeed,
    RenderedFeed,
)
from questlog_core.integrations.calendar.ports import CalendarRenderer, CalendarUnitOfWork
from questlog_core.integrations.calendar.use_cases import (
    create_feed,
    list_feeds,
    read_feed,
    revoke_feed,
    rotate_feed,
    update_feed,
)
from questlog_core.kernel.clock import Clock, IdFactory
from questlog_core.kernel.ids import UserId

__all__ = [
    "FEEDS_MAX",
    "FEED_LABEL_MAX_LENGTH",
    "QUERIES",
    "CalendarFeed",
    "CreateCalendarFeed",
    "FeedKind",
    "IssuedFeed",
    "ListCalendarFeeds",
    "ReadCalendarFeed",
    "RenderedFeed",
    "RevokeCalendarFeed",
    "RotateCalendarFeed",
    "UpdateCalendarFeed",
    "handlers",
]


class CreateCalendarFeed(msgspec.Struct, frozen=True, kw_only=True):
    """Make a new private feed of the owner's quests (answers an :class:`IssuedFeed`)."""

    owner: UserId
    label: str = ""
    #: ``todos`` or ``events`` (:class:`FeedKind`); anything else is refused by the use case
    kind: str = FeedKind.TODOS.value


class UpdateCalendarFeed(msgspec.Struct, frozen=True, kw_only=True):
    """Change the label or kind of the owner's live feed, ``None`` leaving it as it is
    (answers the changed :class:`CalendarFeed`)."""

    owner: UserId
    feed_id: UUID
    label: str | None = None
    kind: str | None = None


class ListCalendarFeeds(msgspec.Struct, frozen=True, kw_only=True):
    """The owner's feeds (answers a list of :class:`CalendarFeed`, never a token)."""

    owner: UserId


class RotateCalendarFeed(msgspec.Struct, frozen=True, kw_only=True):
    """Replace the token of the owner's feed (answers an :class:`IssuedFeed`)."""

    owner: UserId
    feed_id: UUID


class RevokeCalendarFeed(msgspec.Struct, frozen=True, kw_only=True):
    """Revoke the owner's feed for good (answers the revoked :class:`CalendarFeed`)."""

    owner: UserId
    feed_id: UUID


class ReadCalendarFeed(msgspec.Struct, frozen=True, kw_only=True):
    """The feed that ``token`` opens, rendered (answers a :class:`RenderedFeed`)."""

    token: str


#: the calendar messages that only read
QUERIES: frozenset[type[msgspec.Struct]] = frozenset({ListCalendarFeeds, ReadCalendarFeed})

Handler = Callable[[Any, CalendarUnitOfWork], Awaitable[Any]]


def handlers(
    *, clock: Clock, ids: IdFactory, renderer: CalendarRenderer
) -> dict[type[msgspec.Struct], Handler]:
    """Every calendar message mapped to its use case."""

    async def create(c: CreateCalendarFeed, uow: CalendarUnitOfWork) -> IssuedFeed:
        return await create_feed(
            c.owner, c.label, uow, feed_id=ids.new_id(), now=clock.now(), kind=c.kind
        )

    async def update(c: UpdateCalendarFeed, uow: CalendarUnitOfWork) -> CalendarFeed:
        return await update_feed(c.owner, c.feed_id, uow, label=c.label, kind=c.kind)

    async def listing(q: ListCalendarFeeds, uow: CalendarUnitOfWork) -> list[CalendarFeed]:
        return await list_feeds(q.owner, uow)

    async def rotate(c: RotateCalendarFeed, uow: CalendarUnitOfWork) -> IssuedFeed:
        return await rotate_feed(c.owner, c.feed_id, uow, now=clock.now())

    async def revoke(c: RevokeCalendarFeed, uow: CalendarUnitOfWork) -> CalendarFeed:
        return await revoke_feed(c.owner, c.feed_id, uow, now=clock.now())

    async def read(q: ReadCalendarFeed, uow: CalendarUnitOfWork) -> RenderedFeed:
        return await read_feed(q.token, uow, renderer, now=clock.now())

    return {
        CreateCalendarFeed: create,
        ListCalendarFeeds: listing,
        UpdateCalendarFeed: update,
        RotateCalendarFeed: rotate,
        RevokeCalendarFeed: revoke,
        ReadCalendarFeed: read,
    }
