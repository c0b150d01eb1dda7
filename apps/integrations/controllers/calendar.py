"""``/api/v1/integrations/calendar``: private iCalendar feeds of the caller's quests.

Creating, listing, changing, rotating and revoking are the caller's own feeds; reading one
(``GET /calendar/{token}.ics``) needs no sign-in, because calendar apps cannot send one: the
token in the URL is the credential, shown only when the feed is made or rotated. Reads are
limited per client address (:data:`FEED_READS_PER_MINUTE`) and answer ``304`` to a matching
``If-None-Match``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import ResponseHeader
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody, Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT, HTTP_304_NOT_MODIFIED

from apps.http.client_address import request_client_address
from apps.http.dependencies import CurrentUser, container_of
from apps.http.permissions import public, requires
from apps.integrations.calendar_dependencies import CALENDAR_DEPENDENCIES, CalendarBus
from apps.integrations.calendar_schemas import (
    CalendarFeedIn,
    CalendarFeedOut,
    CalendarFeedPatch,
    IssuedFeedOut,
)
from apps.integrations.controllers import INTEGRATIONS_PATH
from questlog_core.errors import NotFound, RateLimited
from questlog_core.identity.rbac import Permission
from questlog_core.integrations.calendar.messages import (
    CreateCalendarFeed,
    IssuedFeed,
    ListCalendarFeeds,
    ReadCalendarFeed,
    RevokeCalendarFeed,
    RotateCalendarFeed,
    UpdateCalendarFeed,
)
from questlog_core.kernel.ids import UserId

#: where the calendar routes live
CALENDAR_PATH = f"{INTEGRATIONS_PATH}/calendar"
#: reads of feeds one client address may make per minute (a calendar app polls every few
#: minutes at most; this stops token guessing at scale without hurting anyone's sync)
FEED_READS_PER_MINUTE = 60
#: the media type of a feed (RFC 5545 section 8.1)
CALENDAR_MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text types

IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        required=False,
        max_length=200,
        description="the ETag of the copy the calendar app holds: 304 while it is current",
        schema_extra={"one_of": None, "type": "string"},
    ),
]


def _urls(request: Request[Any, Any, Any], token: str) -> tuple[str, str]:
    """The feed's ``https`` (or ``http``) URL and its ``webcal://`` form."""
    base = str(request.app.state.settings.public_url).rstrip("/")
    url = f"{base}{CALENDAR_PATH}/{token}.ics"
    scheme, _, rest = url.partition("://")
    return url, f"webcal://{rest}" if scheme in ("http", "https") else url


def _issued(request: Request[Any, Any, Any], issued: IssuedFeed) -> IssuedFeedOut:
    url, webcal = _urls(request, issued.token)
    return IssuedFeedOut.from_domain(issued.feed, url=url, webcal_url=webcal)


async def _spend_feed_read(request: Request[Any, Any, Any]) -> None:
    container = container_of(request.app.state)
    address = request_client_address(request) or "unknown"
    decision = await container.rate_limiter().hit(
        f"calendar-feed:{address}", FEED_READS_PER_MINUTE, timedelta(minutes=1)
    )
    if not decision.allowed:
        raise RateLimited(decision.retry_after_seconds)


class CalendarController(Controller):
    dependencies = CALENDAR_DEPENDENCIES
    path = CALENDAR_PATH
    tags = ["integrations"]

    @post("/feeds", status_code=HTTP_201_CREATED, **requires(Permission.INTEGRATIONS_WRITE))
    async def create(
        self,
        request: Request[Any, Any, Any],
        user: CurrentUser,
        bus: CalendarBus,
        data: JSONBody[CalendarFeedIn],
    ) -> IssuedFeedOut:
        """A new private feed of the caller's quests with due dates, as to-dos (``kind``
        ``todos``, the default) or events (``events``). Its URL (with the token) is shown only
        in this answer: subscribe to it in a calendar app."""
        issued = await bus.handle(
            CreateCalendarFeed(owner=UserId(user.user_id), label=data.label, kind=data.kind)
        )
        return _issued(request, issued)

    @get("/feeds", **requires(Permission.INTEGRATIONS_READ))
    async def list_feeds(self, user: CurrentUser, bus: CalendarBus) -> list[CalendarFeedOut]:
        """The caller's feeds, revoked ones included (never their tokens or URLs)."""
        feeds = await bus.handle(ListCalendarFeeds(owner=UserId(user.user_id)))
        return [CalendarFeedOut.from_domain(f) for f in feeds]

    @patch("/feeds/{feed_id:uuid}", status_code=200, **requires(Permission.INTEGRATIONS_WRITE))
    async def update(
        self,
        user: CurrentUser,
        bus: CalendarBus,
        feed_id: FromPath[UUID],
        data: JSONBody[CalendarFeedPatch],
    ) -> CalendarFeedOut:
        """Change the label of one of the caller's live feeds, or what it holds (``kind``:
        ``todos`` or ``events``). The URL stays the same: the calendar app gets the new
        content at its next refresh."""
        changed = await bus.handle(
            UpdateCalendarFeed(
                owner=UserId(user.user_id),
                feed_id=feed_id,
                label=None if isinstance(data.label, msgspec.UnsetType) else data.label,
                kind=None if isinstance(data.kind, msgspec.UnsetType) else data.kind,
            )
        )
        return CalendarFeedOut.from_domain(changed)

    @post(
        "/feeds/{feed_id:uuid}/rotate",
        status_code=200,
        **requires(Permission.INTEGRATIONS_WRITE),
    )
    async def rotate(
        self,
        request: Request[Any, Any, Any],
        user: CurrentUser,
        bus: CalendarBus,
        feed_id: FromPath[UUID],
    ) -> IssuedFeedOut:
        """A new URL for one of the caller's live feeds; the old URL answers 404 from now on.
        The new URL is shown only in this answer."""
        issued = await bus.handle(RotateCalendarFeed(owner=UserId(user.user_id), feed_id=feed_id))
        return _issued(request, issued)

    @delete(
        "/feeds/{feed_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.INTEGRATIONS_WRITE),
    )
    async def revoke(self, user: CurrentUser, bus: CalendarBus, feed_id: FromPath[UUID]) -> None:
        """Revoke one of the caller's feeds for good: its URL answers 404 from now on."""
        await bus.handle(RevokeCalendarFeed(owner=UserId(user.user_id), feed_id=feed_id))

    @get(
        "/{filename:str}",
        rate_limited=True,
        media_type=CALENDAR_MEDIA_TYPE,
        responses={
            HTTP_304_NOT_MODIFIED: ResponseSpec(
                None, description="``If-None-Match`` names the current ETag: no body."
            )
        },
        response_headers=[
            ResponseHeader(
                name="ETag",
                description="a strong validator of the document",
                documentation_only=True,
            ),
            ResponseHeader(
                name="Last-Modified",
                description="the newest change among the feed's quests (absent when empty)",
                required=False,
                documentation_only=True,
            ),
        ],
        **public(),
    )
    async def read(
        self,
        request: Request[Any, Any, Any],
        bus: CalendarBus,
        filename: Annotated[
            str,
            Parameter(
                max_length=120,
                description="``<token>.ics``: the feed URL's last part, as it was handed out",
            ),
        ],
        if_none_match: IfNoneMatch = None,
    ) -> Response[bytes]:
        """The feed: an iCalendar (RFC 5545) document with one ``VTODO`` (a ``todos`` feed) or
        ``VEVENT`` (an ``events`` feed) per quest that has a due date and is not archived,
        times in the owner's time zone. No sign-in: the
        token is the credential. An unknown, rotated or revoked token is a 404."""
        await _spend_feed_read(request)
        token, dot, extension = filename.rpartition(".")
        if not dot or extension != "ics":
            raise NotFound("calendar feed", "token")
        feed = await bus.handle(ReadCalendarFeed(token=token))
        headers = {
            "ETag": feed.etag,
            # private: the URL is a secret; no-cache: revalidate (cheap with the ETag)
            "Cache-Control": "private, no-cache",
            "Referrer-Policy": "no-referrer",
        }
        if feed.last_modified is not None:
            headers["Last-Modified"] = feed.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
        if if_none_match is not None and feed.etag in {
            tag.strip() for tag in if_none_match.split(",")
        }:
            return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
        return Response(feed.body, media_type=CALENDAR_MEDIA_TYPE, headers=headers)
