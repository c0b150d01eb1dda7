"""Calendar feeds: create, list, change, rotate and revoke a feed, and read one by its token.

Each takes its ports as arguments. Reading a feed is the one public use case (the token is the
credential): an unknown, malformed or revoked token is :class:`NotFound`, the same answer for
each, so a caller learns nothing about which tokens ever existed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from uuid import UUID

import msgspec

from questlog_core.integrations.calendar.model import (
    FEED_LABEL_MAX_LENGTH,
    FEEDS_MAX,
    CalendarFeed,
    FeedContent,
    FeedKind,
    IssuedFeed,
    RenderedFeed,
    hash_token,
    looks_like_token,
    new_token,
    validate_feed_kind,
)
from questlog_core.integrations.calendar.ports import CalendarRenderer, CalendarUnitOfWork
from questlog_core.kernel.errors import NotFound, ValidationFailed
from questlog_core.kernel.ids import UserId

__all__ = [
    "DEFAULT_ZONE",
    "create_feed",
    "list_feeds",
    "read_feed",
    "revoke_feed",
    "rotate_feed",
    "update_feed",
]

#: the zone of an owner identity has not announced to this service yet
DEFAULT_ZONE = "UTC"


def _label(label: str) -> str:
    clean = " ".join(label.split())
    if len(clean) > FEED_LABEL_MAX_LENGTH:
        raise ValidationFailed("label", f"must be at most {FEED_LABEL_MAX_LENGTH} characters")
    return clean or "Questlog"


async def create_feed(
    owner: UserId,
    label: str,
    uow: CalendarUnitOfWork,
    *,
    feed_id: UUID,
    now: datetime,
    kind: str = FeedKind.TODOS,
) -> IssuedFeed:
    """A new feed of the owner's quests, holding to-dos or events (``kind``); the answer holds
    the token, shown this once.

    Raises ``ValidationFailed`` for a label that is too long, an unknown kind, or when the
    owner already has :data:`FEEDS_MAX` live feeds.
    """
    clean = _label(label)
    feed_kind = validate_feed_kind(kind)
    token = new_token()
    feed = CalendarFeed(
        feed_id=feed_id,
        owner=owner,
        label=clean,
        token_hash=hash_token(token),
        created_at=now,
        rotated_at=now,
        kind=feed_kind,
    )
    async with uow:
        live = [f for f in await uow.feeds.of_owner(owner) if f.live]
        if len(live) >= FEEDS_MAX:
            raise ValidationFailed(
                "feeds", f"at most {FEEDS_MAX} live feeds; revoke one you no longer use"
            )
        await uow.feeds.add(feed)
        await uow.commit()
    return IssuedFeed(feed=feed, token=token)


async def list_feeds(owner: UserId, uow: CalendarUnitOfWork) -> list[CalendarFeed]:
    """The owner's feeds, revoked ones too (marked), oldest first. Never a token."""
    async with uow:
        return await uow.feeds.of_owner(owner)


async def _live_feed(owner: UserId, feed_id: UUID, uow: CalendarUnitOfWork) -> CalendarFeed:
    feed = await uow.feeds.get(owner, feed_id)
    if feed is None or not feed.live:
        raise NotFound("calendar feed", feed_id)
    return feed


async def revoke_feed(
    owner: UserId, feed_id: UUID, uow: CalendarUnitOfWork, *, now: datetime
) -> CalendarFeed:
    """Revoke the owner's feed: its URL answers 404 from now on. A revoked or unknown feed
    (or another owner's) is :class:`NotFound`."""
    async with uow:
        feed = await _live_feed(owner, feed_id, uow)
        revoked = msgspec.structs.replace(feed, revoked_at=now)
        await uow.feeds.save(revoked)
        await uow.commit()
    return revoked


async def update_feed(
    owner: UserId,
    feed_id: UUID,
    uow: CalendarUnitOfWork,
    *,
    label: str | None = None,
    kind: str | None = None,
) -> CalendarFeed:
    """Change the label or the kind of the owner's live feed (``None``: unchanged). Its URL
    stays the same: the next read serves what the feed holds now.

    Raises ``ValidationFailed`` for a label that is too long or an unknown kind, and
    :class:`NotFound` for a revoked or unknown feed (or another owner's).
    """
    changes: dict[str, object] = {}
    if label is not None:
        changes["label"] = _label(label)
    if kind is not None:
        changes["kind"] = validate_feed_kind(kind)
    async with uow:
        feed = await _live_feed(owner, feed_id, uow)
        changed = msgspec.structs.replace(feed, **changes)
        if changed != feed:
            await uow.feeds.save(changed)
            await uow.commit()
    return changed


async def rotate_feed(
    owner: UserId, feed_id: UUID, uow: CalendarUnitOfWork, *, now: datetime
) -> IssuedFeed:
    """Give the owner's feed a new token (the old URL answers 404 from now on); the answer
    holds the new token, shown this once."""
    token = new_token()
    async with uow:
        feed = await _live_feed(owner, feed_id, uow)
        rotated = msgspec.structs.replace(feed, token_hash=hash_token(token), rotated_at=now)
        await uow.feeds.save(rotated)
        await uow.commit()
    return IssuedFeed(feed=rotated, token=token)


async def read_feed(
    token: str, uow: CalendarUnitOfWork, renderer: CalendarRenderer, *, now: datetime
) -> RenderedFeed:
    """The iCalendar document of the feed ``token`` opens: the owner's quests with a due date
    (not archived) as to-dos or events (the feed's kind), times in the owner's zone. The ETag
    covers the kind too, so switching a feed's kind always changes it.

    Raises :class:`NotFound` for a token that is malformed, unknown or revoked.
    """
    if not looks_like_token(token):
        raise NotFound("calendar feed", "token")
    async with uow:
        feed = await uow.feeds.by_token_hash(hash_token(token))
        if feed is None or not feed.live:
            raise NotFound("calendar feed", "token")
        zone = await uow.zones.get(feed.owner) or DEFAULT_ZONE
        entries = await uow.entries.in_feed(feed.owner)
    content = FeedContent(owner=feed.owner, timezone=zone, entries=entries, kind=feed.kind)
    last = max((e.updated_at for e in entries), default=None)
    body = renderer.render(content, now=last or now)
    digest = hashlib.sha256(feed.kind.value.encode("ascii") + b"\n" + body)
    etag = '"' + digest.hexdigest()[:32] + '"'
    return RenderedFeed(body=body, etag=etag, last_modified=last)
