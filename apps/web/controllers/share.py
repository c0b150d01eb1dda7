"""``/share/{token}``: the page a shared achievement's link opens, for anyone (no sign-in).

It shows what ``GET /api/v1/gamification/share/{token}`` answers (only what the player chose
to show); an unknown or revoked link is a 404 page."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from apps.web.api import ApiClient
from apps.web.controllers.account import PAGE
from apps.web.rendering import render

#: where the share links the API hands out point (this page)
SHARE_PAGE_PATH = "/share"


class SharePages(Controller):
    path = SHARE_PAGE_PATH

    @get("/{token:str}", **PAGE)
    async def shared(
        self, request: Request[Any, Any, Any], token: Annotated[str, Parameter(max_length=200)]
    ) -> Response[str]:
        answer = await ApiClient(request).get(f"/api/v1/gamification/share/{quote(token, safe='')}")
        if not answer.ok:
            status = 404 if answer.status == 404 else 502
            message = (
                "This link shows nothing: it was revoked, or never existed."
                if status == 404
                else "Something went wrong; try again later."
            )
            return render(request, "error.html", status=status, error=message)
        return render(request, "shared.html", shared=answer.body)
