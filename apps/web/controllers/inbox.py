"""The notifications inbox and the notification preferences, over the notification service's
API (``/api/v1/notifications/...``); both are plain forms, so they work without JavaScript."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post

from apps.web.controllers.account import PAGE
from apps.web.navigation import NOTIFICATIONS_HISTORY, flash_cookie, notifications_available, page
from apps.web.rendering import see_other
from apps.web.session import Visit

PREFERENCES = "/api/v1/notifications/preferences"
MARK_READ = "/api/v1/notifications/mark-read"
#: the kinds a person can tune, in the order the page lists them, with their labels
KINDS = (
    ("reminder", "Reminders before a due time"),
    ("deadline_passed", "A deadline has passed"),
    ("achievement_unlocked", "Achievement unlocked"),
    ("level_up", "Level up"),
    ("streak_at_risk", "Streak at risk"),
    ("ai_suggestion", "Suggestions"),
    ("system_announcement", "Announcements"),
)
CHANNELS = (("in_app", "In the app"), ("email", "Email"), ("push", "Push"))


def preferences_from_form(form: dict[str, str], current: dict[str, Any]) -> dict[str, Any]:
    """The API's preferences body from the page's form: a ticked box ``<kind>.<channel>`` turns
    that channel on; quiet hours need both times (empty: none); ``reminder_offsets_minutes``
    are kept as they were (this page does not edit them)."""
    channels = {
        kind: [channel for channel, _ in CHANNELS if form.get(f"{kind}.{channel}") == "on"]
        for kind, _ in KINDS
    }
    start, end = form.get("quiet_start", "").strip(), form.get("quiet_end", "").strip()
    return {
        "channels": channels,
        "quiet_hours": {"start": start, "end": end} if start or end else None,
        "opted_out": form.get("opted_out") == "on",
        "reminder_offsets_minutes": current.get("reminder_offsets_minutes", [1440, 60]),
    }


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


class InboxPages(Controller):
    path = "/notifications"

    @get("/", **PAGE)
    async def inbox(self, request: Request[Any, Any, Any]) -> Any:
        """The in-app notifications, newest first, with mark-read (one or all)."""
        visit = Visit(request)
        if not await notifications_available(visit):
            return see_other("/", cookies=visit.cookies)
        answer = await visit.get(NOTIFICATIONS_HISTORY, params={"limit": 50})
        body = answer.body if answer.ok and isinstance(answer.body, dict) else {}
        return await page(
            visit,
            "notifications.html",
            items=body.get("items", []),
            unread=body.get("unread", 0),
            error=None if answer.ok else answer.problem(),
        )

    @post("/read", **PAGE)
    async def mark_read(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Mark one notification (``id``) or all of them (``all``) read."""
        visit = Visit(request)
        form = await _form(request)
        ids = [form["id"]] if form.get("id") else []
        body: dict[str, Any] = {"ids": ids} if ids else {"all": True}
        answer = await visit.post(MARK_READ, json=body)
        cookies = list(visit.cookies)
        if not answer.ok:
            cookies.append(flash_cookie(request, answer.problem()))
        return see_other("/notifications", cookies=cookies)

    @get("/preferences", **PAGE)
    async def preferences(self, request: Request[Any, Any, Any]) -> Any:
        """Per kind and channel toggles, quiet hours and the global opt-out."""
        visit = Visit(request)
        if not await notifications_available(visit):
            return see_other("/", cookies=visit.cookies)
        answer = await visit.get(PREFERENCES)
        saved = request.query_params.get("saved") == "1"
        return await page(
            visit,
            "notification_preferences.html",
            prefs=answer.body if answer.ok else None,
            kinds=KINDS,
            channels=CHANNELS,
            saved=saved,
            error=None if answer.ok else answer.problem(),
        )

    @post("/preferences", **PAGE)
    async def save_preferences(self, request: Request[Any, Any, Any]) -> Response[Any]:
        visit = Visit(request)
        current = await visit.get(PREFERENCES)
        body = preferences_from_form(
            await _form(request),
            current.body if current.ok and isinstance(current.body, dict) else {},
        )
        answer = await visit.call("PUT", PREFERENCES, json=body)
        if not answer.ok:
            cookies = [*visit.cookies, flash_cookie(request, answer.problem())]
            return see_other("/notifications/preferences", cookies=cookies)
        return see_other("/notifications/preferences?saved=1", cookies=visit.cookies)
