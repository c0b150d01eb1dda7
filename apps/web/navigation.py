"""What every signed-in page shows around its content: the player's level bar and streak, the
navigation (with the notifications entry and its unread count only where that service
answers), one-shot messages."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote, unquote

from litestar import Request, Response
from litestar.datastructures import Cookie

from apps.web.rendering import render
from apps.web.session import Visit, secure_cookies

FLASH_COOKIE = "ql_flash"
#: seconds a probe of the notification service is trusted before asking again
PROBE_SECONDS = 60.0
NOTIFICATIONS_HISTORY = "/api/v1/notifications/history"

_absent: dict[int, float] = {}


async def unread_count(visit: Visit) -> int | None:
    """How many notifications are unread, or ``None`` where the notification service does not
    answer (it may be deployed or not): the navigation then hides the inbox rather than link to
    a page that cannot work. An absent service is asked again only after ``PROBE_SECONDS``."""
    key = id(visit.request.app)
    now = time.monotonic()
    since = _absent.get(key)
    if since is not None and now - since < PROBE_SECONDS:
        return None
    answer = await visit.get(NOTIFICATIONS_HISTORY, params={"limit": 1})
    if not answer.ok or not isinstance(answer.body, dict):
        _absent[key] = now
        return None
    _absent.pop(key, None)
    unread = answer.body.get("unread")
    return unread if isinstance(unread, int) else 0


async def notifications_available(visit: Visit) -> bool:
    """Whether the notification service answers here."""
    return await unread_count(visit) is not None


def flash_cookie(request: Request[Any, Any, Any], message: str) -> Cookie:
    """A message for the next page only (an error after a redirect)."""
    return Cookie(
        key=FLASH_COOKIE,
        value=quote(message[:300]),
        max_age=60,
        path="/",
        httponly=True,
        secure=secure_cookies(request),
        samesite="lax",
    )


async def page(visit: Visit, template: str, *, status: int = 200, **context: Any) -> Response[str]:
    """A signed-in page: the template with the player's profile and the navigation."""
    request = visit.request
    profile = await visit.get("/api/v1/gamification/profile")
    cookies = list(visit.cookies)
    flash = request.cookies.get(FLASH_COOKIE)
    if flash:
        cookies.append(Cookie(key=FLASH_COOKIE, value="", max_age=0, path="/"))
        context.setdefault("error", None)
        context["error"] = context["error"] or unquote(flash)
    unread = await unread_count(visit)
    return render(
        request,
        template,
        status=status,
        cookies=cookies,
        profile=profile.body if profile.ok else None,
        notifications=unread is not None,
        unread_notifications=unread or 0,
        signed_in=True,
        **context,
    )
