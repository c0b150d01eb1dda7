"""Request and response bodies of the calendar feed routes, built from the use cases' results
(``from_domain``), so the published contract changes only when this file does."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from questlog_core.integrations.calendar.messages import (
    FEED_LABEL_MAX_LENGTH,
    CalendarFeed,
    FeedKind,
)

Label = Annotated[str, msgspec.Meta(max_length=FEED_LABEL_MAX_LENGTH)]
#: checked by the use case, which names the allowed values in its 422
Kind = Annotated[
    str,
    msgspec.Meta(
        max_length=32,
        description=(
            "what the feed holds for each due quest: todos (one VTODO each, the default) or"
            " events (one VEVENT each, ending at the due moment; for calendars such as Google"
            " Calendar that show no to-dos)"
        ),
        examples=["events"],
        extra_json_schema={"extra": {"enum": [k.value for k in FeedKind]}},
    ),
]


class CalendarFeedIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A new feed: a label to tell it from the others (which device or app uses it), and
    whether it holds to-dos or events."""

    label: Label = ""
    kind: Kind = FeedKind.TODOS.value


class CalendarFeedPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What to change of a feed (absent: unchanged). Its URL stays the same."""

    label: Label | msgspec.UnsetType = msgspec.UNSET
    kind: Kind | msgspec.UnsetType = msgspec.UNSET


class CalendarFeedOut(msgspec.Struct, frozen=True, kw_only=True):
    """One of the caller's feeds. Its URL is never shown again after it was issued."""

    id: UUID
    label: str
    #: ``todos`` (VTODOs) or ``events`` (VEVENTs)
    kind: str
    created_at: datetime
    #: when the URL was last replaced (``created_at`` until the first rotation)
    rotated_at: datetime
    #: ``null`` while the feed is live
    revoked_at: datetime | None

    @classmethod
    def from_domain(cls, feed: CalendarFeed) -> CalendarFeedOut:
        return cls(
            id=feed.feed_id,
            label=feed.label,
            kind=feed.kind.value,
            created_at=feed.created_at,
            rotated_at=feed.rotated_at,
            revoked_at=feed.revoked_at,
        )


class IssuedFeedOut(msgspec.Struct, frozen=True, kw_only=True):
    """A feed and its URL, shown this once: whoever has the URL can read the feed."""

    feed: CalendarFeedOut
    #: the feed's URL (``.../calendar/<token>.ics``) to subscribe to
    url: str
    #: the same URL as ``webcal://``, which opens the subscription in most calendar apps
    webcal_url: str

    @classmethod
    def from_domain(cls, feed: CalendarFeed, *, url: str, webcal_url: str) -> IssuedFeedOut:
        return cls(feed=CalendarFeedOut.from_domain(feed), url=url, webcal_url=webcal_url)
