"""The OpenAPI UI (Swagger UI) served from this process: its script and stylesheet are vendored
in ``apps/http/static/swagger-ui`` (swagger-ui-dist, Apache-2.0; see ``VERSION`` there), so
``/schema`` works offline and loads nothing from a CDN."""

from __future__ import annotations

from pathlib import Path

from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.router import Router
from litestar.static_files import create_static_files_router

ASSETS = Path(__file__).parent / "static" / "swagger-ui"
#: where the vendored Swagger UI files are served
ASSETS_PATH = "/schema-assets"


def swagger_ui() -> SwaggerRenderPlugin:
    """Swagger UI at ``/schema`` with the local files."""
    return SwaggerRenderPlugin(
        path="/",
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>",
    )


def swagger_ui_assets() -> Router:
    """The route serving the vendored files (public, like the OpenAPI documents)."""
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[ASSETS],
        include_in_schema=False,
        opt={"permission": None},
        name="swagger-ui-assets",
    )
