"""What makes the web client installable: the manifest and the service worker (served from
the root so it may control every page; it keeps a read-only copy of the today page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Controller, Response, get

from apps.http.permissions import public

#: the manifest and the service worker hold nothing of anyone's: public, not API operations
PAGE = {**public(), "include_in_schema": False}

STATIC = Path(__file__).parent.parent / "static"

MANIFEST: dict[str, Any] = {
    "name": "Questlog",
    "short_name": "Questlog",
    "description": "A gamified task manager: quests, XP, streaks, and an AI that ranks your day.",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "background_color": "#10141f",
    "theme_color": "#10141f",
    "icons": [
        {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/static/icons/icon-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": "/static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"},
    ],
}


class InstallPages(Controller):
    path = "/"

    @get("/manifest.webmanifest", **PAGE)
    async def manifest(self) -> Response[dict[str, Any]]:
        return Response(MANIFEST, media_type="application/manifest+json")

    @get("/sw.js", **PAGE)
    async def service_worker(self) -> Response[bytes]:
        return Response(
            (STATIC / "sw.js").read_bytes(),
            media_type="text/javascript; charset=utf-8",
            headers={"cache-control": "no-cache"},
        )
