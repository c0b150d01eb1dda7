"""``/unsubscribe?token=...``: the link in every notification email, no sign-in needed.

The token is signed and names one user, one kind and one channel (see
:mod:`questlog_core.notifications.unsubscribe`). ``GET`` only shows a page with a button
(mail scanners fetch links, and must not unsubscribe anyone); ``POST`` turns that kind off.
"""

from __future__ import annotations

import html
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.datastructures import Accept
from litestar.enums import MediaType
from litestar.params import HeaderParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK

from apps.http.dependencies import UnsubscribeLinksDep
from apps.http.permissions import public
from apps.notification.controllers import NOTIFICATIONS_PATH
from apps.notification.dependencies import DEPENDENCIES, NotificationBus
from apps.notification.schemas import UnsubscribedOut
from questlog_core.notifications.messages import UnsubscribeByLink

Token = Annotated[str, QueryParameter(description="the signed token of the link", max_length=400)]

_LABELS = {
    "reminder": "due-date reminders",
    "deadline_passed": "deadline alerts",
    "achievement_unlocked": "achievement emails",
    "level_up": "level-up emails",
    "streak_at_risk": "streak alerts",
    "ai_suggestion": "suggestions",
    "system_announcement": "announcements",
}


class UnsubscribeController(Controller):
    path = f"{NOTIFICATIONS_PATH}/unsubscribe"
    tags = ["notifications"]
    dependencies = DEPENDENCIES

    @get("/", signed_url=True, **public())
    async def confirm_page(
        self, unsubscribe_links: UnsubscribeLinksDep, token: Token
    ) -> Response[str]:
        """A page asking to confirm (nothing changes until its button is pressed)."""
        link = unsubscribe_links.verify(token)
        what = html.escape(_LABELS[link.kind.value])
        page = (
            "<!doctype html><html><head><meta charset=utf-8><title>Unsubscribe</title></head>"
            f"<body><h1>Stop {what} by {html.escape(link.channel.value)}?</h1>"
            f'<form method="post"><button type="submit">Unsubscribe</button></form>'
            "</body></html>"
        )
        return Response(
            page,
            media_type=MediaType.HTML,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )

    @post("/", status_code=HTTP_200_OK, signed_url=True, **public())
    async def unsubscribe(
        self,
        unsubscribe_links: UnsubscribeLinksDep,
        bus: NotificationBus,
        token: Token,
        accept: Annotated[
            str | None,
            HeaderParameter(
                name="Accept",
                description="``text/html`` before ``application/json`` (a browser pressing "
                "the confirm page's button) answers with a page instead of the JSON",
                max_length=1000,
            ),
        ] = None,
    ) -> UnsubscribedOut:
        """Turn off the one kind and channel the link names (doing it again changes nothing).
        A browser (the confirm page's button) gets a page saying so; a client the JSON."""
        link = unsubscribe_links.verify(token)
        await bus.handle(UnsubscribeByLink(link=link))
        done = UnsubscribedOut(kind=link.kind.value, channel=link.channel.value)
        if _wants_page(accept):
            what = html.escape(_LABELS[link.kind.value])
            page = (
                "<!doctype html><html><head><meta charset=utf-8><title>Unsubscribed</title>"
                "</head><body><h1>Unsubscribed</h1>"
                f"<p>You will get no more {what} by {html.escape(link.channel.value)}. "
                "You can turn them back on in your notification settings.</p></body></html>"
            )
            return Response(  # type: ignore[return-value]
                page,
                media_type=MediaType.HTML,
                headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
            )
        return done


def _wants_page(accept: str | None) -> bool:
    """Whether the caller is a browser submitting the confirm page's form (it asks for HTML
    before JSON)."""
    if not accept:
        return False
    return Accept(accept).best_match(["application/json", "text/html"]) == "text/html"
