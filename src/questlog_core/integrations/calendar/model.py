"""What a calendar feed is made of: the feeds themselves, their tokens, and each quest's entry.

A feed holds one of two kinds of component (:class:`FeedKind`): ``VTODO`` to-dos (the default;
to-do apps and most desktop calendars show them) or ``VEVENT`` events (for calendars that show no
to-dos from a subscription, Google Calendar among them).

A feed's URL carries a token (``qcal_`` + 32 random bytes, URL-safe base64): whoever has the URL
reads the feed, so the token is a credential. Only its SHA-256 is stored; the token itself is
shown once, when the feed is created or rotated.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum
from typing import Final
from uuid import UUID

import msgspec

from questlog_core.kernel.errors import ValidationFailed
from questlog_core.kernel.ids import QuestId, UserId

__all__ = [
    "EVENT_DEFAULT_MINUTES",
    "FEEDS_MAX",
    "FEED_LABEL_MAX_LENGTH",
    "TOKEN_PREFIX",
    "CalendarEntry",
    "CalendarFeed",
    "FeedContent",
    "FeedKind",
    "IssuedFeed",
    "RenderedFeed",
    "hash_token",
    "looks_like_token",
    "new_token",
    "validate_feed_kind",
]

#: what every feed token begins with (so a leaked one is recognisable in logs and scanners)
TOKEN_PREFIX: Final = "qcal_"
#: random bytes in a token (256 bits: unguessable)
TOKEN_BYTES: Final = 32
#: the longest label a user may give a feed
FEED_LABEL_MAX_LENGTH: Final = 100
#: how many live (not revoked) feeds one user may have
FEEDS_MAX: Final = 20
#: how long an event lasts (ending at the due moment) when its quest has no estimate
EVENT_DEFAULT_MINUTES: Final = 30


class FeedKind(StrEnum):
    """What a feed holds for each due quest."""

    #: one ``VTODO`` per quest: a to-do due at the quest's due moment (the default)
    TODOS = "todos"
    #: one ``VEVENT`` per quest: an event ending at the due moment, as long as its estimate
    EVENTS = "events"


def validate_feed_kind(value: object) -> FeedKind:
    """``todos`` or ``events``; anything else is :class:`ValidationFailed` naming ``kind``."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return FeedKind(value)
    except ValueError:
        options = [k.value for k in FeedKind]
        raise ValidationFailed(
            "kind", f"unknown feed kind {value!r}; one of {', '.join(options)}", allowed=options
        ) from None


def new_token() -> str:
    """A fresh feed token."""
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    """Whether ``token`` has a feed token's shape (anything else is not found, unhashed)."""
    return token.startswith(TOKEN_PREFIX) and 20 <= len(token) <= 100


class CalendarFeed(msgspec.Struct, frozen=True, kw_only=True):
    """One private feed of a user: a label, what it holds, when it was made, and (once)
    revoked."""

    feed_id: UUID
    owner: UserId
    label: str
    token_hash: str
    created_at: datetime
    #: when the token was last replaced (``created_at`` until the first rotation)
    rotated_at: datetime
    revoked_at: datetime | None = None
    #: to-dos or events
    kind: FeedKind = FeedKind.TODOS

    @property
    def live(self) -> bool:
        return self.revoked_at is None


class IssuedFeed(msgspec.Struct, frozen=True, kw_only=True):
    """A feed with its token in clear: the one answer that shows the token."""

    feed: CalendarFeed
    token: str


class CalendarEntry(msgspec.Struct, frozen=True, kw_only=True):
    """The integrations service's copy of one quest: what a calendar shows of it."""

    owner: UserId
    quest_id: QuestId
    title: str
    notes: str = ""
    tags: tuple[str, ...] = ()
    category: str | None = None
    #: the quest's priority, 0 (none) .. 4 (critical)
    priority: int = 0
    #: todo, active, done, abandoned or archived
    status: str = "todo"
    due: datetime | None = None
    completed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    #: whether the quest was ever started (a reopened quest goes back to active if it was)
    started: bool = False
    #: how long the quest is expected to take, in minutes (``None``: no estimate)
    estimate_minutes: int | None = None

    @property
    def in_feed(self) -> bool:
        """Whether a calendar shows it: it has a due date and was not put away (archived)."""
        return self.due is not None and self.status != "archived"


class FeedContent(msgspec.Struct, frozen=True, kw_only=True):
    """What one feed shows: the owner's entries that belong in a calendar, and their zone."""

    owner: UserId
    timezone: str
    entries: list[CalendarEntry]
    #: to-dos or events
    kind: FeedKind = FeedKind.TODOS


class RenderedFeed(msgspec.Struct, frozen=True, kw_only=True):
    """A feed as sent: the iCalendar bytes, a strong validator of them, and the newest
    change among its entries (``None`` for an empty feed)."""

    body: bytes
    etag: str
    last_modified: datetime | None
